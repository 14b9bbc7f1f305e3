//! Everything known before answering: why the bot handed over, what it understood (the bot
//! transcript itself is the start of the timeline), where the customer was, earlier conversations, and the escalation path so far.

use crate::app::{ctx, open};
use crate::i18n::{self, Key};
use handoff_protocol::v1::Attribute;
use leptos::prelude::*;

/// Who the customer is, when the host site identified them (`Handoff('identify')`), with
/// whether the site's server vouched for it: an agent must not trust an unverified account id.
#[component]
fn CustomerFacts() -> impl IntoView {
    let c = ctx();
    let customer = Memo::new(move |_| c.detail.with(|d| d.as_ref().and_then(|d| d.customer.clone())));
    move || {
        customer.get().map(|who| {
            let fact = |key: Key, value: Option<String>| {
                value.map(|v| view! { <div><dt>{c.t(key)}</dt><dd>{v}</dd></div> })
            };
            let (badge, class) = if who.verified {
                (c.t(Key::Verified), "verify verified")
            } else {
                (c.t(Key::NotVerified), "verify unverified")
            };
            let attributes = who
                .attributes
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Attribute::Text(t) => t.clone(),
                        Attribute::Number(n) => n.to_string(),
                        Attribute::Flag(b) => b.to_string(),
                    };
                    view! { <div><dt>{k.clone()}</dt><dd>{v}</dd></div> }
                })
                .collect_view();
            view! {
                <section class="customer" aria-labelledby="customer-h">
                    <h3 id="customer-h">{c.t(Key::CustomerHeading)}</h3>
                    <p class=class>{badge}</p>
                    <dl class="facts stacked">
                        {fact(Key::Name, who.name.clone())}
                        {fact(Key::Email, who.email.clone())}
                        {fact(Key::UserId, who.user_id.clone())}
                        {attributes}
                    </dl>
                </section>
            }
        })
    }
}

#[component]
pub fn ContextPanel() -> impl IntoView {
    let c = ctx();
    let handoff = Memo::new(move |_| c.detail.with(|d| d.as_ref().and_then(|d| d.handoff.clone())));
    let page = Memo::new(move |_| c.detail.with(|d| d.as_ref().and_then(|d| d.summary.page_url.clone())));
    let audit = move || c.detail.with(|d| d.as_ref().map(|d| d.audit.clone()).unwrap_or_default());
    view! {
        <aside class="context" aria-labelledby="context-h">
            <h2 id="context-h" class="sr-only">{move || c.t(Key::Reason)}</h2>
            <CustomerFacts />
            {move || handoff.get().map(|h| {
                let l = c.locale.get();
                let reason = i18n::reason(&l, &serde_json::to_value(h.reason).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default());
                let page_url = h.page_url.clone().or_else(|| page.get());
                view! {
                    <dl class="facts stacked">
                        <div><dt>{c.t(Key::Reason)}</dt><dd class="reason">{reason}</dd></div>
                        {(!h.detail.is_empty()).then(|| view! { <div><dt>{c.t(Key::Detail)}</dt><dd>{h.detail.clone()}</dd></div> })}
                        <div><dt>{c.t(Key::Locale)}</dt><dd>{i18n::customer_language(&h.locale)}</dd></div>
                        {page_url.map(|u| view! { <div><dt>{c.t(Key::Page)}</dt><dd class="url">{u}</dd></div> })}
                        <div><dt>{c.t(Key::Intents)}</dt><dd>
                            <ul class="chips">{h.intents.iter().map(|i| view! {
                                <li>{format!("{} {:.0}%", i.intent, i.confidence * 100.0)}</li>
                            }).collect_view()}</ul>
                        </dd></div>
                        <div><dt>{c.t(Key::Slots)}</dt><dd>
                            <ul class="chips">{h.slots.iter().map(|(k, v)| view! { <li>{format!("{k}: {v}")}</li> }).collect_view()}</ul>
                        </dd></div>
                    </dl>
                }
            })}
            <h3>{move || c.t(Key::Earlier)}</h3>
            {move || {
                let list = c.history.get();
                if list.is_empty() {
                    view! { <p class="empty">{c.t(Key::NoEarlier)}</p> }.into_any()
                } else {
                    view! { <ul class="history">{list.into_iter().map(|h| {
                        let id = h.conversation_id.clone();
                        let dep = h.department.as_deref().map(|d| c.department(&h.site_key, d));
                        let label = [Some(h.created_at.get(..10).unwrap_or("").to_string()), dep, Some(h.status.as_str().to_string())]
                            .into_iter().flatten().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" · ");
                        view! { <li><button type="button" class="link" on:click=move |_| open(c, id.clone())>{label}</button></li> }
                    }).collect_view()}</ul> }.into_any()
                }
            }}
            <h3>{move || c.t(Key::Audit)}</h3>
            <ol class="audit">
                {move || audit().into_iter().map(|a| {
                    let mv = match (&a.from_tier, &a.to_tier, &a.from_department, &a.to_department) {
                        (Some(f), Some(t), _, _) if f != t => format!(" {f} → {t}"),
                        (_, _, Some(f), Some(t)) if f != t => format!(" {f} → {t}"),
                        _ => String::new(),
                    };
                    view! { <li><time>{crate::time::hh_mm(&a.at)}</time>" "<strong>{a.kind.as_str()}</strong>{mv}" — "{a.reason.clone()}</li> }
                }).collect_view()}
            </ol>
        </aside>
    }
}
