//! The small Markdown subset used by articles and bot answers, parsed into plain data.
//!
//! The widget renders these blocks as DOM nodes with text content only, so nothing a content
//! author (or anyone who got hold of a content file) writes can become HTML in the browser.
//! Links are kept only for safe targets; any other target is shown as text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "c", rename_all = "snake_case")]
pub enum Inline {
    Text(String),
    Strong(String),
    Link { text: String, href: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "c", rename_all = "snake_case")]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
}

/// Is this link target safe to follow from a customer's browser?
pub fn safe_href(href: &str) -> bool {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (h.starts_with('/') && !h.starts_with("//"))
}

/// Parses inline text: `**strong**` and `[text](href)`; everything else is literal text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**") {
                if end > 0 {
                    flush(&mut plain, &mut out);
                    out.push(Inline::Strong(after[..end].to_string()));
                    rest = &after[end + 2..];
                    continue;
                }
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((label, href, used)) = link(after) {
                if safe_href(href) {
                    flush(&mut plain, &mut out);
                    out.push(Inline::Link { text: label.to_string(), href: href.trim().to_string() });
                } else {
                    plain.push_str(label);
                }
                rest = &after[used..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut plain, &mut out);
    out
}

/// `label](href)` -> (label, href, bytes used) when well formed.
fn link(after_bracket: &str) -> Option<(&str, &str, usize)> {
    let close = after_bracket.find("](")?;
    let label = &after_bracket[..close];
    if label.contains('[') || label.contains('\n') {
        return None;
    }
    let href_start = close + 2;
    let href_len = after_bracket[href_start..].find(')')?;
    let href = &after_bracket[href_start..href_start + href_len];
    if href.trim().contains(char::is_whitespace) {
        return None;
    }
    Some((label, href, href_start + href_len + 1))
}

fn flush(plain: &mut String, out: &mut Vec<Inline>) {
    if !plain.is_empty() {
        out.push(Inline::Text(std::mem::take(plain)));
    }
}

/// Parses Markdown blocks: `#`-headings, `-`/`*`/`1.` lists, paragraphs separated by blank lines.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;

    fn end_para(para: &mut Vec<&str>, out: &mut Vec<Block>) {
        if !para.is_empty() {
            out.push(Block::Paragraph(inlines(&para.join(" "))));
            para.clear();
        }
    }
    fn end_list(list: &mut Option<(bool, Vec<Vec<Inline>>)>, out: &mut Vec<Block>) {
        if let Some((ordered, items)) = list.take() {
            out.push(Block::List { ordered, items });
        }
    }

    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            end_para(&mut para, &mut out);
            end_list(&mut list, &mut out);
            continue;
        }
        if let Some((level, rest)) = heading(t) {
            end_para(&mut para, &mut out);
            end_list(&mut list, &mut out);
            out.push(Block::Heading(level, inlines(rest)));
            continue;
        }
        if let Some((ordered, item)) = list_item(t) {
            end_para(&mut para, &mut out);
            match &mut list {
                Some((o, items)) if *o == ordered => items.push(inlines(item)),
                _ => {
                    end_list(&mut list, &mut out);
                    list = Some((ordered, vec![inlines(item)]));
                }
            }
            continue;
        }
        if let Some((_, items)) = &mut list {
            // A continuation line of the last list item.
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(last) = items.last_mut() {
                    last.push(Inline::Text(" ".into()));
                    last.extend(inlines(t));
                }
                continue;
            }
            end_list(&mut list, &mut out);
        }
        para.push(t);
    }
    end_para(&mut para, &mut out);
    end_list(&mut list, &mut out);
    out
}

fn heading(t: &str) -> Option<(u8, &str)> {
    let hashes = t.chars().take_while(|c| *c == '#').count();
    if (1..=4).contains(&hashes) && t[hashes..].starts_with(' ') {
        Some((hashes as u8, t[hashes..].trim()))
    } else {
        None
    }
}

fn list_item(t: &str) -> Option<(bool, &str)> {
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, rest.trim()));
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits <= 3 && t[digits..].starts_with(". ") {
        return Some((true, t[digits + 2..].trim()));
    }
    None
}

/// The plain text of inline spans (for search and for transcripts).
pub fn plain(inl: &[Inline]) -> String {
    inl.iter()
        .map(|i| match i {
            Inline::Text(s) | Inline::Strong(s) => s.as_str(),
            Inline::Link { text, .. } => text.as_str(),
        })
        .collect()
}

/// The plain text of blocks, one line per paragraph or item.
pub fn plain_blocks(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Heading(_, i) | Block::Paragraph(i) => {
                s.push_str(&plain(i));
                s.push('\n');
            }
            Block::List { items, .. } => {
                for i in items {
                    s.push_str(&plain(i));
                    s.push('\n');
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_for_safe_targets() {
        assert_eq!(
            inlines("See [tracking](https://x.example/t) now"),
            vec![
                Inline::Text("See ".into()),
                Inline::Link { text: "tracking".into(), href: "https://x.example/t".into() },
                Inline::Text(" now".into()),
            ]
        );
        assert_eq!(inlines("[click](javascript:alert(1))"), vec![Inline::Text("click)".into())]);
        assert_eq!(inlines("[x](//evil.example)"), vec![Inline::Text("x".into())]);
        assert_eq!(
            inlines("[account](/account)")[0],
            Inline::Link { text: "account".into(), href: "/account".into() }
        );
    }

    #[test]
    fn markup_is_text() {
        assert_eq!(inlines("<b>hi</b> & <script>"), vec![Inline::Text("<b>hi</b> & <script>".into())]);
        assert_eq!(inlines("a ** b"), vec![Inline::Text("a ** b".into())]);
    }

    #[test]
    fn blocks_cover_headings_lists_and_paragraphs() {
        let md =
            "Intro line\ncontinues.\n\n## Steps\n\n1. First **now**\n2. Second\n\n- a\n- b\n  more\n\nEnd.";
        let b = blocks(md);
        assert_eq!(b.len(), 5);
        assert_eq!(b[0], Block::Paragraph(vec![Inline::Text("Intro line continues.".into())]));
        assert_eq!(b[1], Block::Heading(2, vec![Inline::Text("Steps".into())]));
        match &b[2] {
            Block::List { ordered: true, items } => {
                assert_eq!(items.len(), 2);
                assert_eq!(items[0][1], Inline::Strong("now".into()));
            }
            other => panic!("expected ordered list, got {other:?}"),
        }
        match &b[3] {
            Block::List { ordered: false, items } => assert_eq!(plain(&items[1]), "b more"),
            other => panic!("expected list, got {other:?}"),
        }
        assert_eq!(plain_blocks(&b[4..]), "End.\n");
    }
}
