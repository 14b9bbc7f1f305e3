//! The widget page every embedded visitor downloads after the click and the desk's scripts,
//! exactly as the desk serves them: the desk's own code for both (crates/desk/src/embed/page.rs
//! and scripts.rs, plain std) is compiled into xtask here, so `cargo xtask dist` weighs the real
//! bytes without starting a desk.

use anyhow::{Context, Result};
use std::path::Path;

#[path = "../../crates/desk/src/embed/page.rs"]
// The desk uses all of it; the size check only builds the frame page.
#[allow(dead_code)]
mod page;
#[path = "../../crates/desk/src/embed/scripts.rs"]
pub mod scripts;

/// The frame page of `site` for an embedding shop (`/widget/<site>?origin=...`), from Trunk's
/// index.html; `None` when the index has no start script.
pub fn frame(index_html: &str, site: &str, locales: &[String], default_locale: &str) -> Option<String> {
    let assets = page::TrunkAssets::from_index(index_html)?;
    let spec = page::PageSpec {
        site,
        mode: page::Mode::Frame,
        host_origin: Some("https://shop.example"),
        locale: None,
        department: None,
        locales,
        default_locale,
        // Weighed as a desk that sends mail serves it (the longer page).
        mail: true,
    };
    Some(page::page(&assets, &spec))
}

/// The site's locales, in order, and its default, from the `[site]` table of its site.toml (the
/// desk writes them into the page from the same file).
pub fn site_locales(content: &Path) -> Result<(Vec<String>, String)> {
    let file = content.join("site.toml");
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let table: toml::Table = text.parse().with_context(|| format!("parsing {}", file.display()))?;
    let site = table.get("site").and_then(|s| s.as_table()).context("site.toml has no [site]")?;
    let locales: Vec<String> = site
        .get("locales")
        .and_then(|l| l.as_array())
        .context("site.toml: no site.locales")?
        .iter()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect();
    let default =
        site.get("default_locale").and_then(|d| d.as_str()).context("site.toml: no default_locale")?;
    Ok((locales, default.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_sites_locales_come_from_its_site_toml() {
        let (locales, default) = site_locales(&crate::cmd::root().join("content/demo")).unwrap();
        assert_eq!(locales, ["en", "de", "cs", "bg", "pt", "tl"]);
        assert_eq!(default, "en");
    }

    #[test]
    fn the_frame_page_is_the_desks() {
        let index = "<script type=\"module\">import init from '/w-0123456789abcdef.js';</script>";
        let html = frame(index, "demo", &["en".into(), "de".into()], "en").unwrap();
        assert!(html.contains("data-site=\"/sites/demo\" data-locales=\"en de\""));
        assert!(html.contains(scripts::PRELOAD_JS.as_str()));
        assert!(frame("<p>no script</p>", "demo", &[], "en").is_none());
    }
}
