//! Embedding by script tag: the loader (`/embed.js`), the frame helpers, and the widget page
//! the loader's iframe (and the full-page portal) open. Pure functions; routes/embed.rs serves
//! them. See docs/embedding.md.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The hand-written facade loader (embed/loader.js), compiled into the desk.
pub const LOADER_JS: &str = include_str!("../../../embed/loader.js");
/// The frame page's helper: opens the widget, speaks postMessage with the host.
pub const FRAME_JS: &str = include_str!("../../../embed/frame.js");
/// The frame page's styles: the widget fills the frame, its own launcher hidden.
pub const FRAME_CSS: &str = include_str!("../../../embed/frame.css");

/// A strong ETag from the content hash.
pub fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", &hex(&digest)[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How the widget page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Inside the loader's iframe: opened at once, filling the frame, no own launcher.
    Frame,
    /// The full-page help portal at /help/<site>.
    Page,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Frame => "frame",
            Mode::Page => "page",
        }
    }
}

/// What goes into one widget page.
pub struct PageSpec<'a> {
    pub site: &'a str,
    pub mode: Mode,
    /// The embedding page's origin (frame mode): the only target of postMessage.
    pub host_origin: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub department: Option<&'a str>,
}

/// The parts of Trunk's index.html the widget page needs: the inline module script that starts
/// the wasm, and the stylesheet / preload links of the hashed assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkAssets {
    pub script: String,
    pub links: Vec<String>,
}

impl TrunkAssets {
    /// Reads Trunk's output as written (`type="module"`) or minified (`type=module`, Trunk's
    /// `minify`, which the release build uses for the stylesheet and which also unquotes the
    /// page's attributes).
    pub fn from_index(html: &str) -> Option<TrunkAssets> {
        let open = ["<script type=\"module\">", "<script type=module>"];
        let start = open.iter().find_map(|o| html.find(o).map(|i| i + o.len()))?;
        let end = start + html[start..].find("</script>")?;
        let script = html[start..end].to_string();
        let mut links = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find("<link ") {
            let tail = &rest[i..];
            let Some(j) = tail.find('>') else { break };
            let tag = &tail[..=j];
            let wanted = ["stylesheet", "modulepreload", "preload"];
            if wanted.iter().any(|w| has_attr(tag, "rel", w))
                && attr_value(tag, "href").is_some_and(|h| h.starts_with('/'))
            {
                links.push(tag.to_string());
            }
            rest = &tail[j..];
        }
        Some(TrunkAssets { script, links })
    }

    /// CSP source for the inline start script.
    pub fn script_hash(&self) -> String {
        format!("'sha256-{}'", STANDARD.encode(Sha256::digest(self.script.as_bytes())))
    }
}

/// The value of `name=` in one tag, quoted or not.
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}="))? + name.len() + 2;
    let rest = &tag[at..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split([' ', '>']).next().map(|v| v.trim_end_matches('/')),
    }
}

fn has_attr(tag: &str, name: &str, value: &str) -> bool {
    attr_value(tag, name) == Some(value)
}

fn attr(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The widget page: Trunk's assets, the frame helpers, one root div (read by src/lib.rs).
pub fn page(assets: &TrunkAssets, spec: &PageSpec) -> String {
    let mut root = format!(
        "<div id=\"handoff-root\" data-site=\"/sites/{}.bundle\" data-mode=\"{}\"",
        attr(spec.site),
        spec.mode.as_str()
    );
    for (name, value) in [
        ("data-host-origin", spec.host_origin),
        ("data-locale", spec.locale),
        ("data-department", spec.department),
    ] {
        if let Some(v) = value {
            root.push_str(&format!(" {name}=\"{}\"", attr(v)));
        }
    }
    root.push_str("></div>");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>Help</title>\n<link rel=\"icon\" href=\"data:,\" />\n{}\n\
         <link rel=\"stylesheet\" href=\"/embed/frame.css\" />\n\
         <script src=\"/embed/frame.js\" defer></script>\n\
         <script type=\"module\">{}</script>\n</head>\n<body class=\"hf-mode-{}\">\n{root}\n</body>\n</html>\n",
        assets.links.join("\n"),
        assets.script,
        spec.mode.as_str()
    )
}

/// The widget page's Content-Security-Policy: only its own origin, the start script by hash,
/// wasm compilation, and framing only by the given ancestors.
pub fn csp(assets: &TrunkAssets, ancestors: &[String]) -> String {
    let ancestors = if ancestors.is_empty() { "'none'".to_string() } else { ancestors.join(" ") };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
         object-src 'none'; frame-ancestors {ancestors}",
        assets.script_hash()
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

    const INDEX: &str = "<head>\n<script type=\"module\">\nimport init from '/w-0123456789abcdef.js';\n</script>\n\
        <link rel=\"stylesheet\" href=\"/widget-0123456789abcd.css\"/>\n<link rel=\"icon\" href=\"data:,\" />\n\
        <link rel=\"modulepreload\" href=\"/w-0123456789abcdef.js\"></head>";

    #[test]
    fn extracts_trunk_assets_and_hashes_the_start_script() {
        let a = TrunkAssets::from_index(INDEX).expect("assets");
        assert_eq!(a.script, "\nimport init from '/w-0123456789abcdef.js';\n");
        assert_eq!(a.links.len(), 2);
        assert!(a.script_hash().starts_with("'sha256-"));
    }

    #[test]
    fn reads_the_minified_index_too() {
        let min = "<head><script type=module>import init from '/w-0123456789abcdef.js';</script>\
            <link href=/widget-0123456789abcd.css integrity=sha384-x rel=stylesheet><link href=data:, rel=icon>\
            <link crossorigin href=/w-0123456789abcdef.js rel=modulepreload></head>";
        let a = TrunkAssets::from_index(min).expect("assets");
        assert_eq!(a.script, "import init from '/w-0123456789abcdef.js';");
        assert_eq!(a.links.len(), 2, "{:?}", a.links);
        assert!(a.links[0].contains("rel=stylesheet"));
    }

    #[test]
    fn page_escapes_attributes_and_csp_limits_ancestors() {
        let a = TrunkAssets::from_index(INDEX).expect("assets");
        let html = page(
            &a,
            &PageSpec {
                site: "demo",
                mode: Mode::Frame,
                host_origin: Some("http://h.test"),
                locale: Some("\"><script>"),
                department: None,
            },
        );
        assert!(html.contains("data-mode=\"frame\""));
        assert!(html.contains("data-locale=\"&quot;&gt;&lt;script&gt;\""));
        let csp = csp(&a, &ancestors(&["http://h.test".into(), "bad origin".into()]));
        assert!(csp.ends_with("frame-ancestors http://h.test"));
        assert!(csp.contains(&a.script_hash()));
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
        assert!(!is_hashed_asset("/sites/demo.bundle"));
    }
}
