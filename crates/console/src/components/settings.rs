//! A site's settings (issue 20): business hours and holidays, SLA targets per priority, the
//! retention period and canned responses per department and locale, changed without a restart.
//! Managers change everything; supervisors see it all and change the canned responses of their own departments
//! (`may` in the desk's answer). Each section says whether it comes from the config file or was
//! changed here, and one changed here can go back to the file.

use crate::api::{self, ApiError};
use crate::app::{ctx, Ctx};
use crate::i18n::{self, fill, Key};
use crate::settings::{self as logic, HoursForm, Problem, RetentionForm, SlaRow, WEEKDAYS};
use handoff_protocol::settings::{CannedText, SettingSource, SettingsSection, SiteSettings};
use handoff_protocol::v1::CannedResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

/// What the last save (or revert) of a part did: `Ok(text)` done, `Err(text)` refused.
type Outcome = RwSignal<Option<Result<String, String>>>;

const DAY_KEYS: [Key; 7] = [Key::Mon, Key::Tue, Key::Wed, Key::Thu, Key::Fri, Key::Sat, Key::Sun];

fn problem_text(c: Ctx, p: &Problem) -> String {
    match p {
        Problem::TimeZone => c.t(Key::NeedTimeZone).to_string(),
        Problem::Span { day, span } => {
            fill(c.t(Key::BadSpan), &[("day", c.t(DAY_KEYS[*day])), ("span", span)])
        }
        Problem::Date => c.t(Key::BadDate).to_string(),
        Problem::HolidayTwice => c.t(Key::HolidayTwice).to_string(),
        Problem::Minutes { priority, .. } => fill(c.t(Key::BadMinutes), &[("priority", priority)]),
        Problem::CannedId => c.t(Key::BadCannedId).to_string(),
        Problem::CannedEmpty => c.t(Key::CannedEmpty).to_string(),
        Problem::RetentionDays => c.t(Key::BadRetention).to_string(),
    }
}

/// The desk's refusal: its two rights codes and a period out of range in the agent's language,
/// the rest (a 422 names the field) as the desk words it.
fn refusal(c: Ctx, e: &ApiError) -> String {
    match e.code.as_str() {
        "not_manager" => c.t(Key::ManagersOnly).to_string(),
        "not_your_department" => c.t(Key::YourDepartmentsOnly).to_string(),
        "invalid_retention" => c.t(Key::BadRetention).to_string(),
        _ => e.message.clone(),
    }
}

fn outcome_view(o: Outcome, id: String) -> impl IntoView {
    view! {
        <p id=id role="status" class=move || match o.get() { Some(Err(_)) => "outcome error", _ => "outcome done-text" }>
            {move || o.get().map(|r| match r { Ok(t) | Err(t) => t })}
        </p>
    }
    .into_any()
}

fn source_badge(c: Ctx, s: SettingSource) -> impl IntoView {
    let (class, key) = match s {
        SettingSource::File => ("badge file", Key::FromFile),
        SettingSource::Console => ("badge console", Key::FromConsole),
    };
    view! { <span class=class>{move || c.t(key)}</span> }
}

#[derive(Clone, Copy)]
struct State {
    c: Ctx,
    site: Memo<String>,
    settings: RwSignal<Option<SiteSettings>>,
    hours: RwSignal<HoursForm>,
    sla: RwSignal<Vec<SlaRow>>,
    retention: RwSignal<RetentionForm>,
}

impl State {
    /// Takes the desk's answer; the forms of `sections` start again from it (the others keep
    /// what the manager is typing).
    fn apply(&self, s: SiteSettings, sections: &[SettingsSection]) {
        for section in sections {
            match section {
                SettingsSection::Hours => self.hours.set(HoursForm::from_spec(s.hours.as_ref())),
                SettingsSection::Sla => self.sla.set(s.sla.iter().map(SlaRow::new).collect()),
                SettingsSection::Retention => self.retention.set(RetentionForm::from_days(s.retention_days)),
                // Canned rows are keyed by their content: changed ones render afresh.
                SettingsSection::Canned => {}
            }
        }
        if sections.contains(&SettingsSection::Canned) {
            crate::app::load_canned(self.c);
        }
        self.settings.set(Some(s));
    }

    fn may_hours(&self) -> bool {
        self.settings.with(|s| s.as_ref().is_some_and(|s| s.may.hours_and_sla))
    }

    fn source(&self, section: SettingsSection) -> Option<SettingSource> {
        self.settings.with(|s| {
            s.as_ref().map(|s| match section {
                SettingsSection::Hours => s.sources.hours,
                SettingsSection::Sla => s.sources.sla,
                SettingsSection::Canned => s.sources.canned,
                SettingsSection::Retention => s.sources.retention,
            })
        })
    }

    /// Sends one change; the answer replaces the settings and `out` says `done`, a refusal
    /// goes to `out` as the desk's reason.
    fn save<F>(self, out: Outcome, sections: &'static [SettingsSection], done: Key, call: F)
    where
        F: std::future::Future<Output = Result<SiteSettings, ApiError>> + 'static,
    {
        let c = self.c;
        out.set(None);
        spawn_local(async move {
            match call.await {
                Ok(s) => {
                    self.apply(s, sections);
                    out.set(Some(Ok(c.t(done).to_string())));
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => out.set(Some(Err(refusal(c, &e)))),
            }
        });
    }
}

#[component]
pub fn SettingsView() -> impl IntoView {
    let c = ctx();
    let picked = RwSignal::new(String::new());
    let site = Memo::new(move |_| {
        let p = picked.get();
        if p.is_empty() {
            c.sites.with(|all| all.first().map(|x| x.key.clone()).unwrap_or_default())
        } else {
            p
        }
    });
    let st = State {
        c,
        site,
        settings: RwSignal::new(None),
        hours: RwSignal::new(HoursForm::default()),
        sla: RwSignal::new(vec![]),
        retention: RwSignal::new(RetentionForm::default()),
    };
    let failed = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let key = site.get();
        if key.is_empty() {
            return;
        }
        st.settings.set(None);
        failed.set(None);
        spawn_local(async move {
            match api::site_settings(&key).await {
                Ok(s) if site.get_untracked() == key => {
                    st.apply(s, &SettingsSection::ALL);
                }
                Ok(_) => {}
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => failed.set(Some(format!("{} {}", c.t(Key::Failed), refusal(c, &e)))),
            }
        });
    });
    view! {
        <section class="settings" aria-labelledby="settings-h">
            <h1 id="settings-h">{move || c.t(Key::SettingsTab)}</h1>
            <p>{move || c.t(Key::SettingsIntro)}</p>
            <Show when=move || c.sites.with(|s| s.len() > 1)>
                <span class="field-inline">
                    <label for="settings-site">{move || c.t(Key::Site)}</label>
                    <select id="settings-site" on:change=move |e| picked.set(event_target_value(&e))>
                        {move || c.sites.get().into_iter().map(|s| {
                            let key = s.key.clone();
                            view! { <option value=s.key.clone() selected=move || site.get() == key>{s.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </span>
            </Show>
            {move || failed.get().map(|f| view! { <p class="error" role="alert">{f}</p> })}
            <Show when=move || st.settings.with(Option::is_some)
                fallback=move || view! { <p class="loading">{move || failed.with(Option::is_none).then(|| c.t(Key::Loading))}</p> }>
                <HoursSection st=st/>
                <SlaSection st=st/>
                <RetentionSection st=st/>
                <CannedSection st=st/>
            </Show>
        </section>
    }
}

/// The head of a section: its title, where it comes from, and the way back to the file.
fn section_head(st: State, section: SettingsSection, title: Key, may_revert: Signal<bool>) -> impl IntoView {
    let c = st.c;
    let out: Outcome = RwSignal::new(None);
    let id = format!("{}-h", section.as_str());
    let only: &'static [SettingsSection] = match section {
        SettingsSection::Hours => &[SettingsSection::Hours],
        SettingsSection::Sla => &[SettingsSection::Sla],
        SettingsSection::Canned => &[SettingsSection::Canned],
        SettingsSection::Retention => &[SettingsSection::Retention],
    };
    let revert = move |_| {
        let site = st.site.get_untracked();
        st.save(out, only, Key::Reverted, async move { api::revert_settings(&site, section).await });
    };
    let console = move || st.source(section) == Some(SettingSource::Console);
    view! {
        <div class="section-head">
            <h2 id=id>{move || c.t(title)}</h2>
            {move || st.source(section).map(|s| source_badge(c, s))}
            <Show when=move || console() && may_revert.get()>
                <button type="button" class="secondary" on:click=revert
                    aria-label=move || fill(c.t(Key::ActionOn), &[("action", c.t(Key::RevertToFile)), ("what", c.t(title))])>
                    {move || c.t(Key::RevertToFile)}
                </button>
            </Show>
            {outcome_view(out, format!("{}-revert-status", section.as_str()))}
        </div>
    }
}

#[component]
fn HoursSection(st: State) -> impl IntoView {
    let c = st.c;
    let hours = st.hours;
    let out: Outcome = RwSignal::new(None);
    let new_holiday = RwSignal::new(String::new());
    let holiday_problem = RwSignal::new(None::<String>);
    let may = Signal::derive(move || st.may_hours());
    let dirty = move || {
        st.settings.with(|s| s.as_ref().map(|s| HoursForm::from_spec(s.hours.as_ref()))) != Some(hours.get())
    };
    let add_holiday = move || {
        let mut r = Ok(());
        hours.update(|h| r = h.add_holiday(&new_holiday.get_untracked()));
        match r {
            Ok(()) => {
                holiday_problem.set(None);
                new_holiday.set(String::new());
            }
            Err(p) => holiday_problem.set(Some(problem_text(c, &p))),
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match hours.with_untracked(HoursForm::to_update) {
            Ok(u) => {
                let site = st.site.get_untracked();
                st.save(out, &[SettingsSection::Hours], Key::Saved, async move {
                    api::save_hours(&site, &u).await
                });
            }
            Err(p) => out.set(Some(Err(problem_text(c, &p)))),
        }
    };
    view! {
        <section class="settings-part" aria-labelledby="hours-h">
            {section_head(st, SettingsSection::Hours, Key::HoursTitle, may)}
            <Show when=move || !may.get()><p class="hint">{move || c.t(Key::ManagersOnly)}</p></Show>
            <form class="hours" on:submit=save>
                <fieldset class="plain" disabled=move || !may.get()>
                    <legend class="sr-only">{move || c.t(Key::HoursTitle)}</legend>
                    <span class="field-inline check">
                        <input type="checkbox" id="hours-always" prop:checked=move || hours.with(|h| h.always)
                            on:change=move |e| { let on = event_target_checked(&e); hours.update(|h| h.always = on) } />
                        <label for="hours-always">{move || c.t(Key::AroundTheClock)}</label>
                    </span>
                    <Show when=move || !hours.with(|h| h.always)>
                        <div class="form-grid">
                            <label for="hours-tz">{move || c.t(Key::TimeZone)}</label>
                            <input id="hours-tz" type="text" autocomplete="off" spellcheck="false"
                                prop:value=move || hours.with(|h| h.time_zone.clone())
                                on:input=move |e| { let v = event_target_value(&e); hours.update(|h| h.time_zone = v) } />
                            <p id="spans-hint" class="hint">{move || c.t(Key::SpansHint)}</p>
                            {(0..7).map(|i| {
                                let id = format!("hours-{}", WEEKDAYS[i]);
                                view! {
                                    <label for=id.clone()>{move || c.t(DAY_KEYS[i])}</label>
                                    <input id=id type="text" autocomplete="off" spellcheck="false" aria-describedby="spans-hint"
                                        placeholder="09:00-17:00"
                                        prop:value=move || hours.with(|h| h.days[i].clone())
                                        on:input=move |e| { let v = event_target_value(&e); hours.update(|h| h.days[i] = v) } />
                                }
                            }).collect_view()}
                        </div>
                        <h3 id="holidays-h">{move || c.t(Key::Holidays)}</h3>
                        <ul class="holidays" aria-labelledby="holidays-h">
                            {move || {
                                let list = hours.with(|h| h.holidays.clone());
                                if list.is_empty() {
                                    return view! { <li class="muted">{move || c.t(Key::NoHolidays)}</li> }.into_any();
                                }
                                list.into_iter().map(|d| {
                                    let (label, gone) = (d.clone(), d.clone());
                                    view! {
                                        <li>
                                            <time datetime=d.clone()>{d.clone()}</time>
                                            <button type="button" class="secondary"
                                                aria-label=move || fill(c.t(Key::RemoveWhat), &[("what", &label)])
                                                on:click=move |_| hours.update(|h| h.remove_holiday(&gone))>
                                                {move || c.t(Key::Remove)}
                                            </button>
                                        </li>
                                    }
                                }).collect_view().into_any()
                            }}
                        </ul>
                        <div class="row">
                            <label for="holiday-new">{move || c.t(Key::HolidayDate)}</label>
                            <input id="holiday-new" type="date" prop:value=move || new_holiday.get()
                                aria-describedby="holiday-problem"
                                on:input=move |e| new_holiday.set(event_target_value(&e))
                                on:keydown=move |e: leptos::ev::KeyboardEvent| {
                                    if e.key() == "Enter" { e.prevent_default(); add_holiday() }
                                } />
                            <button type="button" class="secondary" on:click=move |_| add_holiday()>{move || c.t(Key::AddHoliday)}</button>
                            <span id="holiday-problem" class="error" role="alert">{move || holiday_problem.get()}</span>
                        </div>
                    </Show>
                    <div class="row">
                        <button type="submit" class="primary">{move || c.t(Key::SaveHours)}</button>
                        <Show when=dirty><span class="unsaved">{move || c.t(Key::Unsaved)}</span></Show>
                    </div>
                    {outcome_view(out, "hours-status".into())}
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn SlaSection(st: State) -> impl IntoView {
    let c = st.c;
    let rows = st.sla;
    let out: Outcome = RwSignal::new(None);
    let may = Signal::derive(move || st.may_hours());
    let save =
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            match rows.with_untracked(|r| logic::sla_update(r)) {
                Ok(u) => {
                    let site = st.site.get_untracked();
                    st.save(out, &[SettingsSection::Sla], Key::Saved, async move {
                        api::save_sla(&site, &u).await
                    });
                }
                Err(p) => out.set(Some(Err(problem_text(c, &p)))),
            }
        };
    let priorities =
        Memo::new(move |_| rows.with(|r| r.iter().map(|x| x.priority.clone()).collect::<Vec<_>>()));
    let field = move |i: usize, first: bool| {
        let priority = rows.with_untracked(|r| r.get(i).map(|r| r.priority.clone())).unwrap_or_default();
        let id = format!("sla-{priority}-{}", if first { "first" } else { "resolution" });
        let what = if first { Key::FirstResponseMin } else { Key::ResolutionMin };
        let value = move || {
            rows.with(|r| r.get(i).map(|r| if first { r.first.clone() } else { r.resolution.clone() }))
                .unwrap_or_default()
        };
        view! {
            <label for=id.clone() class="sr-only">{move || fill(c.t(Key::TargetOf), &[("priority", &priority), ("what", c.t(what))])}</label>
            <input id=id type="text" inputmode="decimal" class="minutes" prop:value=value
                on:input=move |e| {
                    let v = event_target_value(&e);
                    rows.update(|r| if let Some(r) = r.get_mut(i) { if first { r.first = v } else { r.resolution = v } });
                } />
        }
    };
    view! {
        <section class="settings-part" aria-labelledby="sla-h">
            {section_head(st, SettingsSection::Sla, Key::SlaTargets, may)}
            <Show when=move || !may.get()><p class="hint">{move || c.t(Key::ManagersOnly)}</p></Show>
            <form on:submit=save>
                <fieldset class="plain" disabled=move || !may.get()>
                    <legend class="sr-only">{move || c.t(Key::SlaTargets)}</legend>
                    <table class="grid compact sla-targets">
                        <thead><tr>
                            <th scope="col">{move || c.t(Key::Priority)}</th>
                            <th scope="col">{move || c.t(Key::FirstResponseMin)}</th>
                            <th scope="col">{move || c.t(Key::ResolutionMin)}</th>
                        </tr></thead>
                        <tbody>
                            // Rebuilt when the priorities change, not on every key.
                            {move || priorities.get().into_iter().enumerate().map(|(i, p)| view! {
                                <tr><th scope="row">{p}</th><td>{field(i, true)}</td><td>{field(i, false)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <button type="submit" class="primary">{move || c.t(Key::SaveSla)}</button>
                    {outcome_view(out, "sla-status".into())}
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn RetentionSection(st: State) -> impl IntoView {
    let c = st.c;
    let form = st.retention;
    let out: Outcome = RwSignal::new(None);
    let may = Signal::derive(move || st.may_hours());
    let dirty = move || {
        st.settings.with(|s| s.as_ref().map(|s| RetentionForm::from_days(s.retention_days)))
            != Some(form.get())
    };
    // The number field sits where "{days}" is in the sentence; the words before it label it.
    let around = move |after: bool| {
        let t = c.t(Key::RetentionAfter);
        let (a, b) = t.split_once("{days}").unwrap_or((t, ""));
        if after {
            b.trim()
        } else {
            a.trim()
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with_untracked(RetentionForm::to_update) {
            Ok(u) => {
                let site = st.site.get_untracked();
                st.save(out, &[SettingsSection::Retention], Key::Saved, async move {
                    api::save_retention(&site, &u).await
                });
            }
            Err(p) => out.set(Some(Err(problem_text(c, &p)))),
        }
    };
    view! {
        <section class="settings-part" aria-labelledby="retention-h">
            {section_head(st, SettingsSection::Retention, Key::RetentionTitle, may)}
            <Show when=move || !may.get()><p class="hint">{move || c.t(Key::ManagersOnly)}</p></Show>
            // The console says why in the agent's language (the browser's own bubble would not).
            <form class="retention" novalidate on:submit=save>
                <fieldset class="plain" disabled=move || !may.get()>
                    <legend class="sr-only">{move || c.t(Key::RetentionTitle)}</legend>
                    <span class="field-inline check">
                        <input type="checkbox" id="retention-forever" prop:checked=move || form.with(|f| f.forever)
                            on:change=move |e| { let on = event_target_checked(&e); form.update(|f| f.forever = on) } />
                        <label for="retention-forever">{move || c.t(Key::KeepUntilErased)}</label>
                    </span>
                    <div class="row">
                        <label for="retention-days">{move || around(false)}</label>
                        <input id="retention-days" type="number" class="days" min="1" max="3650" step="1"
                            inputmode="numeric" aria-describedby="retention-unit retention-hint"
                            disabled=move || form.with(|f| f.forever)
                            prop:value=move || form.with(|f| f.days.clone())
                            on:input=move |e| { let v = event_target_value(&e); form.update(|f| f.days = v) } />
                        <span id="retention-unit">{move || around(true)}</span>
                    </div>
                    <p id="retention-hint" class="hint">{move || c.t(Key::RetentionHint)}</p>
                    <div class="row">
                        <button type="submit" class="primary">{move || c.t(Key::SaveRetention)}</button>
                        <Show when=dirty><span class="unsaved">{move || c.t(Key::Unsaved)}</span></Show>
                    </div>
                    {outcome_view(out, "retention-status".into())}
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn CannedSection(st: State) -> impl IntoView {
    let c = st.c;
    let dept_filter = RwSignal::new(String::new());
    let site_locales = move || {
        let key = st.site.get();
        c.sites.with(|all| all.iter().find(|s| s.key == key).map(|s| s.locales.clone()).unwrap_or_default())
    };
    let site_departments = move || {
        let key = st.site.get();
        c.sites
            .with(|all| {
                all.iter()
                    .find(|s| s.key == key)
                    .map(|s| s.departments.iter().map(|d| d.id.clone()).collect::<Vec<_>>())
            })
            .unwrap_or_default()
    };
    // The console's own language first, when the site has it.
    let lang_filter = RwSignal::new(String::new());
    Effect::new(move |_| {
        let l = c.locale.get_untracked();
        if site_locales().contains(&l) && lang_filter.get_untracked().is_empty() {
            lang_filter.set(l);
        }
    });
    let may_dept = move |d: &str| {
        st.settings.with(|s| s.as_ref().is_some_and(|s| s.may.canned_departments.iter().any(|x| x == d)))
    };
    let may_any = Signal::derive(move || {
        st.settings.with(|s| s.as_ref().is_some_and(|s| !s.may.canned_departments.is_empty()))
    });
    let may_revert = Signal::derive(move || st.may_hours());
    let statuses = RwSignal::new(HashMap::<String, Result<String, String>>::new());
    let lang_name = |l: &str| i18n::customer_language(l);
    let groups = Memo::new(move |_| {
        let all = st.settings.with(|s| s.as_ref().map(|s| s.canned.clone()).unwrap_or_default());
        let (d, l) = (dept_filter.get(), lang_filter.get());
        logic::canned_groups(
            &all,
            &site_departments(),
            &site_locales(),
            Some(d.as_str()).filter(|x| !x.is_empty()),
            Some(l.as_str()).filter(|x| !x.is_empty()),
        )
    });
    let site_key = move || st.site.get_untracked();
    let item = move |x: CannedResponse| {
        let key = format!("{}/{}/{}", x.department, x.locale, x.id);
        let base = format!("canned-{}-{}-{}", x.department, x.locale, x.id);
        let title = RwSignal::new(x.title.clone());
        let text = RwSignal::new(x.text.clone());
        let allowed = may_dept(&x.department);
        let what =
            format!("{} ({}, {})", x.title, c.department(&site_key(), &x.department), lang_name(&x.locale));
        let (save_key, del_key, status_key, shown_key) = (key.clone(), key.clone(), key.clone(), key.clone());
        let (d1, l1, i1) = (x.department.clone(), x.locale.clone(), x.id.clone());
        let (d2, l2, i2) = (x.department.clone(), x.locale.clone(), x.id.clone());
        let report = move |k: String, r: Result<SiteSettings, ApiError>| match r {
            Ok(s) => {
                statuses.update(|m| {
                    m.insert(k, Ok(c.t(Key::Saved).to_string()));
                });
                st.apply(s, &[SettingsSection::Canned]);
            }
            Err(e) if e.status == 401 => c.fail(e),
            Err(e) => statuses.update(|m| {
                m.insert(k, Err(refusal(c, &e)));
            }),
        };
        let save = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = CannedText { title: title.get_untracked(), text: text.get_untracked() };
            let k = save_key.clone();
            if let Err(p) = logic::canned_check(&i1, &body.title, &body.text) {
                statuses.update(|m| {
                    m.insert(k, Err(problem_text(c, &p)));
                });
                return;
            }
            let (site, d, l, i) = (site_key(), d1.clone(), l1.clone(), i1.clone());
            spawn_local(async move { report(k, api::save_canned(&site, &d, &l, &i, &body).await) });
        };
        let delete = move |_| {
            let (site, d, l, i, k) = (site_key(), d2.clone(), l2.clone(), i2.clone(), del_key.clone());
            spawn_local(async move { report(k, api::delete_canned(&site, &d, &l, &i).await) });
        };
        let status_id = format!("{base}-status");
        let what_save = what.clone();
        view! {
            <form class="canned-item" data-key=key on:submit=save>
                <fieldset class="plain" disabled=!allowed>
                    <legend><span>{x.title.clone()}</span>" "<code>{x.id.clone()}</code></legend>
                    <label for=format!("{base}-title")>{move || c.t(Key::Title)}</label>
                    <input id=format!("{base}-title") type="text" required prop:value=move || title.get()
                        on:input=move |e| title.set(event_target_value(&e)) />
                    <label for=format!("{base}-text")>{move || c.t(Key::Text)}</label>
                    <textarea id=format!("{base}-text") rows="3" required prop:value=move || text.get()
                        on:input=move |e| text.set(event_target_value(&e))></textarea>
                    <div class="row">
                        <button type="submit" class="primary"
                            aria-label=move || fill(c.t(Key::ActionOn), &[("action", c.t(Key::Save)), ("what", &what_save)])>
                            {move || c.t(Key::Save)}
                        </button>
                        <button type="button" class="secondary" on:click=delete
                            aria-label=move || fill(c.t(Key::ActionOn), &[("action", c.t(Key::Delete)), ("what", &what)])>
                            {move || c.t(Key::Delete)}
                        </button>
                        <span id=status_id role="status"
                            class=move || statuses.with(|m| match m.get(&status_key) { Some(Err(_)) => "error", _ => "done-text" })>
                            {move || statuses.with(|m| m.get(&shown_key).map(|r| match r { Ok(t) | Err(t) => t.clone() }))}
                        </span>
                    </div>
                </fieldset>
            </form>
        }
    };
    // The form that adds one.
    let new_dept = RwSignal::new(String::new());
    let new_locale = RwSignal::new(String::new());
    let new_id = RwSignal::new(String::new());
    let new_title = RwSignal::new(String::new());
    let new_text = RwSignal::new(String::new());
    let add_out: Outcome = RwSignal::new(None);
    let addable = move || {
        let may: Vec<String> =
            st.settings.with(|s| s.as_ref().map(|s| s.may.canned_departments.clone()).unwrap_or_default());
        site_departments().into_iter().filter(|d| may.contains(d)).collect::<Vec<_>>()
    };
    let chosen_dept = move || {
        let d = new_dept.get();
        if d.is_empty() {
            addable().into_iter().next().unwrap_or_default()
        } else {
            d
        }
    };
    let chosen_locale = move || {
        let l = new_locale.get();
        if l.is_empty() {
            let mine = c.locale.get();
            let all = site_locales();
            if all.contains(&mine) {
                mine
            } else {
                all.into_iter().next().unwrap_or_default()
            }
        } else {
            l
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, title, text) = (new_id.get_untracked(), new_title.get_untracked(), new_text.get_untracked());
        if let Err(p) = logic::canned_check(&id, &title, &text) {
            add_out.set(Some(Err(problem_text(c, &p))));
            return;
        }
        let (site, d, l) = (site_key(), chosen_dept(), chosen_locale());
        let id = id.trim().to_string();
        add_out.set(None);
        spawn_local(async move {
            match api::save_canned(&site, &d, &l, &id, &CannedText { title, text }).await {
                Ok(s) => {
                    st.apply(s, &[SettingsSection::Canned]);
                    for x in [new_id, new_title, new_text] {
                        x.set(String::new());
                    }
                    add_out.set(Some(Ok(c.t(Key::Saved).to_string())));
                }
                Err(e) if e.status == 401 => c.fail(e),
                Err(e) => add_out.set(Some(Err(refusal(c, &e)))),
            }
        });
    };
    view! {
        <section class="settings-part" aria-labelledby="canned-h">
            {section_head(st, SettingsSection::Canned, Key::Canned, may_revert)}
            <Show when=move || !may_revert.get() && may_any.get()><p class="hint">{move || c.t(Key::YourDepartmentsOnly)}</p></Show>
            <div class="filters">
                <span class="field-inline">
                    <label for="canned-dept">{move || c.t(Key::Department)}</label>
                    <select id="canned-dept" on:change=move |e| dept_filter.set(event_target_value(&e))>
                        <option value="" selected=move || dept_filter.get().is_empty()>{move || c.t(Key::AllDepartments)}</option>
                        {move || site_departments().into_iter().map(|d| {
                            let (v, name) = (d.clone(), c.department(&site_key(), &d));
                            view! { <option value=d.clone() selected=move || dept_filter.get() == v>{name}</option> }
                        }).collect_view()}
                    </select>
                </span>
                <span class="field-inline">
                    <label for="canned-lang">{move || c.t(Key::Language)}</label>
                    <select id="canned-lang" on:change=move |e| lang_filter.set(event_target_value(&e))>
                        <option value="" selected=move || lang_filter.get().is_empty()>{move || c.t(Key::AllLanguages)}</option>
                        {move || site_locales().into_iter().map(|l| {
                            let v = l.clone();
                            view! { <option value=l.clone() selected=move || lang_filter.get() == v>{lang_name(&l)}</option> }
                        }).collect_view()}
                    </select>
                </span>
            </div>
            <Show when=move || groups.with(Vec::is_empty)>
                <p class="empty">{move || c.t(Key::NoCanned)}</p>
            </Show>
            // Keyed twice (group, then content): a save re-renders only what it changed, and
            // what is being typed elsewhere stays.
            <For each=move || groups.with(|g| g.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
                key=|k: &(String, String)| k.clone()
                children=move |(d, l): (String, String)| {
                    let (dk, lk) = (d.clone(), l.clone());
                    let heading = move || format!("{} · {}", c.department(&site_key(), &d), lang_name(&l));
                    let list = move || {
                        groups.with(|g| {
                            g.iter().find(|(k, _)| k.0 == dk && k.1 == lk).map(|(_, v)| v.clone()).unwrap_or_default()
                        })
                    };
                    view! {
                        <div class="canned-group">
                            <h3>{heading}</h3>
                            <For each=list
                                key=|x: &CannedResponse| (x.department.clone(), x.locale.clone(), x.id.clone(), x.title.clone(), x.text.clone())
                                children=item />
                        </div>
                    }
                } />
            <Show when=move || may_any.get()>
                <h3>{move || c.t(Key::AddCanned)}</h3>
                <form class="form-grid add-canned" on:submit=add>
                    <label for="new-canned-dept">{move || c.t(Key::Department)}</label>
                    <select id="new-canned-dept" on:change=move |e| new_dept.set(event_target_value(&e))>
                        {move || addable().into_iter().map(|d| {
                            let (v, name) = (d.clone(), c.department(&site_key(), &d));
                            view! { <option value=d.clone() selected=move || chosen_dept() == v>{name}</option> }
                        }).collect_view()}
                    </select>
                    <label for="new-canned-locale">{move || c.t(Key::Language)}</label>
                    <select id="new-canned-locale" on:change=move |e| new_locale.set(event_target_value(&e))>
                        {move || site_locales().into_iter().map(|l| {
                            let v = l.clone();
                            view! { <option value=l.clone() selected=move || chosen_locale() == v>{lang_name(&l)}</option> }
                        }).collect_view()}
                    </select>
                    <label for="new-canned-id">{move || c.t(Key::CannedId)}</label>
                    <input id="new-canned-id" type="text" required pattern="[a-z0-9_-]{1,64}" autocomplete="off" spellcheck="false"
                        prop:value=move || new_id.get() on:input=move |e| new_id.set(event_target_value(&e)) />
                    <label for="new-canned-title">{move || c.t(Key::Title)}</label>
                    <input id="new-canned-title" type="text" required prop:value=move || new_title.get()
                        on:input=move |e| new_title.set(event_target_value(&e)) />
                    <label for="new-canned-text">{move || c.t(Key::Text)}</label>
                    <textarea id="new-canned-text" rows="3" required prop:value=move || new_text.get()
                        on:input=move |e| new_text.set(event_target_value(&e))></textarea>
                    <button type="submit" class="primary">{move || c.t(Key::AddCanned)}</button>
                    {outcome_view(add_out, "add-canned-status".into())}
                </form>
            </Show>
        </section>
    }
}
