//! Data protection per site (issue 20), the console's side: which customer a manager asks
//! about (one selector of three), what an export holds in figures, and the file it downloads
//! as. The desk decides who may ask and what an erasure does.

use handoff_protocol::privacy::{CustomerExport, PrivacyRequest};

/// How the customer is named: exactly one of these goes to the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selector {
    /// A user id the site's server signed (a verified identity).
    #[default]
    UserId,
    /// The widget's visitor id (unverified visitors).
    VisitorId,
    Email,
}

impl Selector {
    pub const ALL: [Selector; 3] = [Selector::UserId, Selector::VisitorId, Selector::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Selector::UserId => "user_id",
            Selector::VisitorId => "visitor_id",
            Selector::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Selector> {
        Selector::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The request for one customer of `site`; `None` while the value is blank.
pub fn request(site: &str, by: Selector, value: &str) -> Option<PrivacyRequest> {
    let value = value.trim();
    if value.is_empty() || site.is_empty() {
        return None;
    }
    let mut r = PrivacyRequest { site_key: site.to_string(), ..PrivacyRequest::default() };
    let v = Some(value.to_string());
    match by {
        Selector::UserId => r.user_id = v,
        Selector::VisitorId => r.visitor_id = v,
        Selector::Email => r.email = v,
    }
    Some(r)
}

/// What an export holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub conversations: usize,
    pub messages: usize,
    pub tickets: usize,
    pub mail: usize,
}

impl Summary {
    pub fn of(e: &CustomerExport) -> Summary {
        Summary {
            conversations: e.conversations.len(),
            messages: e.conversations.iter().map(|c| c.messages.len()).sum(),
            tickets: e.tickets.len(),
            mail: e.mail.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Summary::default()
    }
}

/// `customer-export-<site>.json`, the site key kept to characters every file system takes.
pub fn file_name(site: &str) -> String {
    let safe: String = site
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' { ch } else { '_' })
        .collect();
    format!("customer-export-{safe}.json")
}

/// The export as the file the manager downloads: the desk's JSON, indented.
pub fn file_text(e: &CustomerExport) -> String {
    serde_json::to_string_pretty(e).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_protocol::privacy::ExportedConversation;
    use handoff_protocol::v1::ConversationStatus;

    #[test]
    fn one_selector_trimmed_and_nothing_while_blank() {
        let r = request("demo", Selector::Email, "  ana@example.com ").expect("request");
        assert_eq!(r.email.as_deref(), Some("ana@example.com"));
        assert_eq!((r.user_id, r.visitor_id), (None, None));
        let json =
            serde_json::to_value(request("demo", Selector::VisitorId, "v-1").expect("r")).expect("json");
        assert_eq!(json, serde_json::json!({"site_key": "demo", "visitor_id": "v-1"}));
        assert_eq!(request("demo", Selector::UserId, "   "), None);
        assert_eq!(request("", Selector::UserId, "u"), None);
        for s in Selector::ALL {
            assert_eq!(Selector::parse(s.as_str()), Some(s));
        }
        assert_eq!(Selector::parse("name"), None);
    }

    #[test]
    fn counts_and_file_name() {
        let conv = |n: usize| ExportedConversation {
            conversation_id: format!("c{n}"),
            status: ConversationStatus::Resolved,
            locale: "de".into(),
            page_url: None,
            visitor_id: Some("v".into()),
            customer: None,
            department: None,
            rating: None,
            rating_comment: None,
            handoff: None,
            messages: vec![],
            created_at: String::new(),
            updated_at: String::new(),
        };
        let e = CustomerExport {
            site_key: "demo".into(),
            exported_at: String::new(),
            conversations: vec![conv(1), conv(2)],
            tickets: vec![],
            mail: vec![],
        };
        let s = Summary::of(&e);
        assert_eq!((s.conversations, s.messages, s.tickets, s.mail), (2, 0, 0, 0));
        assert!(!s.is_empty());
        assert!(file_text(&e).contains("\"conversation_id\": \"c2\""));
        assert_eq!(file_name("demo"), "customer-export-demo.json");
        assert_eq!(file_name("a/b c"), "customer-export-a_b_c.json");
    }
}
