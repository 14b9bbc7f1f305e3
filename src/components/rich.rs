//! Renders the bot crate's Markdown subset as DOM nodes. Text always goes in as text nodes, so
//! nothing in content or messages can become HTML.

use crate::i18n::Key;
use crate::widget::use_ui;
use handoff_bot::markdown::{inlines, Block, Inline};
use leptos::prelude::*;

/// Inline spans: text, `<strong>` and links (already checked safe by the bot crate) that open in
/// a new tab.
pub fn render_inlines(spans: Vec<Inline>) -> impl IntoView {
    let ui = use_ui();
    spans
        .into_iter()
        .map(|span| match span {
            Inline::Text(s) => s.into_any(),
            Inline::Strong(s) => view! { <strong>{s}</strong> }.into_any(),
            Inline::Link { text, href } => view! {
                <a href=href target="_blank" rel="noopener noreferrer">
                    {text}
                    <span class="hf-sr">" " {ui.tr(Key::NewTab)}</span>
                </a>
            }
            .into_any(),
        })
        .collect_view()
}

/// A bot answer: paragraphs separated by blank lines, each with its inline spans.
pub fn render_text(text: &str) -> impl IntoView {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| view! { <p>{render_inlines(inlines(p))}</p> })
        .collect_view()
}

/// Article blocks. The article title is the `h2`, so content headings start at `h3`.
pub fn render_blocks(blocks: Vec<Block>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(level, spans) if level <= 2 => {
                view! { <h3>{render_inlines(spans)}</h3> }.into_any()
            }
            Block::Heading(_, spans) => view! { <h4>{render_inlines(spans)}</h4> }.into_any(),
            Block::Paragraph(spans) => view! { <p>{render_inlines(spans)}</p> }.into_any(),
            Block::List { ordered: true, items } => view! {
                <ol>{items.into_iter().map(|i| view! { <li>{render_inlines(i)}</li> }).collect_view()}</ol>
            }
            .into_any(),
            Block::List { ordered: false, items } => view! {
                <ul>{items.into_iter().map(|i| view! { <li>{render_inlines(i)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
}
