//! Dialog tests: scripted conversations with expected intents, answers, slots and handoffs,
//! written by site owners next to their content (see docs/content.md).

use crate::engine::{Engine, Turn};
use crate::load::File;
use crate::Problem;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DialogFile {
    dialog: Vec<Dialog>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialog {
    pub name: String,
    pub locale: String,
    /// The conversation was opened from this article.
    #[serde(default)]
    pub article: Option<String>,
    pub turn: Vec<TurnSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnSpec {
    pub say: Option<String>,
    pub article_unhelpful: Option<String>,
    pub intent: Option<String>,
    pub answer_contains: Option<String>,
    pub slots: Option<BTreeMap<String, String>>,
    pub handoff: Option<HandoffSpec>,
    pub silent: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffSpec {
    pub reason: String,
    pub department: Option<String>,
    pub tier: Option<String>,
    pub priority: Option<String>,
}

/// The outcome of one dialog.
#[derive(Debug)]
pub struct Outcome {
    pub file: String,
    pub line: usize,
    pub name: String,
    pub turns: usize,
    /// Empty when the dialog passed.
    pub failures: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every dialog in the `tests/*.toml` files. A file that cannot be read as dialogs is a
/// problem (with file and line), not a failed test.
pub fn run(engine: &Engine, files: &[File]) -> Result<Vec<Outcome>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut outcomes = Vec::new();
    let mut tests: Vec<&File> =
        files.iter().filter(|(p, _)| p.starts_with("tests/") && p.ends_with(".toml")).collect();
    tests.sort();
    for (path, text) in tests {
        let parsed: DialogFile = match toml::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
                problems.push(Problem::new(path.clone(), line, e.message().trim().to_string()));
                continue;
            }
        };
        for d in parsed.dialog {
            let quoted = format!("\"{}\"", d.name);
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("name") && l.contains(&quoted))
                .map_or(1, |i| i + 1);
            let failures = run_one(engine, &d);
            outcomes.push(Outcome { file: path.clone(), line, name: d.name, turns: d.turn.len(), failures });
        }
    }
    if problems.is_empty() {
        Ok(outcomes)
    } else {
        Err(problems)
    }
}

fn run_one(engine: &Engine, d: &Dialog) -> Vec<String> {
    let mut failures = Vec::new();
    if !engine.site().settings.site.locales.contains(&d.locale) {
        return vec![format!("locale '{}' is not one of the site's locales", d.locale)];
    }
    let (mut conv, _) = engine.start(&d.locale);
    if let Some(a) = &d.article {
        engine.from_article(&mut conv, a);
    }
    for (n, spec) in d.turn.iter().enumerate() {
        let n = n + 1;
        let (what, turn) = match (&spec.say, &spec.article_unhelpful) {
            (Some(text), None) => (format!("\"{text}\""), engine.reply(&mut conv, text)),
            (None, Some(article)) => {
                (format!("article '{article}' unhelpful"), engine.article_unhelpful(&mut conv, article))
            }
            _ => {
                failures.push(format!("turn {n}: needs exactly one of 'say' or 'article_unhelpful'"));
                break;
            }
        };
        let before = failures.len();
        check_turn(spec, &turn, &conv.slots, &mut failures);
        for f in failures.iter_mut().skip(before) {
            *f = format!("turn {n} ({what}): {f}");
        }
        if failures.len() > before {
            break; // later turns depend on this one; more failures would only be noise
        }
    }
    failures
}

fn check_turn(
    spec: &TurnSpec,
    turn: &Turn,
    slots: &crate::model::StrMap<String>,
    failures: &mut Vec<String>,
) {
    let got_intent = turn.intent.as_ref().map(|s| s.intent.as_str()).unwrap_or("none");
    if let Some(want) = &spec.intent {
        if want != got_intent {
            let conf = turn.intent.as_ref().map(|s| format!(" ({:.2})", s.confidence)).unwrap_or_default();
            failures.push(format!("expected intent '{want}', got '{got_intent}'{conf}"));
        }
    }
    let text: String = turn.replies.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n");
    if let Some(want) = &spec.answer_contains {
        if !text.to_lowercase().contains(&want.to_lowercase()) {
            failures.push(format!("expected the answer to contain \"{want}\", got \"{text}\""));
        }
    }
    if let Some(want) = &spec.slots {
        for (k, v) in want {
            match slots.get(k) {
                Some(got) if got == v => {}
                got => failures.push(format!("expected slot {k} = \"{v}\", got {got:?}")),
            }
        }
    }
    match (&spec.handoff, &turn.handoff) {
        (None, None) => {}
        (None, Some(h)) => failures.push(format!("unexpected handoff ({}: {})", h.reason.as_str(), h.detail)),
        (Some(w), None) => {
            failures.push(format!("expected a handoff ({}), got none; the bot said \"{text}\"", w.reason))
        }
        (Some(w), Some(h)) => {
            if w.reason != h.reason.as_str() {
                failures.push(format!(
                    "expected handoff reason '{}', got '{}' ({})",
                    w.reason,
                    h.reason.as_str(),
                    h.detail
                ));
            }
            for (what, want, got) in [
                ("department", &w.department, &h.department),
                ("tier", &w.tier, &h.tier),
                ("priority", &w.priority, &h.priority),
            ] {
                if let Some(want) = want {
                    if want != got {
                        failures.push(format!("expected handoff {what} '{want}', got '{got}'"));
                    }
                }
            }
        }
    }
    let silent = spec.silent.unwrap_or(false);
    if silent != turn.silent {
        failures.push(if silent {
            format!("expected silence, the bot said \"{text}\"")
        } else {
            "the bot stayed silent".to_string()
        });
    }
}
