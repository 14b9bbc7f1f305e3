//! Who gets a conversation: pure functions, so that the rules are tested without a server.

/// An agent as routing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    pub id: i64,
    pub online: bool,
    pub departments: &'a [String],
    /// Position of the agent's tier on the site's ladder (`None`: not on this site's ladder).
    pub level: Option<usize>,
    pub active: u32,
    pub capacity: u32,
}

impl Candidate<'_> {
    /// Skill and authority: the right department and at or above the conversation's tier.
    pub fn capable(&self, department: &str, level: usize) -> bool {
        self.departments.iter().any(|d| d == department) && self.level.is_some_and(|l| l >= level)
    }

    pub fn free(&self) -> bool {
        self.active < self.capacity
    }
}

/// The least-loaded online, capable agent with free capacity. Load is the share of capacity in
/// use (so a 1-of-5 agent beats a 1-of-2 agent); ties go to the lower tier (keeping seniors free
/// for escalations), then to the lowest id so the choice is deterministic.
pub fn pick(candidates: &[Candidate<'_>], department: &str, level: usize) -> Option<i64> {
    candidates
        .iter()
        .filter(|c| c.online && c.capable(department, level) && c.free())
        .min_by(|a, b| {
            // Compare active/capacity as fractions without floats: a.active * b.cap vs b.active * a.cap.
            let la = u64::from(a.active) * u64::from(b.capacity);
            let lb = u64::from(b.active) * u64::from(a.capacity);
            la.cmp(&lb).then(a.level.cmp(&b.level)).then(a.id.cmp(&b.id))
        })
        .map(|c| c.id)
}

/// Online agents who could take the conversation (whether or not they have capacity now).
pub fn online_capable(candidates: &[Candidate<'_>], department: &str, level: usize) -> u32 {
    let n = candidates.iter().filter(|c| c.online && c.capable(department, level)).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Estimated wait for the `position`th conversation in a queue served by `agents` people who
/// each need `avg_handle_secs` per conversation.
pub fn estimated_wait_secs(position: u32, avg_handle_secs: u64, agents: u32) -> u64 {
    u64::from(position).saturating_mul(avg_handle_secs) / u64::from(agents.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, deps: &'static [String], level: usize, active: u32, capacity: u32) -> Candidate<'static> {
        Candidate { id, online: true, departments: deps, level: Some(level), active, capacity }
    }

    fn deps(names: &[&str]) -> &'static [String] {
        Box::leak(names.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_boxed_slice())
    }

    #[test]
    fn least_loaded_wins() {
        let orders = deps(&["orders"]);
        let cands = [c(1, orders, 1, 2, 3), c(2, orders, 1, 0, 3), c(3, orders, 1, 1, 3)];
        assert_eq!(pick(&cands, "orders", 1), Some(2));
        // Load is relative to capacity: 1 of 5 beats 1 of 2.
        let cands = [c(1, orders, 1, 1, 2), c(2, orders, 1, 1, 5)];
        assert_eq!(pick(&cands, "orders", 1), Some(2));
    }

    #[test]
    fn tier_filter_lets_only_equal_or_higher_tiers_take_it() {
        let orders = deps(&["orders"]);
        let cands = [c(1, orders, 1, 0, 3), c(2, orders, 2, 1, 3)];
        assert_eq!(pick(&cands, "orders", 2), Some(2), "the agent-tier person cannot take supervisor work");
        assert_eq!(pick(&cands, "orders", 3), None);
        let mut off_ladder = c(3, orders, 1, 0, 3);
        off_ladder.level = None;
        assert_eq!(pick(&[off_ladder], "orders", 1), None);
        // On a tie, the lower tier takes it.
        let cands = [c(1, orders, 3, 0, 3), c(2, orders, 1, 0, 3)];
        assert_eq!(pick(&cands, "orders", 1), Some(2));
    }

    #[test]
    fn department_presence_and_capacity_filter() {
        let orders = deps(&["orders"]);
        let both = deps(&["billing", "orders"]);
        let mut away = c(1, both, 1, 0, 3);
        away.online = false;
        let full = c(2, orders, 1, 3, 3);
        let billing_only = c(3, deps(&["billing"]), 1, 0, 3);
        let cands = [away, full, billing_only];
        assert_eq!(pick(&cands, "orders", 1), None);
        assert_eq!(online_capable(&cands, "orders", 1), 1, "the full agent is online and capable");
        assert_eq!(pick(&cands, "billing", 1), Some(3));
        let zero = c(4, orders, 1, 0, 0);
        assert_eq!(pick(&[zero], "orders", 1), None, "capacity 0 takes nothing");
    }

    #[test]
    fn wait_estimate_scales_with_position_and_agents() {
        assert_eq!(estimated_wait_secs(3, 300, 2), 450);
        assert_eq!(estimated_wait_secs(1, 300, 0), 300, "no agents counts as one");
        assert_eq!(estimated_wait_secs(u32::MAX, u64::MAX, 1), u64::MAX);
    }
}
