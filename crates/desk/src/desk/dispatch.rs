//! Matching queued work to people: after every change that can free or add capacity (handoff,
//! an agent coming online, a resolve, a transfer, an escalation, the sweeper), the queue is
//! walked in priority order and each conversation goes to the least-loaded capable agent. What
//! stays queued learns its new position.

use super::{candidates, Change, Desk};
use crate::desk::error::DeskResult;
use crate::routing;
use handoff_protocol::v1::{AgentEvent, ConversationStatus, CustomerEvent};
use std::cmp::Reverse;
use std::collections::HashMap;

impl Desk {
    /// Call with the write lock held.
    pub(crate) async fn dispatch(&self) -> DeskResult<()> {
        let mut queued = self.db.conversations_with_status(ConversationStatus::Queued).await?;
        if queued.is_empty() {
            return Ok(());
        }
        let agents = self.db.agents().await?;
        let mut loads = self.db.active_counts().await?;
        queued.sort_by_key(|c| {
            let rank =
                self.sites.get(&c.site_key).map(|s| s.priority_rank(c.priority.as_deref().unwrap_or("")));
            (Reverse(rank), c.queued_at, c.id.clone())
        });
        let mut positions: HashMap<(String, String, String), u32> = HashMap::new();
        for conv in queued {
            let Some(site) = self.sites.get(&conv.site_key) else { continue };
            let (Some(dep), Some(tier)) = (conv.department.clone(), conv.tier.clone()) else { continue };
            let level = site.tier_level(&tier).unwrap_or(usize::MAX);
            let cands = candidates(&agents, &loads, site);
            if let Some(agent) =
                routing::pick(&cands, &dep, level).and_then(|id| agents.iter().find(|a| a.id == id))
            {
                let mut ch = Change::new(site, conv, self.now_ms());
                ch.assign(agent, "auto");
                self.apply(ch).await?;
                *loads.entry(agent.id).or_default() += 1;
                continue;
            }
            let slot = positions.entry((site.key.clone(), dep.clone(), tier.clone())).or_default();
            *slot += 1;
            let position = *slot;
            if conv.queue_position == Some(i64::from(position)) {
                continue;
            }
            let newly_queued = conv.queue_position.is_none();
            let online = routing::online_capable(&cands, &dep, level);
            let wait = routing::estimated_wait_secs(position, site.config.avg_handle.as_secs(), online);
            let mut ch = Change::new(site, conv, self.now_ms());
            ch.conv.queue_position = Some(i64::from(position));
            ch.event(&CustomerEvent::HandoffStatus {
                status: "queued".into(),
                position: Some(position),
                estimated_wait_secs: Some(wait),
                reason: None,
            });
            if newly_queued {
                // Tell everyone who could take it that there is new work.
                for c in cands.iter().filter(|c| c.online && c.capable(&dep, level)) {
                    ch.notify(
                        c.id,
                        AgentEvent::QueueNew {
                            conversation_id: ch.conv.id.clone(),
                            department: dep.clone(),
                            tier: tier.clone(),
                            priority: ch.conv.priority.clone().unwrap_or_default(),
                        },
                    );
                }
            }
            self.apply(ch).await?;
        }
        Ok(())
    }
}
