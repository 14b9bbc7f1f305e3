//! Containment: what the bot and the portal resolved without a person.

use super::{ratio, Conv, HANDOFF_REASONS};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Containment {
    /// Conversations started in the period (after the filter).
    pub started: u64,
    /// Of those, conversations with at least one handoff (even one answered offline).
    pub handed_off: u64,
    /// `started - handed_off`: never handed to a person.
    pub contained: u64,
    /// `handed_off / started`; `None` without conversations.
    pub handoff_rate: Option<f64>,
    /// `contained / started`; `None` without conversations.
    pub containment_rate: Option<f64>,
    /// Handoff requests (audit rows `handoff`; a conversation handed off again after a hand-back
    /// or an offline answer counts again).
    pub handoffs: u64,
    /// `handoffs` by the bot's reason; the five protocol reasons are always present.
    pub handoffs_by_reason: BTreeMap<String, u64>,
    /// Handoff requests answered `offline` (audit rows `offline`).
    pub offline: u64,
    /// Hand-backs to the bot (audit rows `hand_back`).
    pub handed_back: u64,
}

pub(crate) fn containment(convs: &[Conv<'_>]) -> Containment {
    let mut c = Containment {
        handoffs_by_reason: HANDOFF_REASONS.iter().map(|r| (r.to_string(), 0)).collect(),
        ..Containment::default()
    };
    for conv in convs {
        c.started += 1;
        let mut any = false;
        for a in &conv.audit {
            match a.kind.as_str() {
                "handoff" => {
                    any = true;
                    c.handoffs += 1;
                    *c.handoffs_by_reason.entry(a.reason.clone()).or_default() += 1;
                }
                "offline" => c.offline += 1,
                "hand_back" => c.handed_back += 1,
                _ => {}
            }
        }
        c.handed_off += u64::from(any);
    }
    c.contained = c.started - c.handed_off;
    c.handoff_rate = ratio(c.handed_off, c.started);
    c.containment_rate = ratio(c.contained, c.started);
    c
}
