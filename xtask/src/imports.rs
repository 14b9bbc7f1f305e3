//! Shorter names for the widget's imports from its JavaScript glue. wasm-bindgen names every
//! import `__wbg_<what>_<16 hex digits>` and writes each name twice, once in the wasm's import
//! section and once in the glue's import object. The hex digits are random to a compressor:
//! about 16 bytes per import and copy, 130 imports, every visitor. This drops the digits (the
//! `<what>` part stays, so the glue still reads as before), with `_2`, `_3`, ... where two
//! imports share a `<what>`, in the wasm and the glue alike. docs/benchmarks.md has the bytes.

use anyhow::{bail, Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Renames the imports of every `handoff-widget-*_bg.wasm` in `pkg` and its glue; returns how
/// many imports were renamed.
pub fn shorten_in(pkg: &Path) -> Result<usize> {
    let mut renamed = 0;
    for entry in std::fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let wasm = entry?.path();
        let name = wasm.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let Some(stem) = name.strip_prefix("handoff-widget-").and_then(|s| s.strip_suffix("_bg.wasm")) else {
            continue;
        };
        let js = pkg.join(format!("handoff-widget-{stem}.js"));
        renamed += shorten(&wasm, &js)?;
    }
    Ok(renamed)
}

fn shorten(wasm: &Path, js: &Path) -> Result<usize> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let mut module =
        walrus::ModuleConfig::new().parse(&bytes).with_context(|| format!("parsing {}", wasm.display()))?;
    let mut glue = std::fs::read_to_string(js).with_context(|| format!("reading {}", js.display()))?;
    // Every import comes from the glue (module `./handoff-widget_bg.js`).
    let renames = plan(module.imports.iter().map(|i| i.name.as_str()));
    for import in module.imports.iter_mut() {
        if let Some(new) = renames.get(&import.name) {
            if !glue.contains(import.name.as_str()) {
                bail!("{}: the import {} is not in {}", wasm.display(), import.name, js.display());
            }
            glue = glue.replace(import.name.as_str(), new);
            import.name = new.clone();
        }
    }
    std::fs::write(wasm, module.emit_wasm()).with_context(|| format!("writing {}", wasm.display()))?;
    std::fs::write(js, glue).with_context(|| format!("writing {}", js.display()))?;
    Ok(renames.len())
}

/// Old name -> new name for every name ending in `_` and 16 hex digits; the new names are
/// unique among themselves and the names left as they are.
fn plan<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, String> {
    let names: Vec<&str> = names.collect();
    let mut taken: HashSet<String> = names.iter().map(|n| n.to_string()).collect();
    let mut out = HashMap::new();
    for name in names {
        let Some(base) = without_hash(name) else { continue };
        let mut new = base.to_string();
        let mut n = 2;
        while taken.contains(&new) {
            new = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(new.clone());
        out.insert(name.to_string(), new);
    }
    out
}

fn without_hash(name: &str) -> Option<&str> {
    let (base, hash) = name.rsplit_once('_')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !base.is_empty()).then_some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_go_and_names_stay_unique() {
        let got = plan(
            [
                "__wbg_setattribute_2c0e4b1d8f3a1b2c",
                "__wbg_setattribute_ffffffffffffffff",
                "__wbg_setattribute",
                "__wbindgen_init_externref_table",
                "__wbg_log_0123456789abcdef",
            ]
            .into_iter(),
        );
        assert_eq!(got["__wbg_setattribute_2c0e4b1d8f3a1b2c"], "__wbg_setattribute_2");
        assert_eq!(got["__wbg_setattribute_ffffffffffffffff"], "__wbg_setattribute_3");
        assert_eq!(got["__wbg_log_0123456789abcdef"], "__wbg_log");
        assert_eq!(got.len(), 3, "names without a hash are left alone: {got:?}");
    }

    #[test]
    fn only_sixteen_hex_digits_count_as_a_hash() {
        assert_eq!(without_hash("__wbg_get_0123456789abcdef"), Some("__wbg_get"));
        assert_eq!(without_hash("__wbg_get_0123456789abcdeg"), None);
        assert_eq!(without_hash("__wbg_get_0123"), None);
        assert_eq!(without_hash("_0123456789abcdef"), None);
    }
}
