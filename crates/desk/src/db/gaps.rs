//! The content gaps of one stored handoff, computed when the conversation is written.
//!
//! Insights' content gaps (`InsightsStore::handoff_texts`) read, for every handoff of a period, the
//! customer lines the bot did not match and the article the customer came from. Pulling them out
//! of each stored handoff at read time was far too slow (about 0.9 s for 35,000 handoffs), so a
//! backend stores them next to the conversation, in the transaction that stores its handoff.
//! SQLite once kept them with triggers that parsed the JSON (migration 0008); computing them
//! here keeps that rule out of any one engine. The result is the triggers' exactly:
//!
//! - a row only for a handoff that is valid JSON (anything else stores no row);
//! - `article`: the top-level `article` when it is a string; none when missing or `null`; the
//!   JSON text of any other value (SQLite's `json_extract` gave numbers and booleans as SQL
//!   numbers that the TEXT column stored as text, `true` as `1`);
//! - `unmatched`: in transcript order, the `text` of every transcript line that is an object
//!   with `role` `"customer"`, no `intent` (missing or `null`) and a string `text`.
//!
//! Handoffs the desk writes are typed (`v1::HandoffRequest`: an optional string article, an
//! array of transcript objects), and on those the two agree exactly (`sqlite/gaps.rs` checks it
//! against SQLite's own expressions). They part only on JSON no handoff the desk writes can hold:
//! a transcript line that is a string (SQLite failed the whole write), duplicate keys (SQLite
//! took the first), numbers beyond `f64` (SQLite accepted them), an article that is an object or
//! a float in exponent form (its text), a transcript that is an object of several lines (the
//! order: SQLite kept the document's).

use super::{DbError, DbResult};
use serde_json::Value;

/// What [`HandoffGap::of`] finds in a handoff; a backend stores it with the conversation's id,
/// site, start time and locale.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoffGap {
    pub article: Option<String>,
    pub unmatched: Vec<String>,
}

impl HandoffGap {
    /// The gap row of a stored handoff's JSON; `None` when it is not valid JSON (no row).
    pub fn of(handoff_json: &str) -> Option<HandoffGap> {
        let handoff: Value = serde_json::from_str(handoff_json).ok()?;
        let article = match handoff.get("article") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Bool(b)) => Some(if *b { "1" } else { "0" }.to_string()),
            Some(other) => Some(other.to_string()),
        };
        // SQLite's json_each walked an array's items or an object's values, in order.
        let lines: Vec<&Value> = match handoff.get("transcript") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(Value::Object(members)) => members.values().collect(),
            _ => Vec::new(),
        };
        let unmatched = lines.into_iter().filter_map(unmatched_text).map(str::to_string).collect();
        Some(HandoffGap { article, unmatched })
    }

    /// `unmatched` as a JSON array of strings, the stored form.
    pub fn unmatched_json(&self) -> DbResult<String> {
        serde_json::to_string(&self.unmatched).map_err(|e| DbError::Internal(format!("unmatched lines: {e}")))
    }
}

/// The text of a customer line the bot did not match.
fn unmatched_text(line: &Value) -> Option<&str> {
    let line = line.as_object()?;
    let customer = line.get("role").and_then(Value::as_str) == Some("customer");
    let matched = !matches!(line.get("intent"), None | Some(Value::Null));
    match line.get("text") {
        Some(Value::String(text)) if customer && !matched => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gap(handoff: &Value) -> Option<HandoffGap> {
        HandoffGap::of(&handoff.to_string())
    }

    fn unmatched(handoff: Value) -> Vec<String> {
        gap(&handoff).expect("valid JSON").unmatched
    }

    #[test]
    fn keeps_customer_lines_without_an_intent_in_order() {
        let h = json!({"article": "returns-policy", "transcript": [
            {"role": "bot", "text": "Hi!"},
            {"role": "customer", "text": "first miss"},
            {"role": "customer", "text": "where is my order", "intent": "order_status"},
            {"role": "customer", "text": "null intent is no intent", "intent": null},
            {"role": "bot", "text": "Sorry, I did not understand."},
            {"role": "customer", "text": "last miss"},
        ]});
        let g = gap(&h).expect("row");
        assert_eq!(g.article.as_deref(), Some("returns-policy"));
        assert_eq!(g.unmatched, ["first miss", "null intent is no intent", "last miss"]);
        assert_eq!(
            g.unmatched_json().expect("json"),
            r#"["first miss","null intent is no intent","last miss"]"#
        );
    }

    #[test]
    fn a_line_needs_a_string_text_the_customer_role_and_no_intent() {
        let h = json!({"transcript": [
            {"role": "customer"},
            {"role": "customer", "text": 5},
            {"role": "customer", "text": null},
            {"role": "customer", "text": ["a"]},
            {"role": "Customer", "text": "case matters"},
            {"role": "customer", "text": "an empty intent is an intent", "intent": ""},
            {"role": "customer", "text": "so is false", "intent": false},
            {"role": "agent", "text": "not the customer"},
            {"text": "no role"},
            {"role": "customer", "text": ""},
            5, null, [1], "a string line",
        ]});
        assert_eq!(unmatched(h), [""]);
    }

    #[test]
    fn no_row_for_a_handoff_that_is_not_json() {
        assert_eq!(HandoffGap::of("not json"), None);
        assert_eq!(HandoffGap::of(""), None);
        assert_eq!(HandoffGap::of("{\"transcript\": ["), None);
    }

    #[test]
    fn a_row_with_nothing_unmatched_for_any_other_json() {
        let empty = HandoffGap { article: None, unmatched: Vec::new() };
        for h in ["5", "\"text\"", "[1]", "null", "{}", " {\"transcript\": null} ", "{\"transcript\": \"x\"}"]
        {
            assert_eq!(HandoffGap::of(h).as_ref(), Some(&empty), "{h}");
        }
        assert_eq!(empty.unmatched_json().expect("json"), "[]");
    }

    #[test]
    fn article_as_sqlite_stored_it() {
        let article = |a: Value| gap(&json!({ "article": a })).expect("row").article;
        assert_eq!(article(json!(null)), None);
        assert_eq!(gap(&json!({})).expect("row").article, None);
        assert_eq!(article(json!("")), Some(String::new()));
        assert_eq!(article(json!("a \"quoted\" ü")), Some("a \"quoted\" ü".into()));
        assert_eq!(article(json!(42)), Some("42".into()));
        assert_eq!(article(json!(true)), Some("1".into()));
        assert_eq!(article(json!(false)), Some("0".into()));
        assert_eq!(article(json!([1, 2])), Some("[1,2]".into()));
    }

    #[test]
    fn an_object_transcript_is_walked_by_its_values() {
        let h = json!({"transcript": {"first": {"role": "customer", "text": "via an object"}}});
        assert_eq!(unmatched(h), ["via an object"]);
    }

    #[test]
    fn texts_keep_escapes_and_unicode() {
        let text = "tab\tquote\" backslash\\ newline\n \u{1F600} ž";
        let g = gap(&json!({"transcript": [{"role": "customer", "text": text}]})).expect("row");
        assert_eq!(g.unmatched, [text]);
        let back: Vec<String> = serde_json::from_str(&g.unmatched_json().expect("json")).expect("parse");
        assert_eq!(back, [text]);
    }
}
