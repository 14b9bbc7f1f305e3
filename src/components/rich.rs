//! Renders the bot crate's Markdown subset as DOM nodes. Text always goes in as text nodes, so
//! nothing in content or messages can become HTML.

use crate::i18n::Key;
use crate::widget::use_ui;
use handoff_bot::markdown::{inlines, Block, Inline};
use leptos::html::{custom, ElementChild};
use leptos::prelude::*;

/// An element with these children. The tag is data, not a type: every element of the Markdown
/// (p, h3, h4, ol, ul, li, strong) is one element type, so its view code is in the wasm once.
pub fn el(tag: &'static str, children: Vec<AnyView>) -> AnyView {
    custom(tag).child(children).into_any()
}

/// Inline spans: text, `<strong>` and links (already checked safe by the bot crate) that open in
/// a new tab.
pub fn render_inlines(spans: Vec<Inline>) -> Vec<AnyView> {
    let ui = use_ui();
    spans
        .into_iter()
        .map(|span| match span {
            Inline::Text(s) => s.into_any(),
            Inline::Strong(s) => el("strong", vec![s.into_any()]),
            Inline::Link { text, href } => view! {
                <a href=href target="_blank" rel="noopener noreferrer">
                    {text}
                    <span class="hf-sr">" " {ui.tr(Key::NewTab)}</span>
                </a>
            }
            .into_any(),
        })
        .collect()
}

/// A bot answer: paragraphs separated by blank lines, each with its inline spans.
pub fn render_text(text: &str) -> Vec<AnyView> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| el("p", render_inlines(inlines(p))))
        .collect()
}

/// Article blocks. The article title is the `h2`, so content headings start at `h3`.
pub fn render_blocks(blocks: Vec<Block>) -> Vec<AnyView> {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(level, spans) => el(if level <= 2 { "h3" } else { "h4" }, render_inlines(spans)),
            Block::Paragraph(spans) => el("p", render_inlines(spans)),
            Block::List { ordered, items } => el(
                if ordered { "ol" } else { "ul" },
                items.into_iter().map(|i| el("li", render_inlines(i))).collect(),
            ),
        })
        .collect()
}
