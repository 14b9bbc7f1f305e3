//! A site's settings in force: business hours and holidays, SLA targets, canned responses.
//!
//! The rule for what wins (docs/operations.md, "Settings"): each section comes from the config
//! file until a manager saves it in the console; from then the saved copy in the database wins
//! and the file's section is ignored, until the manager reverts it. Sections are independent:
//! saving the hours leaves the SLA targets following the file.
//!
//! Every value is checked against the site's content here, for the console's requests and for
//! what is read back from the database alike (a department removed from the content since a
//! canned response was saved drops that response, with a warning, instead of failing the site).

use crate::config::{SiteConfig, DEFAULT_SLA};
use crate::hours::BusinessHours;
use crate::sla::SlaPolicy;
use handoff_bot::Site;
use handoff_protocol::settings::{HoursSpec, SettingSource, SettingsSection, SettingsSources, SlaTarget};
use handoff_protocol::v1::CannedResponse;
use std::collections::BTreeMap;
use std::time::Duration;

/// Limits on what a manager can save (the console's fields and the desk's memory alike).
pub const MAX_CANNED: usize = 500;
pub const MAX_CANNED_ID: usize = 64;
pub const MAX_CANNED_TITLE: usize = 120;
pub const MAX_CANNED_TEXT: usize = 4_000;
/// One year: a longer target is a typing mistake.
pub const MAX_SLA_SECS: f64 = 366.0 * 24.0 * 3600.0;

/// What a site runs on now, rebuilt whenever a section is saved or reverted.
#[derive(Debug, Clone)]
pub struct InForce {
    pub hours: BusinessHours,
    pub hours_spec: Option<HoursSpec>,
    pub sla: BTreeMap<String, SlaPolicy>,
    pub canned: Vec<CannedResponse>,
    /// How long resolved conversations and answered tickets are kept (`None`: until erased).
    pub retention: Option<Duration>,
    pub sources: SettingsSources,
    /// The saved bodies this was built from, per section (what a compare-and-swap expects).
    pub saved: BTreeMap<SettingsSection, String>,
}

impl InForce {
    /// The config file's sections only.
    pub fn from_file(config: &SiteConfig) -> InForce {
        InForce {
            hours: config.hours.clone(),
            hours_spec: config.hours_spec.clone(),
            sla: config.sla.clone(),
            canned: config.canned.clone(),
            retention: config.retention,
            sources: SettingsSources {
                hours: SettingSource::File,
                sla: SettingSource::File,
                canned: SettingSource::File,
                retention: SettingSource::File,
            },
            saved: BTreeMap::new(),
        }
    }

    /// The file's sections with the saved ones (`section -> body`) in their place. A saved body
    /// that no longer fits the content is used as far as it fits, and said so in the log.
    pub fn build(
        site_key: &str,
        content: &Site,
        config: &SiteConfig,
        saved: &[(SettingsSection, String)],
    ) -> InForce {
        let mut f = InForce::from_file(config);
        for (section, body) in saved {
            let applied = match section {
                SettingsSection::Hours => serde_json::from_str::<Option<HoursSpec>>(body)
                    .map_err(|e| e.to_string())
                    .and_then(|spec| {
                        let hours = match &spec {
                            None => BusinessHours::always(),
                            Some(s) => BusinessHours::from_spec(s)?,
                        };
                        f.hours = hours;
                        f.hours_spec = spec;
                        f.sources.hours = SettingSource::Console;
                        Ok(())
                    }),
                SettingsSection::Sla => {
                    serde_json::from_str::<Vec<SlaTarget>>(body).map_err(|e| e.to_string()).map(|targets| {
                        let (sla, dropped) = sla_in_force(content, &targets);
                        warn_dropped(site_key, "sla", &dropped);
                        f.sla = sla;
                        f.sources.sla = SettingSource::Console;
                    })
                }
                SettingsSection::Retention => {
                    serde_json::from_str::<Option<u32>>(body).map_err(|e| e.to_string()).and_then(|days| {
                        check_retention(days)?;
                        f.retention = days.map(retention_of);
                        f.sources.retention = SettingSource::Console;
                        Ok(())
                    })
                }
                SettingsSection::Canned => {
                    serde_json::from_str::<Vec<CannedResponse>>(body).map_err(|e| e.to_string()).map(|all| {
                        let (kept, dropped): (Vec<_>, Vec<_>) =
                            all.into_iter().partition(|c| check_canned(content, c).is_ok());
                        let dropped: Vec<String> = dropped.iter().map(canned_key).collect();
                        warn_dropped(site_key, "canned", &dropped);
                        f.canned = kept;
                        f.sources.canned = SettingSource::Console;
                    })
                }
            };
            match applied {
                Ok(()) => {
                    f.saved.insert(*section, body.clone());
                }
                Err(e) => tracing::warn!(
                    site = site_key,
                    section = section.as_str(),
                    error = %e,
                    "saved settings unreadable: the config file's are in force"
                ),
            }
        }
        f
    }

    /// The retention period in whole days, as managers set it.
    pub fn retention_days(&self) -> Option<u32> {
        self.retention.map(|d| u32::try_from(d.as_secs() / DAY_SECS).unwrap_or(u32::MAX))
    }

    pub fn sla(&self, priority: &str) -> SlaPolicy {
        self.sla.get(priority).copied().unwrap_or(DEFAULT_SLA)
    }

    /// Every priority of the site, lowest first, with the targets in force.
    pub fn sla_targets(&self, content: &Site) -> Vec<SlaTarget> {
        content
            .settings
            .site
            .priorities
            .iter()
            .map(|p| {
                let s = self.sla(p);
                SlaTarget {
                    priority: p.clone(),
                    first_response_secs: s.first_response.as_secs_f64(),
                    resolution_secs: s.resolution.as_secs_f64(),
                }
            })
            .collect()
    }
}

const DAY_SECS: u64 = 24 * 3600;

/// At most ten years: a longer period is a typing mistake (leave it unset to keep everything).
pub const MAX_RETENTION_DAYS: u32 = 3_650;

fn retention_of(days: u32) -> Duration {
    Duration::from_secs(u64::from(days) * DAY_SECS)
}

/// A retention period a manager sends: 1 to [`MAX_RETENTION_DAYS`] days, or none.
pub fn check_retention(days: Option<u32>) -> Result<(), String> {
    match days {
        Some(d) if !(1..=MAX_RETENTION_DAYS).contains(&d) => Err(format!(
            "retention_days: {d} is not between 1 and {MAX_RETENTION_DAYS} (null keeps everything)"
        )),
        _ => Ok(()),
    }
}

fn warn_dropped(site: &str, section: &str, dropped: &[String]) {
    if !dropped.is_empty() {
        tracing::warn!(
            site,
            section,
            ?dropped,
            "saved settings name what the site's content no longer has: left out"
        );
    }
}

/// `department/locale/id`, how a canned response is named in messages and the audit.
pub fn canned_key(c: &CannedResponse) -> String {
    format!("{}/{}/{}", c.department, c.locale, c.id)
}

/// The SLA targets that name a priority of the site (and the names of those that do not).
fn sla_in_force(content: &Site, targets: &[SlaTarget]) -> (BTreeMap<String, SlaPolicy>, Vec<String>) {
    let mut sla = BTreeMap::new();
    let mut dropped = Vec::new();
    for t in targets {
        match policy_of(content, t) {
            Ok(p) => {
                sla.insert(t.priority.clone(), p);
            }
            Err(_) => dropped.push(t.priority.clone()),
        }
    }
    (sla, dropped)
}

fn secs(field: &str, v: f64) -> Result<Duration, String> {
    if !(v.is_finite() && v > 0.0 && v <= MAX_SLA_SECS) {
        return Err(format!("{field}: {v} is not between 0 and {MAX_SLA_SECS} seconds"));
    }
    Duration::try_from_secs_f64(v).map_err(|_| format!("{field}: {v} is not a number of seconds"))
}

fn policy_of(content: &Site, t: &SlaTarget) -> Result<SlaPolicy, String> {
    if !content.settings.site.priorities.contains(&t.priority) {
        return Err(format!(
            "{:?} is not a priority of the site (priorities: {})",
            t.priority,
            content.settings.site.priorities.join(", ")
        ));
    }
    Ok(SlaPolicy {
        first_response: secs(&format!("{}.first_response_secs", t.priority), t.first_response_secs)?,
        resolution: secs(&format!("{}.resolution_secs", t.priority), t.resolution_secs)?,
    })
}

/// The targets a manager sends, checked: known priorities, each once, sane durations.
pub fn check_sla(content: &Site, targets: &[SlaTarget]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for t in targets {
        if !seen.insert(&t.priority) {
            return Err(format!("priority {:?} is given twice", t.priority));
        }
        policy_of(content, t)?;
    }
    Ok(())
}

/// A canned response, checked against the site: its department and locale exist, its id is a
/// short slug, title and text are present and bounded. The first problem, if any.
pub fn check_canned(content: &Site, c: &CannedResponse) -> Result<(), String> {
    canned_problems(content, c).into_iter().next().map_or(Ok(()), Err)
}

/// Every problem of a canned response (the config file's are all reported at once).
pub fn canned_problems(content: &Site, c: &CannedResponse) -> Vec<String> {
    let mut out = Vec::new();
    if content.department(&c.department).is_none() {
        out.push(format!("unknown department {:?}", c.department));
    }
    if !content.settings.site.locales.contains(&c.locale) {
        out.push(format!(
            "locale {:?} is not one of the site's ({})",
            c.locale,
            content.settings.site.locales.join(", ")
        ));
    }
    let slug = |s: &str| {
        !s.is_empty()
            && s.len() <= MAX_CANNED_ID
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    if !slug(&c.id) {
        out.push(format!("id {:?}: 1-{MAX_CANNED_ID} of a-z, 0-9, - and _", c.id));
    }
    if c.title.trim().is_empty() || c.text.trim().is_empty() {
        out.push("title and text must not be empty".into());
    }
    if c.title.chars().count() > MAX_CANNED_TITLE {
        out.push(format!("title: at most {MAX_CANNED_TITLE} characters"));
    }
    if c.text.chars().count() > MAX_CANNED_TEXT {
        out.push(format!("text: at most {MAX_CANNED_TEXT} characters"));
    }
    out
}
