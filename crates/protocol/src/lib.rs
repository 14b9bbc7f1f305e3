//! Wire types of the Handoff protocol.
//!
//! Everything here is plain data with serde derives: the bot produces a [`Handoff`] when it
//! decides a human must take over, the widget sends it to the desk, and the desk and console
//! read it. Identifiers (departments, tiers, priorities, intents) are the site's own strings,
//! as written in its `site.toml`, so that a site can name its own escalation ladder.

pub mod admin;
pub mod insights;
pub mod kinds;
pub mod lite;
pub mod privacy;
pub mod settings;
pub mod typing;
pub mod v1;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why the bot handed a conversation to a human. Recorded by name for escalation analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    /// The customer asked for a person.
    Explicit,
    /// The bot did not understand several messages in a row.
    Fallback,
    /// The customer showed signs of frustration (shouting, repetition, angry words).
    Frustration,
    /// A content rule says this request needs a person.
    Rule,
    /// The customer said a help article did not help and asked for more.
    ArticleUnhelpful,
}

impl HandoffReason {
    pub const ALL: [HandoffReason; 5] = [
        HandoffReason::Explicit,
        HandoffReason::Fallback,
        HandoffReason::Frustration,
        HandoffReason::Rule,
        HandoffReason::ArticleUnhelpful,
    ];

    /// The name used on the wire and in content files.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffReason::Explicit => "explicit",
            HandoffReason::Fallback => "fallback",
            HandoffReason::Frustration => "frustration",
            HandoffReason::Rule => "rule",
            HandoffReason::ArticleUnhelpful => "article_unhelpful",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Who wrote a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Bot,
    Agent,
    System,
}

/// One line of the conversation as the customer saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptEntry {
    pub role: Role,
    pub text: String,
    /// The intent the bot recognised in a customer message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
}

/// An intent the bot recognised during the conversation, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentHit {
    pub intent: String,
    pub confidence: f32,
    /// Index of the customer message (0-based) in which it was recognised.
    pub turn: u32,
}

/// Everything an agent needs to take over without asking the customer to repeat themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handoff {
    pub reason: HandoffReason,
    /// A plain explanation for the agent (for `rule`, the rule's own note).
    pub detail: String,
    /// Functional target: the department that has the skill.
    pub department: String,
    /// Hierarchical target: the tier on the site's ladder (e.g. "agent").
    pub tier: String,
    pub priority: String,
    pub locale: String,
    pub transcript: Vec<TranscriptEntry>,
    pub intents: Vec<IntentHit>,
    pub slots: BTreeMap<String, String>,
    /// The help article the customer came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// The page the widget was on (filled in by the widget, not the bot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_by_name() {
        for r in HandoffReason::ALL {
            assert_eq!(HandoffReason::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(HandoffReason::parse("bored"), None);
    }

    #[test]
    fn handoff_serialises_with_snake_case_names() {
        let h = Handoff {
            reason: HandoffReason::ArticleUnhelpful,
            detail: "article did not help".into(),
            department: "orders".into(),
            tier: "agent".into(),
            priority: "normal".into(),
            locale: "de".into(),
            transcript: vec![TranscriptEntry { role: Role::Customer, text: "Hallo".into(), intent: None }],
            intents: vec![],
            slots: BTreeMap::new(),
            article: Some("track-order".into()),
            page_url: None,
        };
        let v: serde_json::Value = serde_json::to_value(&h).unwrap();
        assert_eq!(v["reason"], "article_unhelpful");
        assert_eq!(v["transcript"][0]["role"], "customer");
        assert!(v.get("page_url").is_none());
        let back: Handoff = serde_json::from_value(v).unwrap();
        assert_eq!(back, h);
    }
}
