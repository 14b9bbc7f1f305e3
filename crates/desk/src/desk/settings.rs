//! Site settings in the console (issue 20): managers change business hours, holidays and SLA
//! targets; managers, and supervisors within their own departments, change canned responses.
//! Each save is a compare-and-swap of one section with its audit row, in force on this
//! instance at once and on the others at their next settings check (every second).

use super::supervisor::{is_manager, is_supervisor};
use super::Desk;
use crate::db::{AdminAuditRow, AgentRow, SettingRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::hours::BusinessHours;
use crate::site_settings::{canned_key, check_canned, check_retention, check_sla, InForce, MAX_CANNED};
use crate::sites::LoadedSite;
use handoff_protocol::settings::{
    CannedText, HoursUpdate, RetentionUpdate, SettingsRights, SettingsSection, SiteSettings, SlaUpdate,
};
use handoff_protocol::v1::CannedResponse;
use std::sync::atomic::Ordering;

/// How often an instance looks for settings another instance saved.
const SETTINGS_CHECK_EVERY_MS: i64 = 1_000;

/// How often a save is retried when another save of the same section came first.
const SWAP_ATTEMPTS: usize = 5;

/// One save: the section's new body (`None`: back to the file) and what the audit records.
struct Edit {
    body: Option<String>,
    action: &'static str,
    target: String,
    old: Option<String>,
    new: Option<String>,
}

fn json<T: serde::Serialize>(v: &T) -> DeskResult<String> {
    serde_json::to_string(v).map_err(|e| DeskError::internal(e.to_string()))
}

fn not_manager() -> DeskError {
    DeskError::refused("not_manager", "only the site's managers change business hours and SLA targets")
}

/// The sections of `site` saved in `rows`.
fn saved_of(site: &str, rows: &[SettingRow]) -> Vec<(SettingsSection, String)> {
    rows.iter()
        .filter(|r| r.site_key == site)
        .filter_map(|r| Some((SettingsSection::parse(&r.section)?, r.body.clone())))
        .collect()
}

impl Desk {
    /// Reads every saved section and puts in force what changed (at start, after a save, and
    /// every [`SETTINGS_CHECK_EVERY_MS`] for what other instances saved).
    pub async fn reload_settings(&self) -> DeskResult<()> {
        let rows = self.db.site_settings().await?;
        for site in self.sites.iter() {
            let saved = saved_of(&site.key, &rows);
            let current = site.settings();
            let unchanged = saved.len() == current.saved.len()
                && saved.iter().all(|(s, b)| current.saved.get(s) == Some(b));
            if !unchanged {
                site.set_settings(InForce::build(&site.key, &site.content, &site.config, &saved));
            }
        }
        Ok(())
    }

    /// [`Desk::reload_settings`] at most every [`SETTINGS_CHECK_EVERY_MS`] (the sweeper calls it).
    pub async fn settings_tick(&self) -> DeskResult<()> {
        let now = self.now_ms();
        if now - self.settings_checked_at.load(Ordering::Relaxed) < SETTINGS_CHECK_EVERY_MS {
            return Ok(());
        }
        self.settings_checked_at.store(now, Ordering::Relaxed);
        self.reload_settings().await
    }

    /// The site, if the actor supervises or manages it (404 for a site the desk does not serve,
    /// 403 for one the actor does not supervise).
    fn settings_site(&self, actor: &AgentRow, key: &str) -> DeskResult<&LoadedSite> {
        let site = self.sites.get(key).ok_or_else(|| DeskError::unknown("site"))?;
        if is_supervisor(actor, site) {
            Ok(site)
        } else {
            Err(DeskError::refused(
                "not_supervisor",
                "only the site's supervisors and managers see its settings",
            ))
        }
    }

    /// [`Desk::settings_site`], for what only the site's managers change.
    fn managed_site(&self, actor: &AgentRow, key: &str) -> DeskResult<&LoadedSite> {
        let site = self.settings_site(actor, key)?;
        if is_manager(actor, site) {
            Ok(site)
        } else {
            Err(not_manager())
        }
    }

    fn settings_view(actor: &AgentRow, site: &LoadedSite) -> SiteSettings {
        let f = site.settings();
        let manager = is_manager(actor, site);
        let canned_departments = site
            .content
            .settings
            .departments
            .iter()
            .map(|d| d.id.clone())
            .filter(|d| manager || actor.departments.contains(d))
            .collect();
        SiteSettings {
            site: site.key.clone(),
            hours: f.hours_spec.clone(),
            sla: f.sla_targets(&site.content),
            canned: f.canned.clone(),
            retention_days: f.retention_days(),
            sources: f.sources.clone(),
            may: SettingsRights { hours_and_sla: manager, canned_departments },
        }
    }

    /// `GET /v1/agent/admin/sites/{key}/settings`.
    pub async fn site_settings(&self, actor: &AgentRow, key: &str) -> DeskResult<SiteSettings> {
        let site = self.settings_site(actor, key)?;
        self.reload_settings().await?;
        Ok(Self::settings_view(actor, site))
    }

    /// Applies `edit` to the section as stored now, by compare-and-swap; retried when another
    /// save of the section came first, so neither is lost.
    async fn save_section(
        &self,
        actor: &AgentRow,
        site: &LoadedSite,
        section: SettingsSection,
        edit: impl Fn(&InForce) -> DeskResult<Option<Edit>>,
    ) -> DeskResult<SiteSettings> {
        for _ in 0..SWAP_ATTEMPTS {
            self.reload_settings().await?;
            let current = site.settings();
            let Some(e) = edit(&current)? else { return Ok(Self::settings_view(actor, site)) };
            let expected = current.saved.get(&section).map(String::as_str);
            let now = self.now_ms();
            let row = e.body.map(|body| SettingRow {
                site_key: site.key.clone(),
                section: section.as_str().into(),
                body,
                updated_at: now,
                updated_by: actor.id,
            });
            if expected.is_none() && row.is_none() {
                return Ok(Self::settings_view(actor, site));
            }
            let audit = AdminAuditRow {
                id: 0,
                at: now,
                actor_id: actor.id,
                action: e.action.into(),
                target: e.target,
                old_value: e.old,
                new_value: e.new,
            };
            if self.db.swap_setting(&site.key, section.as_str(), expected, row.as_ref(), &audit).await? {
                self.reload_settings().await?;
                return Ok(Self::settings_view(actor, site));
            }
        }
        Err(DeskError::conflict("settings_busy", "the settings changed several times meanwhile; try again"))
    }

    /// `PUT /v1/agent/admin/sites/{key}/hours` (managers).
    pub async fn save_hours(
        &self,
        actor: &AgentRow,
        key: &str,
        req: HoursUpdate,
    ) -> DeskResult<SiteSettings> {
        let site = self.managed_site(actor, key)?;
        if let Some(spec) = &req.hours {
            BusinessHours::from_spec(spec).map_err(|e| DeskError::invalid("invalid_hours", e))?;
        }
        let body = json(&req.hours)?;
        self.save_section(actor, site, SettingsSection::Hours, |f| {
            Ok(Some(Edit {
                body: Some(body.clone()),
                action: "hours_changed",
                target: format!("site:{}", site.key),
                old: Some(json(&f.hours_spec)?),
                new: Some(body.clone()),
            }))
        })
        .await
    }

    /// `PUT /v1/agent/admin/sites/{key}/sla` (managers).
    pub async fn save_sla(&self, actor: &AgentRow, key: &str, req: SlaUpdate) -> DeskResult<SiteSettings> {
        let site = self.managed_site(actor, key)?;
        check_sla(&site.content, &req.targets).map_err(|e| DeskError::invalid("invalid_sla", e))?;
        let body = json(&req.targets)?;
        self.save_section(actor, site, SettingsSection::Sla, |f| {
            Ok(Some(Edit {
                body: Some(body.clone()),
                action: "sla_changed",
                target: format!("site:{}", site.key),
                old: Some(json(&f.sla_targets(&site.content))?),
                new: Some(body.clone()),
            }))
        })
        .await
    }

    /// `PUT /v1/agent/admin/sites/{key}/retention` (managers).
    pub async fn save_retention(
        &self,
        actor: &AgentRow,
        key: &str,
        req: RetentionUpdate,
    ) -> DeskResult<SiteSettings> {
        let site = self.managed_site(actor, key)?;
        check_retention(req.retention_days).map_err(|e| DeskError::invalid("invalid_retention", e))?;
        let body = json(&req.retention_days)?;
        self.save_section(actor, site, SettingsSection::Retention, |f| {
            Ok(Some(Edit {
                body: Some(body.clone()),
                action: "retention_changed",
                target: format!("site:{}", site.key),
                old: Some(json(&f.retention_days())?),
                new: Some(body.clone()),
            }))
        })
        .await
    }

    /// May the actor change canned responses of `department`? Managers every department,
    /// supervisors their own.
    fn check_canned_rights(actor: &AgentRow, site: &LoadedSite, department: &str) -> DeskResult<()> {
        if is_manager(actor, site) || actor.departments.iter().any(|d| d == department) {
            Ok(())
        } else {
            Err(DeskError::refused(
                "not_your_department",
                "supervisors change the canned responses of their own departments only",
            ))
        }
    }

    /// `PUT /v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}`: creates or replaces.
    pub async fn save_canned(
        &self,
        actor: &AgentRow,
        key: &str,
        (department, locale, id): (String, String, String),
        req: CannedText,
    ) -> DeskResult<SiteSettings> {
        let site = self.settings_site(actor, key)?;
        Self::check_canned_rights(actor, site, &department)?;
        let wanted = CannedResponse { id, department, locale, title: req.title, text: req.text };
        check_canned(&site.content, &wanted).map_err(|e| DeskError::invalid("invalid_canned", e))?;
        self.save_section(actor, site, SettingsSection::Canned, |f| {
            let same = |c: &CannedResponse| {
                c.id == wanted.id && c.department == wanted.department && c.locale == wanted.locale
            };
            let old = f.canned.iter().find(|c| same(c));
            if old == Some(&wanted) {
                return Ok(None);
            }
            if old.is_none() && f.canned.len() >= MAX_CANNED {
                return Err(DeskError::invalid(
                    "too_many_canned",
                    format!("a site keeps at most {MAX_CANNED} canned responses"),
                ));
            }
            let mut all: Vec<CannedResponse> = f.canned.iter().filter(|c| !same(c)).cloned().collect();
            all.push(wanted.clone());
            all.sort_by(|a, b| (&a.department, &a.locale, &a.id).cmp(&(&b.department, &b.locale, &b.id)));
            Ok(Some(Edit {
                body: Some(json(&all)?),
                action: "canned_saved",
                target: format!("canned:{}/{}", site.key, canned_key(&wanted)),
                old: old.map(json).transpose()?,
                new: Some(json(&wanted)?),
            }))
        })
        .await
    }

    /// `DELETE /v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}`.
    pub async fn delete_canned(
        &self,
        actor: &AgentRow,
        key: &str,
        (department, locale, id): (String, String, String),
    ) -> DeskResult<SiteSettings> {
        let site = self.settings_site(actor, key)?;
        Self::check_canned_rights(actor, site, &department)?;
        self.save_section(actor, site, SettingsSection::Canned, |f| {
            let same = |c: &CannedResponse| c.id == id && c.department == department && c.locale == locale;
            let Some(old) = f.canned.iter().find(|c| same(c)) else {
                return Err(DeskError::unknown("canned response"));
            };
            let rest: Vec<CannedResponse> = f.canned.iter().filter(|c| !same(c)).cloned().collect();
            Ok(Some(Edit {
                body: Some(json(&rest)?),
                action: "canned_deleted",
                target: format!("canned:{}/{}", site.key, canned_key(old)),
                old: Some(json(old)?),
                new: None,
            }))
        })
        .await
    }

    /// `DELETE /v1/agent/admin/sites/{key}/settings/{section}` (managers): the config file's
    /// section is in force again.
    pub async fn revert_settings(
        &self,
        actor: &AgentRow,
        key: &str,
        section: &str,
    ) -> DeskResult<SiteSettings> {
        let site = self.settings_site(actor, key)?;
        let section =
            SettingsSection::parse(section).ok_or_else(|| DeskError::unknown("settings section"))?;
        if !is_manager(actor, site) {
            return Err(not_manager());
        }
        let file = InForce::from_file(&site.config);
        let as_json = |f: &InForce| -> DeskResult<String> {
            match section {
                SettingsSection::Hours => json(&f.hours_spec),
                SettingsSection::Sla => json(&f.sla_targets(&site.content)),
                SettingsSection::Canned => json(&f.canned),
                SettingsSection::Retention => json(&f.retention_days()),
            }
        };
        let new = as_json(&file)?;
        self.save_section(actor, site, section, |f| {
            if !f.saved.contains_key(&section) {
                return Ok(None);
            }
            Ok(Some(Edit {
                body: None,
                action: "settings_reverted",
                target: format!("site:{}/{}", site.key, section.as_str()),
                old: Some(as_json(f)?),
                new: Some(new.clone()),
            }))
        })
        .await
    }
}
