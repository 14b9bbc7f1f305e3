//! Compiles the demo content into a JSON bundle for the widget's browser tests, so they run the
//! real demo site without a server. The release widget does not embed it: it fetches its site's
//! bundle at run time.

use std::path::Path;

fn main() {
    let dir = Path::new("content/demo");
    println!("cargo:rerun-if-changed=content/demo");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let target = Path::new(&out).join("demo-site.bundle");
    let json = handoff_bot::fs::read_folder(dir)
        .and_then(|files| {
            handoff_bot::load::load(&files)
                .map_err(|p| p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
        })
        .map(|site| handoff_bot::bundle::encode(&site));
    match json {
        Ok(json) => std::fs::write(&target, json).expect("write the demo bundle"),
        Err(e) => {
            // The widget itself does not need the demo; only its tests do, and they say why.
            println!(
                "cargo:warning=demo content is invalid, widget tests will fail: {}",
                e.lines().next().unwrap_or("")
            );
            std::fs::write(&target, "").expect("write the demo bundle");
        }
    }
}
