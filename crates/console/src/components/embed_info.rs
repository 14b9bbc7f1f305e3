//! How to put each site's widget on a web page: the copy-paste snippet the desk serves for it,
//! the full-page portal, the origins allowed to show it and whether identities must be signed
//! (docs/embedding.md). For supervisors and managers, who set sites up.

use crate::app::ctx;
use crate::browser;
use crate::i18n::Key;
use leptos::prelude::*;

#[component]
pub fn EmbedView() -> impl IntoView {
    let c = ctx();
    view! {
        <section class="embed" aria-labelledby="embed-h">
            <h1 id="embed-h">{move || c.t(Key::EmbedTitle)}</h1>
            <p>{move || c.t(Key::EmbedIntro)}</p>
            {move || c.sites.get().into_iter().map(|s| view! { <SiteEmbedCard site=s /> }).collect_view()}
            <p class="hint">{move || c.t(Key::EmbedDocs)}</p>
        </section>
    }
}

#[component]
fn SiteEmbedCard(site: handoff_protocol::v1::SiteSummary) -> impl IntoView {
    let c = ctx();
    let e = site.embed;
    let id = format!("snippet-{}", site.key);
    let snippet = e.snippet.clone();
    // None: not tried yet; Some(ok): what the last copy did (announced politely).
    let copied = RwSignal::new(None::<bool>);
    let origins = if e.allowed_origins.is_empty() {
        view! { <span>{move || c.t(Key::NoOrigins)}</span> }.into_any()
    } else {
        view! { <ul class="chips">{e.allowed_origins.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ul> }
            .into_any()
    };
    let verification = if e.identity_verification { Key::VerificationOn } else { Key::VerificationOff };
    let portal = e.portal_url.clone();
    let (heading, labelled_by) = (format!("{id}-h"), format!("{id}-h"));
    view! {
        <article class="site-embed" aria-labelledby=labelled_by>
            <h2 id=heading>{format!("{} ({})", site.name, site.key)}</h2>
            <label for=id.clone()>{move || c.t(Key::Snippet)}</label>
            <textarea id=id class="snippet" readonly rows="2" spellcheck="false"
                on:focus=|ev| {
                    use wasm_bindgen::JsCast;
                    if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                        t.select();
                    }
                }>{e.snippet}</textarea>
            <div class="row">
                <button type="button" class="primary" on:click=move |_| copied.set(Some(browser::copy_text(&snippet)))>
                    {move || c.t(Key::CopySnippet)}
                </button>
                <span role="status" class="copied">
                    {move || copied.get().map(|ok| c.t(if ok { Key::Copied } else { Key::CopyFailed }))}
                </span>
            </div>
            <dl class="facts stacked">
                <div><dt>{move || c.t(Key::Portal)}</dt><dd><a href=portal.clone() target="_blank" rel="noopener">{portal.clone()}</a></dd></div>
                <div><dt>{move || c.t(Key::AllowedOrigins)}</dt><dd>{origins}</dd></div>
                <div><dt>{move || c.t(Key::IdentityVerification)}</dt><dd>{move || c.t(verification)}</dd></div>
            </dl>
        </article>
    }
}
