//! Every field of every request body, bounded in one place (docs/security.md, "Limits on every
//! input"). [`crate::extract::JsonBody`] runs [`Bounded::bound`] before a handler sees a body,
//! so no route can forget it; each impl destructures its type without `..`, so a field added to
//! a request type does not compile until it has a limit here.
//!
//! Lengths count characters, not bytes. Free text (messages, notes, names, transcript lines) is
//! also made safe to show here: its bidi controls are balanced ([`crate::bidi`]). A field over
//! its limit answers 422 naming the field: `too_long`, `too_many` or `invalid_number`.

use crate::bidi;
use crate::config::Limits;
use crate::error::{ApiError, ApiResult};
use handoff_protocol::admin::{AgentUpdate, NewAgent, PasswordChange};
use handoff_protocol::settings::{CannedText, HoursSpec, HoursUpdate, RetentionUpdate, SlaTarget, SlaUpdate};
use handoff_protocol::v1::{
    AgentPreferences, AgentText, Attribute, CancelHandoff, HandoffRequest, Identify, Login, Note,
    PostMessage, Rating, Reassign, SetPresence, StartConversation, TicketRequest, TranscriptRequest,
    Transfer, Typing,
};
use handoff_protocol::{IntentHit, TranscriptEntry};
use std::collections::BTreeMap;

/// Ids and names: client ids, visitor ids, user ids, display names, site keys, departments,
/// tiers, priorities, locales, intent and slot names, article ids.
pub const MAX_SHORT: usize = 200;
pub const MAX_URL: usize = 2048;
/// RFC 5321's 64 + 1 + 255, rounded as everybody does.
pub const MAX_EMAIL: usize = 320;
/// Hex HMAC-SHA256 is 64; room for whitespace a site may add.
pub const MAX_SIGNATURE: usize = 128;
/// argon2 hashes whatever it gets: a 64 KiB password would cost every login that much.
pub const MAX_PASSWORD: usize = 1024;
pub const MAX_ATTRIBUTES: usize = 30;
pub const MAX_ATTRIBUTE_NAME: usize = 64;
pub const MAX_ATTRIBUTE_TEXT: usize = 500;
/// Lines of a handoff's or ticket's transcript (a long chat has a few hundred).
pub const MAX_TRANSCRIPT_LINES: usize = 1000;
/// Intents recognised in one conversation (at most one per customer message).
pub const MAX_INTENTS: usize = 1000;
/// Slots filled by the bot's flows.
pub const MAX_SLOTS: usize = 100;
/// An agent's concurrent chats.
pub const MAX_CAPACITY: u32 = 100;

/// The longest request target (path and query, in bytes) the desk reads. Ids, filters and a
/// conversation token fit many times over; query values are only ever compared, never stored.
pub const MAX_URI: usize = 8 * 1024;

/// Refuses a longer request target with `414 uri_too_long` before any route parses it.
pub async fn bounded_uri(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let uri = req.uri();
    let n = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if n > MAX_URI {
        let e = ApiError::new(
            axum::http::StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request path and query have {n} bytes; at most {MAX_URI} are allowed"),
        );
        return axum::response::IntoResponse::into_response(e);
    }
    next.run(req).await
}

/// A request body whose every field is within its documented limit.
pub trait Bounded {
    /// Checks every field (and balances the bidi controls of free text); the first field over
    /// its limit is the error.
    fn bound(&mut self, limits: &Limits) -> ApiResult<()>;
}

fn too_long(field: &str, n: usize, max: usize) -> ApiError {
    ApiError::unprocessable("too_long", format!("{field} has {n} characters; at most {max} are allowed"))
}

/// An id or name: at most `max` characters.
pub fn short(field: &str, value: &str, max: usize) -> ApiResult<()> {
    let n = value.chars().count();
    if n > max {
        return Err(too_long(field, n, max));
    }
    Ok(())
}

fn short_opt(field: &str, value: &Option<String>, max: usize) -> ApiResult<()> {
    value.as_deref().map_or(Ok(()), |v| short(field, v, max))
}

/// Free text a person will read: bidi controls balanced, then at most `max` characters.
pub fn text(field: &str, value: &mut String, max: usize) -> ApiResult<()> {
    if let std::borrow::Cow::Owned(balanced) = bidi::balance(value) {
        *value = balanced;
    }
    short(field, value, max)
}

fn text_opt(field: &str, value: &mut Option<String>, max: usize) -> ApiResult<()> {
    value.as_mut().map_or(Ok(()), |v| text(field, v, max))
}

fn count(field: &str, n: usize, max: usize) -> ApiResult<()> {
    if n > max {
        return Err(ApiError::unprocessable(
            "too_many",
            format!("{field} has {n} entries; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// One '@' with something on both sides, a dot in the domain and no spaces: a typo check, not
/// RFC 5322. Shared by identities and tickets.
pub fn plausible_email(e: &str) -> bool {
    matches!(e.split_once('@'), Some((user, domain)) if !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'))
        && !e.contains(char::is_whitespace)
}

fn transcript(field: &str, lines: &mut [TranscriptEntry], limits: &Limits) -> ApiResult<()> {
    count(field, lines.len(), MAX_TRANSCRIPT_LINES)?;
    for (i, TranscriptEntry { role: _, text: t, intent }) in lines.iter_mut().enumerate() {
        text(&format!("{field}[{i}].text"), t, limits.message_chars)?;
        short_opt(&format!("{field}[{i}].intent"), intent, MAX_SHORT)?;
    }
    Ok(())
}

fn intents(hits: &[IntentHit]) -> ApiResult<()> {
    count("intents", hits.len(), MAX_INTENTS)?;
    for (i, IntentHit { intent, confidence, turn: _ }) in hits.iter().enumerate() {
        short(&format!("intents[{i}].intent"), intent, MAX_SHORT)?;
        // serde reads 1e39 into an f32 as infinity, which JSON then writes as null: the stored
        // handoff would no longer parse and the agent would lose all of it.
        if !(0.0..=1.0).contains(confidence) {
            return Err(ApiError::unprocessable(
                "invalid_number",
                format!("intents[{i}].confidence must be a number from 0 to 1"),
            ));
        }
    }
    Ok(())
}

fn slots(slots: &mut BTreeMap<String, String>, limits: &Limits) -> ApiResult<()> {
    count("slots", slots.len(), MAX_SLOTS)?;
    for (name, value) in slots.iter_mut() {
        short("a slot name", name, MAX_SHORT)?;
        // A slot value is something the customer typed: at most a message.
        text(&format!("slots.{name}"), value, limits.message_chars)?;
    }
    Ok(())
}

impl Bounded for StartConversation {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let StartConversation { site_key, locale, page_url, visitor_id, customer, client_key } = self;
        short("site_key", site_key, MAX_SHORT)?;
        // Its lower bound (it yields the token again) is the desk's check: `invalid_client_key`.
        short_opt("client_key", client_key, MAX_SHORT)?;
        short("locale", locale, MAX_SHORT)?;
        short_opt("page_url", page_url, MAX_URL)?;
        short_opt("visitor_id", visitor_id, MAX_SHORT)?;
        customer.as_mut().map_or(Ok(()), |c| c.bound(limits))
    }
}

impl Bounded for Identify {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let Identify { user_id, name, email, attributes, signature } = self;
        short_opt("user_id", user_id, MAX_SHORT)?;
        text_opt("name", name, MAX_SHORT)?;
        short_opt("email", email, MAX_EMAIL)?;
        short_opt("signature", signature, MAX_SIGNATURE)?;
        count("attributes", attributes.len(), MAX_ATTRIBUTES)?;
        for (key, value) in attributes.iter_mut() {
            short("an attribute name", key, MAX_ATTRIBUTE_NAME)?;
            match value {
                Attribute::Text(t) => text(&format!("attributes.{key}"), t, MAX_ATTRIBUTE_TEXT)?,
                Attribute::Number(n) if !n.is_finite() => {
                    return Err(ApiError::unprocessable(
                        "invalid_number",
                        format!("attributes.{key} is not a finite number"),
                    ))
                }
                Attribute::Number(_) | Attribute::Flag(_) => {}
            }
        }
        Ok(())
    }
}

impl Bounded for PostMessage {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let PostMessage { client_id, text: t } = self;
        short("client_id", client_id, MAX_SHORT)?;
        text("text", t, limits.message_chars)
    }
}

impl Bounded for HandoffRequest {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let HandoffRequest {
            reason: _,
            detail,
            department,
            tier,
            priority,
            locale,
            transcript: lines,
            intents: hits,
            slots: filled,
            article,
            page_url,
        } = self;
        text("detail", detail, limits.message_chars)?;
        short("department", department, MAX_SHORT)?;
        short("tier", tier, MAX_SHORT)?;
        short("priority", priority, MAX_SHORT)?;
        short("locale", locale, MAX_SHORT)?;
        transcript("transcript", lines, limits)?;
        intents(hits)?;
        slots(filled, limits)?;
        short_opt("article", article, MAX_SHORT)?;
        short_opt("page_url", page_url, MAX_URL)
    }
}

impl Bounded for Typing {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let Typing { typing: _ } = self;
        Ok(())
    }
}

impl Bounded for Rating {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let Rating { score: _, comment } = self;
        text_opt("comment", comment, limits.message_chars)
    }
}

impl Bounded for TicketRequest {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let TicketRequest { name, email, message, transcript: lines } = self;
        text("name", name, MAX_SHORT)?;
        short("email", email, MAX_EMAIL)?;
        if !email.trim().is_empty() && !plausible_email(email.trim()) {
            return Err(ApiError::unprocessable("invalid_email", "email is not an e-mail address"));
        }
        text("message", message, limits.message_chars)?;
        transcript("transcript", lines, limits)
    }
}

impl Bounded for TranscriptRequest {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let TranscriptRequest { email } = self;
        let Some(email) = email.as_deref().map(str::trim).filter(|e| !e.is_empty()) else { return Ok(()) };
        short("email", email, MAX_EMAIL)?;
        if !plausible_email(email) {
            return Err(ApiError::unprocessable("invalid_email", "email is not an e-mail address"));
        }
        Ok(())
    }
}

impl Bounded for NewAgent {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let NewAgent { email, name, tier, departments, capacity, password } = self;
        short("email", email, MAX_EMAIL)?;
        text("name", name, MAX_SHORT)?;
        short("tier", tier, MAX_SHORT)?;
        count("departments", departments.len(), MAX_DEPARTMENTS)?;
        for d in departments.iter() {
            short("departments[]", d, MAX_SHORT)?;
        }
        check_capacity(*capacity)?;
        short_opt("password", password, MAX_PASSWORD)
    }
}

impl Bounded for PasswordChange {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let PasswordChange { current, new } = self;
        short("current", current, MAX_PASSWORD)?;
        short("new", new, MAX_PASSWORD)
    }
}

impl Bounded for AgentUpdate {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let AgentUpdate { name, tier, departments, capacity } = self;
        if let Some(n) = name {
            text("name", n, MAX_SHORT)?;
        }
        short_opt("tier", tier, MAX_SHORT)?;
        if let Some(ds) = departments {
            count("departments", ds.len(), MAX_DEPARTMENTS)?;
            for d in ds.iter() {
                short("departments[]", d, MAX_SHORT)?;
            }
        }
        check_capacity(*capacity)
    }
}

/// Departments of one agent: more than any site has.
const MAX_DEPARTMENTS: usize = 50;

fn check_capacity(capacity: Option<u32>) -> ApiResult<()> {
    if capacity.is_some_and(|c| c > MAX_CAPACITY) {
        return Err(ApiError::unprocessable(
            "invalid_capacity",
            format!("capacity must be 0 to {MAX_CAPACITY}"),
        ));
    }
    Ok(())
}

impl Bounded for AgentPreferences {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let AgentPreferences { ticket_mail: _ } = self;
        Ok(())
    }
}

impl Bounded for CancelHandoff {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let CancelHandoff {} = self;
        Ok(())
    }
}

impl Bounded for Login {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let Login { email, password } = self;
        short("email", email, MAX_EMAIL)?;
        short("password", password, MAX_PASSWORD)
    }
}

impl Bounded for SetPresence {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let SetPresence { presence: _, capacity } = self;
        if capacity.is_some_and(|c| c > MAX_CAPACITY) {
            return Err(ApiError::unprocessable(
                "invalid_capacity",
                format!("capacity must be 0 to {MAX_CAPACITY}"),
            ));
        }
        Ok(())
    }
}

impl Bounded for AgentText {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let AgentText { text: t, client_id } = self;
        short_opt("client_id", client_id, MAX_SHORT)?;
        text("text", t, limits.message_chars)
    }
}

impl Bounded for Transfer {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let Transfer { department, note } = self;
        short("department", department, MAX_SHORT)?;
        text_opt("note", note, limits.message_chars)
    }
}

impl Bounded for Note {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let Note { note } = self;
        text("note", note, limits.message_chars)
    }
}

impl Bounded for Reassign {
    fn bound(&mut self, limits: &Limits) -> ApiResult<()> {
        let Reassign { agent_id: _, note } = self;
        text_opt("note", note, limits.message_chars)
    }
}

impl Bounded for handoff_protocol::privacy::PrivacyRequest {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let handoff_protocol::privacy::PrivacyRequest { site_key, user_id, visitor_id, email } = self;
        short("site_key", site_key, MAX_SHORT)?;
        short_opt("user_id", user_id, MAX_SHORT)?;
        short_opt("visitor_id", visitor_id, MAX_SHORT)?;
        short_opt("email", email, MAX_EMAIL)
    }
}

/// Lengths in a site's settings (issue 20); what each value means is checked against the site
/// by `crate::site_settings` once it is bounded here.
const MAX_SETTINGS_ITEMS: usize = 500;

impl Bounded for HoursUpdate {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let HoursUpdate { hours } = self;
        let Some(HoursSpec { time_zone, days, holidays }) = hours else { return Ok(()) };
        short("hours.time_zone", time_zone, MAX_SHORT)?;
        count("hours.days", days.len(), 7)?;
        for (day, spans) in days.iter() {
            short("hours.days{}", day, MAX_SHORT)?;
            count("hours.days[]", spans.len(), crate::hours::MAX_SPANS_PER_DAY)?;
            for s in spans.iter() {
                short("hours.days[][]", s, MAX_SHORT)?;
            }
        }
        count("hours.holidays", holidays.len(), crate::hours::MAX_HOLIDAYS)?;
        for d in holidays.iter() {
            short("hours.holidays[]", d, MAX_SHORT)?;
        }
        Ok(())
    }
}

impl Bounded for SlaUpdate {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let SlaUpdate { targets } = self;
        count("targets", targets.len(), MAX_SETTINGS_ITEMS)?;
        for SlaTarget { priority, first_response_secs: _, resolution_secs: _ } in targets.iter() {
            short("targets[].priority", priority, MAX_SHORT)?;
        }
        Ok(())
    }
}

impl Bounded for RetentionUpdate {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        // The range is the settings' rule (`crate::site_settings::check_retention`).
        let RetentionUpdate { retention_days: _ } = self;
        Ok(())
    }
}

impl Bounded for CannedText {
    fn bound(&mut self, _: &Limits) -> ApiResult<()> {
        let CannedText { title, text: body } = self;
        text("title", title, crate::site_settings::MAX_CANNED_TITLE)?;
        text("text", body, crate::site_settings::MAX_CANNED_TEXT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_must_look_like_emails() {
        for ok in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert!(plausible_email(ok), "{ok}");
        }
        for bad in ["@", "a@", "@b.co", "a@b", "a b@c.de", "a@.de", "a@de.", "a@b@c.de"] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn free_text_is_balanced_before_it_is_counted() {
        let mut t = "pay \u{202E}0001".to_string();
        text("text", &mut t, 10).unwrap();
        assert_eq!(t, "pay \u{202E}0001\u{202C}");
        assert_eq!(text("text", &mut "x".repeat(11), 10).unwrap_err().code, "too_long");
    }

    #[test]
    fn confidence_must_be_a_probability() {
        let hit = |c: f32| IntentHit { intent: "track".into(), confidence: c, turn: 0 };
        assert!(intents(&[hit(0.0), hit(1.0), hit(0.5)]).is_ok());
        for bad in [f32::INFINITY, f32::NAN, -0.1, 1.01] {
            assert_eq!(intents(&[hit(bad)]).unwrap_err().code, "invalid_number", "{bad}");
        }
    }
}
