//! The closed sets of names the desk writes and clients branch on: one enum each, so a new kind
//! is added in one place and a misspelled one does not compile. Each is written on the wire
//! (and stored) as its snake_case name.

use serde::{Deserialize, Serialize};

/// An enum whose variants are written as fixed names: `as_str`, `parse` and `ALL`.
macro_rules! named {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named! {
    /// What a row of a conversation's escalation audit trail records.
    pub enum AuditKind {
        Handoff => "handoff",
        Queued => "queued",
        Assignment => "assignment",
        /// The agent lost it (timeout, escalation, transfer, deactivation).
        AssignmentLost => "assignment_lost",
        /// Sideways: another department.
        Transfer => "transfer",
        /// Upwards: the next tier.
        Escalation => "escalation",
        SlaBreach => "sla_breach",
        /// Back to the bot (by the agent, or the customer cancelling).
        HandBack => "hand_back",
        Resolution => "resolution",
        /// Nobody could take it: a ticket instead.
        Offline => "offline",
        Rating => "rating",
        /// The customer's data was erased (never what).
        Erasure => "erasure",
    }
}

named! {
    /// Where an offline ticket stands.
    #[derive(Default)]
    pub enum TicketStatus {
        #[default]
        Open => "open",
        Answered => "answered",
    }
}

named! {
    /// Why an agent lost a conversation (`assignment.lost`).
    pub enum LostReason {
        /// No first answer within the SLA: it went up the ladder.
        FirstResponseTimeout => "first_response_timeout",
        Escalated => "escalated",
        Transferred => "transferred",
        /// A supervisor gave it to someone else.
        Reassigned => "reassigned",
        /// The agent was deactivated.
        Deactivated => "deactivated",
        /// Handed off again (a new handoff of the same conversation).
        Handoff => "handoff",
        /// The customer answered a mailed reply: back to the queue for whoever is free.
        MailReply => "mail_reply",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_as_text_and_json() {
        for k in AuditKind::ALL {
            assert_eq!(AuditKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{k}\""));
        }
        for s in TicketStatus::ALL {
            assert_eq!(serde_json::from_str::<TicketStatus>(&format!("\"{s}\"")).unwrap(), *s);
        }
        for r in LostReason::ALL {
            assert_eq!(LostReason::parse(r.as_str()), Some(*r));
        }
        assert_eq!(AuditKind::parse("escalated"), None);
    }
}
