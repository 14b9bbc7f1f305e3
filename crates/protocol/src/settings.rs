//! A site's settings that managers change in the console without a restart (issue 20):
//! business hours and holidays, SLA targets per priority, canned responses per department and
//! locale. The desk's config file seeds each section; once a manager saves a section here, the
//! database's copy wins until it is reverted (docs/operations.md, "Settings").

use crate::v1::CannedResponse;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /v1/agent/admin/sites/{key}/settings`: what is in force now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSettings {
    pub site: String,
    /// `None`: the team takes chats around the clock.
    pub hours: Option<HoursSpec>,
    /// Every priority of the site, lowest first, with the targets in force.
    pub sla: Vec<SlaTarget>,
    /// Every canned response of the site (all departments and locales).
    pub canned: Vec<CannedResponse>,
    /// Days resolved conversations and answered tickets are kept after their last change;
    /// `None`: kept until erased (docs/privacy.md).
    pub retention_days: Option<u32>,
    /// Where each section comes from.
    pub sources: SettingsSources,
    /// What the caller may change.
    pub may: SettingsRights,
}

/// Business hours as the config file writes them: a time zone, spans per weekday, holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HoursSpec {
    /// An IANA time zone, e.g. `Europe/Berlin`.
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub time_zone: String,
    /// `mon` .. `sun` -> spans `"HH:MM-HH:MM"` (an end at or before the start runs past
    /// midnight). A weekday not listed is closed.
    #[serde(default)]
    pub days: BTreeMap<String, Vec<String>>,
    /// Local dates `YYYY-MM-DD` on which no shift starts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 400))]
    pub holidays: Vec<String>,
}

/// The targets of one priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub priority: String,
    /// Seconds from handoff to an agent's first answer.
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 31622400))]
    pub first_response_secs: f64,
    /// Seconds from handoff to resolution.
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 31622400))]
    pub resolution_secs: f64,
}

/// Where a section in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    /// The desk's config file (or the desk's default).
    File,
    /// Saved in the console; it wins over the file until reverted.
    Console,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsSources {
    pub hours: SettingSource,
    pub sla: SettingSource,
    pub canned: SettingSource,
    pub retention: SettingSource,
}

/// What the caller may change: managers everything, supervisors the canned responses of their
/// own departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsRights {
    /// Business hours, SLA targets and the retention period (managers).
    pub hours_and_sla: bool,
    pub canned_departments: Vec<String>,
}

/// `PUT /v1/agent/admin/sites/{key}/hours`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HoursUpdate {
    /// `null`: open around the clock. Required: an empty body must not turn the hours off.
    #[serde(deserialize_with = "Option::deserialize")]
    pub hours: Option<HoursSpec>,
}

/// `PUT /v1/agent/admin/sites/{key}/sla`: the targets of the priorities listed; a priority not
/// listed gets the desk's default (5 minutes to a first answer, 24 hours to resolution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaUpdate {
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub targets: Vec<SlaTarget>,
}

/// `PUT /v1/agent/admin/sites/{key}/retention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetentionUpdate {
    /// 1 to 3,650 days; `null`: keep until erased. Required, like the hours.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub retention_days: Option<u32>,
}

/// `PUT /v1/agent/admin/sites/{key}/canned/{department}/{locale}/{id}`: creates or replaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CannedText {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub text: String,
}

/// The sections of [`SiteSettings`] a manager can revert to the config file
/// (`DELETE /v1/agent/admin/sites/{key}/settings/{section}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SettingsSection {
    Hours,
    Sla,
    Canned,
    Retention,
}

impl SettingsSection {
    pub const ALL: [SettingsSection; 4] =
        [SettingsSection::Hours, SettingsSection::Sla, SettingsSection::Canned, SettingsSection::Retention];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingsSection::Hours => "hours",
            SettingsSection::Sla => "sla",
            SettingsSection::Canned => "canned",
            SettingsSection::Retention => "retention",
        }
    }

    pub fn parse(s: &str) -> Option<SettingsSection> {
        SettingsSection::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_as_text_and_json() {
        for s in SettingsSection::ALL {
            assert_eq!(SettingsSection::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(SettingsSection::parse("agents"), None);
    }

    #[test]
    fn hours_read_like_the_config_file() {
        let h: HoursSpec = serde_json::from_str(
            r#"{"time_zone":"Europe/Prague","days":{"mon":["09:00-17:00"]},"holidays":["2026-12-24"]}"#,
        )
        .unwrap();
        assert_eq!(h.days["mon"], vec!["09:00-17:00".to_string()]);
        assert!(serde_json::from_str::<HoursSpec>(r#"{"time_zone":"UTC","open":true}"#).is_err());
    }
}
