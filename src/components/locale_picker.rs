//! The language picker in the panel header.

use crate::i18n::{language_name, Key};
use crate::widget::use_ui;
use leptos::prelude::*;

#[component]
pub fn LocalePicker() -> impl IntoView {
    let ui = use_ui();
    let locales = ui.with_engine(|e| e.site().settings.site.locales.clone());
    let id = ui.id("locale");
    view! {
        <div class="hf-locale">
            <label class="hf-sr" for=id.clone()>{ui.tr(Key::Language)}</label>
            <select id=id class="hf-select" on:change=move |ev| ui.set_locale(&event_target_value(&ev))>
                {locales
                    .into_iter()
                    .map(|l| {
                        let selected = {
                            let l = l.clone();
                            move || ui.locale.with(|cur| *cur == l)
                        };
                        view! {
                            <option value=l.clone() prop:selected=selected lang=l.clone()>
                                {language_name(&l).to_string()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
