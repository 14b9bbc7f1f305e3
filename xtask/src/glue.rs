//! The wasm-bindgen glue (pkg/handoff-widget-*.js) served like our own scripts: without its
//! comments and indentation (crates/desk/src/embed/scripts.rs `served`). Trunk's JS minifier is
//! known to break this glue, so index.html opts it out (`data-no-minify`); wasm-bindgen writes
//! every comment on lines of its own (`/** … */` docs copied from our Rust, `// Cast intrinsic`
//! lines), which `served` drops safely. About 780 B brotli less for every visitor
//! (docs/benchmarks.md).

use anyhow::{Context, Result};
use std::path::Path;

/// Rewrites every `handoff-widget-*.js` directly in `pkg`; returns how many.
pub fn compact_in(pkg: &Path) -> Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("handoff-widget-") && name.ends_with(".js") {
            let text =
                std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let served = crate::frame_page::scripts::served(&text);
            std::fs::write(&path, served).with_context(|| format!("writing {}", path.display()))?;
            n += 1;
        }
    }
    Ok(n)
}
