//! Reading a content folder from disk: the one place in this crate that does I/O, behind the
//! `fs` feature so the browser build never links it.

use crate::load::File;
use std::path::{Path, PathBuf};

/// Every `.toml` and `.md` file under `dir`, as (path relative to `dir` with '/', text), sorted.
pub fn read_folder(dir: &Path) -> Result<Vec<File>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext != "toml" && ext != "md" {
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|e| format!("{rel}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))?;
            out.push((rel, text));
        }
    }
    out.sort();
    Ok(out)
}
