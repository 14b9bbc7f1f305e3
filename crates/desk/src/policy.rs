//! What a handoff may ask for. The bot runs in the customer's browser, so the tier and priority
//! of a handoff request are only hints: the desk accepts from them exactly what an honest
//! conversation with the site's bot could have produced (the rules in the site's content), and
//! nothing more. A crafted request thus gains nothing a customer could not get by typing.
//!
//! - Tier: the site's first human tier, unless the request is a `rule` handoff to a tier that one
//!   of the site's intents hands this department to (`[intent.handoff] tier = ...`).
//! - Priority: at most the highest the site's rules give this department (its intents'
//!   `priority`, else the site's `default_priority`), one level more when the customer is upset
//!   (`frustration`, as the bot does); a lower priority asked for is kept.

use handoff_bot::Site;
use handoff_protocol::HandoffReason;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoffPolicy {
    first_tier: String,
    /// Priorities, lowest first.
    priorities: Vec<String>,
    /// Per department, the index in `priorities` of the highest its rules give.
    ceiling: HashMap<String, usize>,
    default_rank: usize,
    /// `(department, tier)` pairs some intent's handoff rule names.
    rule_tiers: HashSet<(String, String)>,
}

impl HandoffPolicy {
    pub fn new(site: &Site) -> HandoffPolicy {
        let s = &site.settings;
        let rank = |p: &str| s.site.priorities.iter().position(|x| x == p);
        let default_rank = rank(&s.site.default_priority).unwrap_or(0);
        let mut ceiling: HashMap<String, usize> = HashMap::new();
        let mut rule_tiers = HashSet::new();
        for i in &site.intents {
            let priority = i.priority.as_deref().and_then(rank).unwrap_or(default_rank);
            // The bot gives the intent's priority whether the handoff goes to the intent's own
            // department or to the one its rule names.
            let rule_department = i.handoff.as_ref().and_then(|h| h.department.clone());
            for d in std::iter::once(i.department.clone()).chain(rule_department.clone()) {
                let c = ceiling.entry(d).or_insert(default_rank);
                *c = (*c).max(priority);
            }
            // The lowest rung is the bot itself: a handoff always goes to a person.
            let tier = i.handoff.as_ref().and_then(|h| h.tier.clone());
            if let Some(tier) = tier.filter(|t| s.tiers.first().is_none_or(|bot| bot.id != *t)) {
                rule_tiers.insert((rule_department.unwrap_or_else(|| i.department.clone()), tier));
            }
        }
        HandoffPolicy {
            first_tier: s.handoff.first_tier.clone(),
            priorities: s.site.priorities.clone(),
            ceiling,
            default_rank,
            rule_tiers,
        }
    }

    /// The tier the desk routes a handoff to.
    pub fn tier(&self, department: &str, reason: HandoffReason, asked: &str) -> String {
        let allowed = reason == HandoffReason::Rule
            && self.rule_tiers.contains(&(department.to_string(), asked.to_string()));
        if allowed {
            asked.to_string()
        } else {
            self.first_tier.clone()
        }
    }

    /// The priority the desk gives a handoff (`asked` must be one of the site's priorities).
    pub fn priority(&self, department: &str, reason: HandoffReason, asked: &str) -> String {
        let mut max = self.ceiling.get(department).copied().unwrap_or(self.default_rank);
        if reason == HandoffReason::Frustration {
            max = (max + 1).min(self.priorities.len().saturating_sub(1));
        }
        let asked_rank = self.priorities.iter().position(|p| p == asked).unwrap_or(self.default_rank);
        self.priorities.get(asked_rank.min(max)).cloned().unwrap_or_else(|| asked.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Site {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
        let files = handoff_bot::fs::read_folder(&dir).expect("demo content");
        handoff_bot::load::load(&files).expect("demo loads")
    }

    #[test]
    fn the_tier_is_the_first_unless_a_rule_of_the_site_names_it() {
        let p = HandoffPolicy::new(&demo());
        assert_eq!(p.tier("orders", HandoffReason::Explicit, "manager"), "agent");
        assert_eq!(p.tier("orders", HandoffReason::Rule, "manager"), "agent", "no rule hands to a manager");
        // general.toml: the complaint intent (orders) hands off to a supervisor.
        assert_eq!(p.tier("orders", HandoffReason::Rule, "supervisor"), "supervisor");
        assert_eq!(p.tier("orders", HandoffReason::Explicit, "supervisor"), "agent");
        assert_eq!(p.tier("technical", HandoffReason::Rule, "supervisor"), "agent");
        assert_eq!(p.tier("orders", HandoffReason::Fallback, "bot"), "agent");
    }

    #[test]
    fn the_priority_is_bounded_by_the_departments_rules() {
        let p = HandoffPolicy::new(&demo());
        assert_eq!(p.priority("orders", HandoffReason::Explicit, "urgent"), "high");
        assert_eq!(p.priority("orders", HandoffReason::Frustration, "urgent"), "urgent");
        assert_eq!(p.priority("technical", HandoffReason::Explicit, "urgent"), "normal");
        assert_eq!(p.priority("technical", HandoffReason::Frustration, "urgent"), "high");
        assert_eq!(p.priority("orders", HandoffReason::Explicit, "low"), "low", "lower is kept");
        assert_eq!(p.priority("nowhere", HandoffReason::Explicit, "urgent"), "normal");
    }
}
