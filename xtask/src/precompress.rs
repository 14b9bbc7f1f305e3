//! Precompressed copies of everything the desk serves from pkg/: `x.br` (brotli, quality 11) and
//! `x.gz` (gzip, level 9) next to each `x`. The desk's file service sends them to browsers that
//! accept them (ServeDir's precompressed mode), so customers get the smallest bytes without the
//! desk compressing on every request at a fast, weaker level (measured: the widget's wasm is
//! 135 KB with the desk's on-the-fly brotli, 114 KB at quality 11; the site bundle was sent
//! uncompressed). Chromium sends `br` only over HTTPS, so plain-HTTP set-ups get the gzip copy.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// File types worth compressing (the rest, e.g. images, already are or are tiny).
const KINDS: [&str; 6] = ["wasm", "js", "css", "html", "bundle", "json"];

/// Writes the .br and .gz copies for every file under `dir`, recursively; returns how many files.
pub fn precompress(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            n += precompress(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !KINDS.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params).context("brotli")?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data).context("gzip")?;
        let gz = gz.finish().context("gzip")?;
        let with = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            name
        };
        std::fs::write(with(".br"), br).with_context(|| format!("writing {}.br", path.display()))?;
        std::fs::write(with(".gz"), gz).with_context(|| format!("writing {}.gz", path.display()))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_brotli_and_gzip_copies_that_decompress_to_the_original() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sites/demo")).unwrap();
        let text = "handoff ".repeat(1000);
        std::fs::write(dir.join("app.js"), &text).unwrap();
        std::fs::write(dir.join("sites/demo/en.bundle"), &text).unwrap();
        std::fs::write(dir.join("logo.png"), b"png").unwrap();
        assert_eq!(precompress(&dir).unwrap(), 2);
        for f in ["app.js", "sites/demo/en.bundle"] {
            let mut out = Vec::new();
            brotli::BrotliDecompress(
                &mut std::fs::File::open(dir.join(format!("{f}.br"))).unwrap(),
                &mut out,
            )
            .unwrap();
            assert_eq!(out, text.as_bytes());
            let mut s = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(dir.join(format!("{f}.gz"))).unwrap())
                .read_to_string(&mut s)
                .unwrap();
            assert_eq!(s, text);
        }
        assert!(!dir.join("logo.png.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
