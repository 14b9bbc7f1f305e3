//! Raw and brotli (quality 11) sizes of the widget bundle: every .wasm, .js and .css under pkg/.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The budget for wasm + js + css, brotli-compressed: 120 KiB (issue 2). See
/// docs/benchmarks.md for where the bytes go.
pub const TARGET: u64 = 120 * 1024;
/// The ceiling `dist` enforces: the budget itself, so a change that makes the widget heavier
/// than promised fails. Never raise it without a line in docs/benchmarks.md.
pub const CEILING: u64 = TARGET;

/// The embed loader (embed/loader.js, served as /embed.js): at most 2 KB brotli. It is not part
/// of the widget's budget: hosts download it on every page, the widget only on a click.
pub const LOADER_LIMIT: u64 = 2 * 1024;

/// Raw and brotli size of embed/loader.js, and a line for the size table.
pub fn loader(root: &Path) -> Result<(Row, String)> {
    let path = root.join("embed/loader.js");
    let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let row = Row { path: "embed/loader.js".into(), raw: data.len() as u64, brotli: brotli_len(&data)? };
    let verdict = if row.brotli <= LOADER_LIMIT { "ok" } else { "OVER" };
    let line = format!(
        "loader (/embed.js, not in the widget budget): {} raw, {} brotli of {} -> {verdict}\n",
        row.raw, row.brotli, LOADER_LIMIT
    );
    Ok((row, line))
}

pub struct Row {
    pub path: String,
    pub raw: u64,
    pub brotli: u64,
}

pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    pub fn total_raw(&self) -> u64 {
        self.rows.iter().map(|r| r.raw).sum()
    }

    pub fn total_brotli(&self) -> u64 {
        self.rows.iter().map(|r| r.brotli).sum()
    }

    pub fn over_ceiling(&self) -> bool {
        self.total_brotli() > CEILING
    }

    pub fn table(&self) -> String {
        let width =
            self.rows.iter().map(|r| r.path.len()).max().unwrap_or(0).max("total (wasm+js+css)".len());
        let mut s = format!("{:<width$}  {:>10}  {:>10}\n", "file", "raw", "brotli");
        for r in &self.rows {
            s.push_str(&format!("{:<width$}  {:>10}  {:>10}\n", r.path, r.raw, r.brotli));
        }
        let total = self.total_brotli();
        s.push_str(&format!("{:<width$}  {:>10}  {:>10}\n", "total (wasm+js+css)", self.total_raw(), total));
        let kib = |b: u64| b as f64 / 1024.0;
        s.push_str(&format!(
            "target:  {:.1} KiB of {:.1} KiB brotli -> {}\n",
            kib(total),
            kib(TARGET),
            if total <= TARGET {
                "met".to_string()
            } else {
                format!("NOT MET, {:.1} KiB over", kib(total - TARGET))
            }
        ));
        s.push_str(&format!(
            "ceiling: {:.1} KiB of {:.1} KiB brotli -> {}\n",
            kib(total),
            kib(CEILING),
            if self.over_ceiling() { "OVER: the widget got heavier" } else { "ok" }
        ));
        s
    }
}

pub fn brotli_len(data: &[u8]) -> Result<u64> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(data).context("brotli compression")?;
        writer.flush().context("brotli compression")?;
    }
    Ok(out.len() as u64)
}

/// The widget's files only: trunk writes them flat into pkg/. Subfolders hold other things
/// (sites/, and the agent console in console/, which agents download, not customers).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Measure every .wasm/.js/.css file under `pkg` (paths shown relative to the workspace root).
pub fn measure(pkg: &Path, root: &Path) -> Result<Report> {
    let mut files = Vec::new();
    collect(pkg, &mut files)?;
    files.sort();
    let mut rows = Vec::new();
    for file in files {
        let data = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        rows.push(Row {
            path: file.strip_prefix(root).unwrap_or(&file).display().to_string(),
            raw: data.len() as u64,
            brotli: brotli_len(&data)?,
        });
    }
    Ok(Report { rows })
}
