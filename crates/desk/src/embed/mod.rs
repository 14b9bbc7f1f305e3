//! Embedding by script tag: the loader (`/embed.js`), the frame helpers, and the widget page
//! the loader's iframe (and the full-page portal) open ([`page`]). Pure functions;
//! routes/embed.rs serves them. See docs/embedding.md.

mod page;
mod scripts;

pub use page::{page, Mode, PageSpec, TrunkAssets};
pub use scripts::{FRAME_CSS, FRAME_JS, LOADER_JS, PRELOAD_JS};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// A strong ETag from the content hash.
pub fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", &hex(&digest)[..16])
}

/// A weak ETag from the content hash, for a page the desk builds per request: the same bytes
/// get the same tag, and weak because the compression layer may send it encoded (RFC 9110,
/// 8.8.3: a strong tag names one exact representation).
pub fn weak_etag(body: &str) -> String {
    format!("W/{}", etag(body))
}

/// Whether an `If-None-Match` value names `tag` (weak comparison, as RFC 9110 13.1.2 asks for
/// this header: `W/` is ignored on both sides; `*` matches anything).
pub fn none_match(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match.split(',').any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_source(script: &str) -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(script.as_bytes())))
}

impl TrunkAssets {
    /// CSP source for the inline start script.
    pub fn script_hash(&self) -> String {
        sha256_source(&self.script)
    }
}

/// The widget page's Content-Security-Policy: only its own origin, the start script and the
/// bundle preload by hash, wasm compilation, and framing only by the given ancestors.
pub fn csp(assets: &TrunkAssets, ancestors: &[String]) -> String {
    let ancestors = if ancestors.is_empty() { "'none'".to_string() } else { ancestors.join(" ") };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {} {}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
         object-src 'none'; frame-ancestors {ancestors}",
        assets.script_hash(),
        sha256_source(&PRELOAD_JS)
    )
}

/// A bare `scheme://host[:port]` origin (nothing that could break out of a CSP header).
pub fn valid_origin(origin: &str) -> bool {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    })
}

/// `frame-ancestors` sources for a site's allowed origins (`*` stays `*`).
pub fn ancestors(allowed: &[String]) -> Vec<String> {
    allowed
        .iter()
        .map(|o| o.trim_end_matches('/'))
        .filter(|o| *o == "*" || valid_origin(o))
        .map(str::to_string)
        .collect()
}

/// Trunk names hashed assets `name-<16 hex>.ext`: those never change and may be cached forever.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    if !matches!(ext, "js" | "css" | "wasm") {
        return false;
    }
    let stem = stem.trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, h)| h.len() >= 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = weak_etag("page");
        assert!(tag.starts_with("W/\""));
        assert!(none_match(&tag, &tag));
        assert!(none_match(tag.trim_start_matches("W/"), &tag));
        assert!(none_match(&format!("\"x\", {tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match(&weak_etag("other page"), &tag));
        assert!(!none_match("", &tag));
    }

    #[test]
    fn csp_names_the_start_script_and_the_preload_and_limits_ancestors() {
        let index = "<script type=\"module\">import init from '/w-0123456789abcdef.js';</script>";
        let a = TrunkAssets::from_index(index).expect("assets");
        assert!(a.script_hash().starts_with("'sha256-"));
        let csp = csp(&a, &ancestors(&["http://h.test".into(), "bad origin".into()]));
        assert!(csp.ends_with("frame-ancestors http://h.test"));
        assert!(csp.contains(&a.script_hash()));
        assert!(csp.contains(&sha256_source(&PRELOAD_JS)));
    }

    #[test]
    fn only_bare_origins_are_valid() {
        assert!(valid_origin("http://127.0.0.1:8081"));
        assert!(valid_origin("https://shop.example"));
        assert!(!valid_origin("http://x; script-src *"));
        assert!(!valid_origin("http://x/path"));
        assert!(!valid_origin("javascript:alert(1)"));
    }

    #[test]
    fn recognises_hashed_assets() {
        assert!(is_hashed_asset("/handoff-widget-25cb39f5a043bdaf_bg.wasm"));
        assert!(is_hashed_asset("/widget-e9f03a483360078.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sites/demo/de.bundle"));
    }
}
