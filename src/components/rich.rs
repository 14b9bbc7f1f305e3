//! Renders the bot crate's Markdown subset as DOM nodes. Text always goes in as text nodes, so
//! nothing in content or messages can become HTML.

use crate::i18n::Key;
use crate::widget::use_ui;
use handoff_bot::markdown::{inlines, Block, Inline};
use leptos::either::{Either, EitherOf3};
use leptos::html::{custom, Custom, ElementChild, HtmlElement};
use leptos::prelude::*;

/// An element with these children. The tag is data, not a type: the Markdown's elements (p,
/// h3, h4, ol, ul, li, strong) share three element types, so their view code is in the wasm
/// once. Views are plain enums ([`Either`]) rather than `AnyView`: nothing here is ever diffed.
fn el<C>(tag: &'static str, children: C) -> HtmlElement<Custom<&'static str>, (), (C::Output,)>
where
    C: IntoRender,
    C::Output: RenderHtml,
{
    custom(tag).child(children)
}

/// Inline spans: text, `<strong>` and links (already checked safe by the bot crate) that open in
/// a new tab.
fn render_inlines(spans: Vec<Inline>) -> Vec<impl IntoView> {
    let ui = use_ui();
    spans
        .into_iter()
        .map(|span| match span {
            Inline::Text(s) => EitherOf3::A(s),
            Inline::Strong(s) => EitherOf3::B(el("strong", s)),
            Inline::Link { text, href } => EitherOf3::C(view! {
                <a href=href target="_blank" rel="noopener noreferrer">
                    {text}
                    <span class="hf-sr">" " {ui.tr(Key::NewTab)}</span>
                </a>
            }),
        })
        .collect()
}

/// A chat message: the customer's text exactly as typed (one paragraph), or a bot answer's
/// paragraphs (separated by blank lines) with their inline spans.
pub fn render_text(text: String, markdown: bool) -> Vec<impl IntoView> {
    if !markdown {
        return vec![el("p", render_inlines(vec![Inline::Text(text)]))];
    }
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| el("p", render_inlines(inlines(p))))
        .collect()
}

/// Article blocks. The article title is the `h2`, so content headings start at `h3`.
pub fn render_blocks(blocks: Vec<Block>) -> Vec<impl IntoView> {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(level, spans) => {
                Either::Left(el(if level <= 2 { "h3" } else { "h4" }, render_inlines(spans)))
            }
            Block::Paragraph(spans) => Either::Left(el("p", render_inlines(spans))),
            Block::List { ordered, items } => Either::Right(el(
                if ordered { "ol" } else { "ul" },
                items.into_iter().map(|i| el("li", render_inlines(i))).collect::<Vec<_>>(),
            )),
        })
        .collect()
}
