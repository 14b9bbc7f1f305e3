//! The hand-written files of embed/ as the desk serves them. The scripts go out without their
//! whole-line `//` comments and indentation: those are for us, and every visitor would download
//! them (frame.js and the inline preload after each click, about 1.3 KB compressed). Plain std,
//! like page.rs: `cargo xtask dist` measures these same served bytes.

use std::sync::LazyLock;

/// The facade loader (`/embed.js`).
pub static LOADER_JS: LazyLock<String> =
    LazyLock::new(|| served(include_str!("../../../../embed/loader.js")));
/// The frame page's helper (`/embed/frame.js`): opens the widget, speaks postMessage with the host.
pub static FRAME_JS: LazyLock<String> = LazyLock::new(|| served(include_str!("../../../../embed/frame.js")));
/// Starts the download of the visitor's site bundle while the wasm is still on its way; inline
/// after the widget's root element in the widget page (whose CSP names it by hash).
pub static PRELOAD_JS: LazyLock<String> =
    LazyLock::new(|| served(include_str!("../../../../embed/preload.js")));
/// The frame page's styles (`/embed/frame.css`): the widget fills the frame, its launcher hidden.
pub const FRAME_CSS: &str = include_str!("../../../../embed/frame.css");

/// `source` without the lines whose first non-blank characters are `//`, without comment blocks
/// that start a line (`/** … */`, as wasm-bindgen writes our Rust docs into its glue), and
/// without the indentation of the other lines. A line inside a multi-line template literal is
/// text, not code: it is kept as it is (a line is inside one when the code lines before it hold
/// an odd number of backticks).
pub fn served(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut backticks = 0;
    let mut in_block = false;
    for line in source.lines() {
        let inside = backticks % 2 == 1;
        let code = line.trim_start();
        if in_block {
            in_block = !code.trim_end().ends_with("*/");
            continue;
        }
        if !inside && code.starts_with("/*") {
            // Open until a line ends with `*/` (this one, after the `/*`, or a later one).
            in_block = !code[2..].trim_end().ends_with("*/");
            continue;
        }
        if !inside && code.starts_with("//") {
            continue;
        }
        backticks += line.matches('`').count();
        out.push_str(if inside { line } else { line.trim_start() });
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_go_and_code_stays() {
        let src = "// about\nconst a = 1; // kept: not a whole line\n  // indented\n    f();\n";
        assert_eq!(served(src), "const a = 1; // kept: not a whole line\nf();\n");
    }

    #[test]
    fn comment_blocks_that_start_a_line_go() {
        let src =
            "/**\n * Doc `x`.\n */\nexport function start() {\n    /* one line */\n    wasm.start();\n}\n";
        assert_eq!(served(src), "export function start() {\nwasm.start();\n}\n");
    }

    #[test]
    fn a_comment_like_line_inside_a_template_literal_is_kept() {
        let src = "  const t = `first\n// text, not a comment\n  indented text\nlast`;\n// a comment\n";
        assert_eq!(served(src), "const t = `first\n// text, not a comment\n  indented text\nlast`;\n");
    }

    #[test]
    fn the_served_scripts_keep_every_code_line() {
        for (source, served) in [
            (include_str!("../../../../embed/frame.js"), &*FRAME_JS),
            (include_str!("../../../../embed/loader.js"), &*LOADER_JS),
            (include_str!("../../../../embed/preload.js"), &*PRELOAD_JS),
        ] {
            let code: Vec<&str> = source
                .lines()
                .map(str::trim_start)
                .filter(|l| !l.starts_with("//") && !l.starts_with("/*"))
                .collect();
            assert_eq!(served.lines().map(str::trim_start).collect::<Vec<_>>(), code);
            assert!(served.len() <= source.len());
        }
        assert!(FRAME_JS.len() < include_str!("../../../../embed/frame.js").len());
    }
}
