//! Data protection per site (issue 20): what a manager asks about one customer, and what the
//! desk answers. The export carries everything stored about the customer; the erasure report
//! only how much was erased, never what.

use crate::v1::{Customer, HandoffRequest, Message};
use crate::TranscriptEntry;
use serde::{Deserialize, Serialize};

/// `POST /v1/agent/privacy/export` and `.../erase`: one customer of one site, named by exactly
/// one of a verified user id, an (unverified) visitor id or an e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivacyRequest {
    pub site_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Everything stored about one customer of a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerExport {
    pub site_key: String,
    /// RFC 3339, when the export was made.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub exported_at: String,
    pub conversations: Vec<ExportedConversation>,
    pub tickets: Vec<ExportedTicket>,
    pub mail: Vec<ExportedMail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedConversation {
    pub conversation_id: String,
    pub status: crate::v1::ConversationStatus,
    pub locale: String,
    pub page_url: Option<String>,
    pub visitor_id: Option<String>,
    /// The identity the host site gave (name, e-mail, user id, attributes).
    pub customer: Option<Customer>,
    pub department: Option<String>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    /// The stored handoff as the bot sent it (transcript, slots, detail), or null.
    pub handoff: Option<HandoffRequest>,
    pub messages: Vec<Message>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedTicket {
    pub id: i64,
    pub conversation_id: Option<String>,
    pub name: String,
    pub email: String,
    pub message: String,
    /// The transcript stored with the ticket.
    pub transcript: Vec<TranscriptEntry>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub created_at: String,
}

/// A mail the desk queued or sent to the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedMail {
    pub id: i64,
    pub kind: String,
    pub rcpt: String,
    pub subject: String,
    pub text_body: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// What `POST /v1/agent/privacy/erase` did: counts only (the audit line says as much).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureReport {
    pub site_key: String,
    pub conversations: u64,
    pub messages: u64,
    pub tickets: u64,
    pub mail: u64,
    /// The agent who asked.
    pub erased_by: i64,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub erased_at: String,
}
