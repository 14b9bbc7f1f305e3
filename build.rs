//! Compiles the demo content into bundles for the widget's browser tests, so they run the real
//! demo site without a server: the whole site (`demo-site.bundle`, for widgets mounted with an
//! engine) and one bundle per locale as `handoff-bot export` writes them (`demo-<locale>.bundle`,
//! for the page widget that downloads them). The release widget embeds none of them: it fetches
//! its site's bundles at run time.

use std::path::Path;

fn main() {
    let dir = Path::new("content/demo");
    println!("cargo:rerun-if-changed=content/demo");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    let site = handoff_bot::fs::read_folder(dir).and_then(|files| {
        handoff_bot::load::load(&files)
            .map_err(|p| p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
    });
    let write = |name: &str, text: &str| std::fs::write(out.join(name), text).expect("write a demo bundle");
    match site {
        Ok(site) => {
            write("demo-site.bundle", &handoff_bot::bundle::encode(&site));
            for (locale, part) in handoff_bot::split::per_locale(&site) {
                write(&format!("demo-{locale}.bundle"), &handoff_bot::bundle::encode(&part));
            }
        }
        Err(e) => {
            // The widget itself does not need the demo; only its tests do, and they say why
            // (empty bundles, so that they still compile).
            println!(
                "cargo:warning=demo content is invalid, widget tests will fail: {}",
                e.lines().next().unwrap_or("")
            );
            for name in ["site", "en", "de", "cs", "bg", "pt", "tl"] {
                write(&format!("demo-{name}.bundle"), "");
            }
        }
    }
}
