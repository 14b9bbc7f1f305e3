//! Keeps the conversation in `sessionStorage`, one entry per site, so a reload (or the next page
//! of the shop) continues the same chat.
//!
//! Only what the customer did is stored (their messages, article feedback, language changes):
//! the bot is deterministic, so replaying those events rebuilds the conversation, the replies
//! and any handoff exactly. This keeps the stored data small and the wasm smaller than
//! serialising the whole state would. Anything unreadable is ignored: the chat starts afresh.

use crate::state::Event;

/// Stored as a list of strings in the bot's bundle encoding (no JSON parser in the wasm), each an
/// event kind letter followed by its text.
pub fn encode(events: &[Event]) -> String {
    let items: Vec<String> = events
        .iter()
        .map(|e| match e {
            // Through `join` too, not `format!`: every `format!` call is code of its own.
            Event::Start(l) => join('b', &[l]),
            Event::Say(t) => join('s', &[t]),
            Event::Unhelpful(id) => join('u', &[id]),
            Event::FromArticle(id) => join('a', &[id]),
            Event::Locale(l) => join('l', &[l]),
            Event::Desk(id, token) => join('d', &[id, token]),
            Event::Remote(id, kind, data) => join('r', &[&id.to_string(), kind, data]),
            Event::Ticket(name, email, message) => join('t', &[name, email, message]),
            Event::Ticketed(number, when) => join('T', &[number, when]),
            Event::Rate(score, comment, copy) => join('g', &[&score.to_string(), comment, copy]),
            Event::Cancel => "x".into(),
        })
        .collect();
    handoff_bot::bundle::encode(&items)
}

/// Fields of one event, separated by the record separator (the bundle's own separator, the unit
/// separator, cannot be used inside one of its strings). A stray one in a field becomes a space.
const SEP: char = '\u{1e}';

fn join(kind: char, fields: &[&str]) -> String {
    let mut s = String::from(kind);
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            s.push(SEP);
        }
        s.extend(f.chars().map(|c| if c == SEP { ' ' } else { c }));
    }
    s
}

pub fn decode(stored: &str) -> Vec<Event> {
    let items: Vec<String> = handoff_bot::bundle::decode(stored).unwrap_or_default();
    items
        .into_iter()
        .filter_map(|s| {
            let kind = s.chars().next()?;
            let rest = s[kind.len_utf8()..].to_string();
            let mut f = rest.split(SEP).map(str::to_string).collect::<Vec<_>>().into_iter();
            let mut next = || f.next().unwrap_or_default();
            Some(match kind {
                'd' => Event::Desk(next(), next()),
                'r' => Event::Remote(next().parse().ok()?, next(), next()),
                't' => Event::Ticket(next(), next(), next()),
                'T' => Event::Ticketed(next(), next()),
                'g' => Event::Rate(next().parse().ok()?, next(), next()),
                'x' => Event::Cancel,
                'b' => Event::Start(rest),
                's' => Event::Say(rest),
                'u' => Event::Unhelpful(rest),
                'a' => Event::FromArticle(rest),
                'l' => Event::Locale(rest),
                _ => return None,
            })
        })
        .collect()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn key(site: &str) -> String {
    format!("handoff-widget:v1:{site}")
}

pub fn load(site: &str) -> Vec<Event> {
    storage().and_then(|s| s.get_item(&key(site)).ok()?).map(|json| decode(&json)).unwrap_or_default()
}

pub fn save(site: &str, events: &[Event]) {
    if let Some(s) = storage() {
        // Full or disabled storage only costs the restore after a reload.
        let _ = s.set_item(&key(site), &encode(events));
    }
}

/// Forgets the stored conversation of a site.
pub fn clear(site: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(site));
    }
}

/// The locales a stored conversation of `site` was in (its start and every switch): replaying it
/// needs their bundles (see crate::fetch). Nothing when there is nothing to replay.
pub fn locales(site: &str) -> Vec<String> {
    let events = load(site);
    if events.len() < 2 {
        return Vec::new();
    }
    events
        .into_iter()
        .filter_map(|e| match e {
            Event::Start(l) | Event::Locale(l) => Some(l),
            _ => None,
        })
        .collect()
}
