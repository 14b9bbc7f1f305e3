//! Reading and checking a content folder.
//!
//! The caller supplies the files (path relative to the folder, text); this module does no I/O,
//! so the same checks run in the CLI, in the desk and in tests. Every problem found is reported,
//! not just the first, each with its file, its line where one applies, and a plain explanation.

use crate::markdown;
use crate::matcher::MatcherBuilder;
use crate::model::{Article, Intent, Localized, Settings, Site, SlotType};
use crate::slots;
use crate::Problem;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A content file: path relative to the content folder, and its text.
pub type File = (String, String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    intent: Vec<Intent>,
    #[serde(default)]
    slot_types: BTreeMap<String, SlotType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    locale: String,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn toml_problem(file: &str, text: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| line_of(text, s.start));
    Problem::new(file, line, e.message().trim().to_string())
}

/// Where things are in a rules file, for messages that point at the right line.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines { lines: text.lines().collect() }
    }

    /// Line of `key = "value"` (first occurrence at or after `from`, 1-based).
    fn assignment(&self, key: &str, value: &str, from: usize) -> Option<usize> {
        let quoted = format!("\"{value}\"");
        self.lines.iter().enumerate().skip(from.saturating_sub(1)).find_map(|(i, l)| {
            let t = l.trim_start();
            (t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') && t.contains(&quoted))
                .then_some(i + 1)
        })
    }

    /// First line mentioning `needle` within the block that starts at `from` (up to the next
    /// `[[intent]]`), else `from`.
    fn within(&self, from: usize, needle: &str) -> usize {
        for (i, l) in self.lines.iter().enumerate().skip(from) {
            if l.trim_start().starts_with("[[intent]]") {
                break;
            }
            if l.contains(needle) {
                return i + 1;
            }
        }
        from
    }
}

/// Reads and checks a whole content folder.
pub fn load(files: &[File]) -> Result<Site, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some((_, site_text)) = files.iter().find(|(p, _)| p == "site.toml") else {
        return Err(vec![Problem::new("site.toml", None, "missing: every content folder needs a site.toml")]);
    };
    let settings: Settings = match toml::from_str(site_text) {
        Ok(s) => s,
        Err(e) => return Err(vec![toml_problem("site.toml", site_text, &e)]),
    };
    check_settings(&settings, site_text, &mut problems);
    let locales: Vec<String> = settings.site.locales.clone();
    let synonyms = match files.iter().find(|(p, _)| p == crate::synonyms::FILE) {
        Some((_, text)) => crate::synonyms::parse(text, &locales, &mut problems),
        None => Default::default(),
    };
    let endings = match files.iter().find(|(p, _)| p == crate::synonyms::ENDINGS_FILE) {
        Some((_, text)) => crate::synonyms::parse_endings(text, &locales, &mut problems),
        None => Default::default(),
    };

    // Rules.
    let mut intents: Vec<(Intent, String, usize)> = Vec::new();
    let mut slot_types: BTreeMap<String, SlotType> = BTreeMap::new();
    let mut rule_files: Vec<&File> =
        files.iter().filter(|(p, _)| p.starts_with("rules/") && p.ends_with(".toml")).collect();
    rule_files.sort();
    if rule_files.is_empty() {
        problems.push(Problem::new("rules/", None, "no rules files (rules/*.toml)"));
    }
    for (path, text) in &rule_files {
        match toml::from_str::<RulesFile>(text) {
            Ok(r) => {
                let lines = Lines::new(text);
                for (name, t) in r.slot_types {
                    let line = lines
                        .lines
                        .iter()
                        .position(|l| l.contains(&format!("[slot_types.{name}]")))
                        .map(|i| i + 1);
                    if let Err(e) = slots::validate(&t) {
                        problems.push(Problem::new(path.clone(), line, format!("slot type '{name}': {e}")));
                    }
                    if slot_types.insert(name.clone(), t).is_some() {
                        problems.push(Problem::new(
                            path.clone(),
                            line,
                            format!("slot type '{name}' is defined twice"),
                        ));
                    }
                }
                for i in r.intent {
                    let line = lines.assignment("id", &i.id, 1).unwrap_or(1);
                    intents.push((i, path.clone(), line));
                }
            }
            Err(e) => problems.push(toml_problem(path, text, &e)),
        }
    }

    // Articles.
    let mut articles: Vec<(Article, String, &str)> = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("articles/") && p.ends_with(".md")) {
        match parse_article(path, text) {
            Ok(a) => articles.push((a, path.clone(), text.as_str())),
            Err(p) => problems.push(p),
        }
    }
    check_articles(&settings, &articles, &mut problems);
    let article_ids: BTreeSet<&str> = articles.iter().map(|(a, _, _)| a.id.as_str()).collect();

    // Intents, now that departments, slot types and articles are known.
    let mut seen: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let intent_ids: BTreeSet<&str> = intents.iter().map(|(i, _, _)| i.id.as_str()).collect();
    for (intent, path, line) in &intents {
        if let Some((first_file, first_line)) = seen.insert(&intent.id, (path, *line)) {
            problems.push(Problem::new(
                path.clone(),
                Some(*line),
                format!("duplicate intent id '{}' (first defined at {first_file}:{first_line})", intent.id),
            ));
        }
        let text = rule_files.iter().find(|(p, _)| p == path).map(|(_, t)| t.as_str()).unwrap_or("");
        let ctx = IntentCtx {
            path,
            lines: Lines::new(text),
            line: *line,
            intent,
            settings: &settings,
            locales: &locales,
        };
        ctx.check(&slot_types, &article_ids, &intent_ids, &mut problems);
    }

    let ids: Vec<&str> = intents.iter().map(|(i, _, _)| i.id.as_str()).collect();
    let examples = crate::examples::parse(files, &locales, &ids, &mut problems);

    if !problems.is_empty() {
        return Err(problems);
    }
    let settings_locales = settings.site.locales.clone();
    // After the checks, so a problem names the pattern as the author wrote it.
    let mut intents: Vec<Intent> = intents.into_iter().map(|(i, _, _)| i).collect();
    crate::examples::apply(&mut intents, &examples, &endings);
    crate::synonyms::apply(&mut intents, &synonyms, &endings);
    Ok(Site {
        settings,
        slot_types: slot_types.into_iter().collect(),
        intents,
        articles: {
            let mut a: Vec<Article> = articles.into_iter().map(|(a, _, _)| a).collect();
            a.sort_by(|x, y| (&x.locale, &x.id).cmp(&(&y.locale, &y.id)));
            a
        },
        lang: crate::builtin::lang(&settings_locales),
    })
}

fn missing_locales(text: &Localized, locales: &[String]) -> Vec<String> {
    locales.iter().filter(|l| text.get(l).is_none_or(|t| t.trim().is_empty())).cloned().collect()
}

fn unknown_locales<'a>(keys: impl Iterator<Item = &'a String>, locales: &[String]) -> Vec<String> {
    keys.filter(|k| !locales.contains(k)).cloned().collect()
}

fn check_settings(s: &Settings, text: &str, problems: &mut Vec<Problem>) {
    let lines = Lines::new(text);
    let at = |needle: &str| lines.lines.iter().position(|l| l.contains(needle)).map(|i| i + 1);
    let mut p = |needle: &str, msg: String| problems.push(Problem::new("site.toml", at(needle), msg));
    let site = &s.site;
    if site.locales.is_empty() {
        p("locales", "locales is empty: list at least one locale".into());
    }
    if !site.locales.contains(&site.default_locale) {
        p(
            "default_locale",
            format!("default_locale '{}' is not one of locales {:?}", site.default_locale, site.locales),
        );
    }
    if !s.departments.iter().any(|d| d.id == site.default_department) {
        p(
            "default_department",
            format!("default_department '{}' is not a [[department]]", site.default_department),
        );
    }
    if site.priorities.is_empty() {
        p("priorities", "priorities is empty".into());
    }
    if !site.priorities.contains(&site.default_priority) {
        p(
            "default_priority",
            format!(
                "default_priority '{}' is not one of priorities {:?}",
                site.default_priority, site.priorities
            ),
        );
    }
    for l in missing_locales(&site.greeting, &site.locales) {
        p("greeting", format!("greeting: missing translation for '{l}'"));
    }
    for (kind, list) in [("department", &s.departments), ("tier", &s.tiers), ("category", &s.categories)] {
        let mut ids = BTreeSet::new();
        for n in list {
            let needle = format!("\"{}\"", n.id);
            if !ids.insert(n.id.as_str()) {
                p(&needle, format!("duplicate {kind} id '{}'", n.id));
            }
            for l in missing_locales(&n.name, &site.locales) {
                p(&needle, format!("{kind} '{}': name is missing a translation for '{l}'", n.id));
            }
        }
    }
    if s.departments.is_empty() {
        p("[site]", "no [[department]]: a handoff needs somewhere to go".into());
    }
    if s.tiers.len() < 2 {
        p("[[tier]]", "the tier ladder needs at least two tiers: the bot and a person".into());
    }
    let h = &s.handoff;
    if !s.tiers.iter().skip(1).any(|t| t.id == h.first_tier) {
        p(
            "first_tier",
            format!("handoff.first_tier '{}' must be a tier above the first (bot) tier", h.first_tier),
        );
    }
    if h.fallback_after == 0 {
        p("fallback_after", "handoff.fallback_after must be at least 1".into());
    }
    if h.frustration_threshold == 0 {
        p("frustration_threshold", "handoff.frustration_threshold must be at least 1".into());
    }
    if !(h.min_confidence > 0.0 && h.min_confidence <= 1.0) {
        p("min_confidence", format!("handoff.min_confidence must be in (0, 1], got {}", h.min_confidence));
    }
    for (what, map) in [("explicit_phrases", &h.explicit_phrases), ("angry_words", &h.angry_words)] {
        for l in unknown_locales(map.keys(), &site.locales) {
            p(what, format!("handoff.{what}: '{l}' is not one of the site's locales"));
        }
        for (l, phrases) in map {
            for phrase in phrases {
                if let Err(e) = MatcherBuilder::new().add(0, 0, phrase) {
                    p(phrase, format!("handoff.{what} ({l}) '{phrase}': {e}"));
                }
            }
        }
    }
}

fn parse_article(path: &str, text: &str) -> Result<Article, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("+++\n").or_else(|| text.strip_prefix("+++\r\n")).ok_or_else(|| {
        Problem::new(path, Some(1), "an article starts with front matter between '+++' lines")
    })?;
    let end = rest
        .find("\n+++")
        .ok_or_else(|| Problem::new(path, Some(1), "the front matter is not closed by a '+++' line"))?;
    let front = &rest[..end + 1];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    let fm: FrontMatter = toml::from_str(front).map_err(|e| {
        let mut p = toml_problem(path, front, &e);
        p.line = p.line.map(|l| l + 1); // the opening '+++' line
        p
    })?;
    let blocks = markdown::blocks(body);
    if blocks.is_empty() {
        return Err(Problem::new(path, None, "the article has no text after its front matter"));
    }
    Ok(Article {
        id: fm.id,
        locale: fm.locale,
        title: fm.title,
        category: fm.category,
        tags: fm.tags,
        blocks,
    })
}

/// 1-based line of the first line starting with `key` (a front-matter key).
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1)
}

fn check_articles(s: &Settings, articles: &[(Article, String, &str)], problems: &mut Vec<Problem>) {
    let locales = &s.site.locales;
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, path, text) in articles {
        let line_of = |key: &str| key_line(text, key);
        let folder = path.split('/').nth(1).unwrap_or("");
        if a.locale != folder {
            problems.push(Problem::new(
                path.clone(),
                line_of("locale"),
                format!("locale '{}' does not match the folder '{folder}'", a.locale),
            ));
        }
        if !locales.contains(&a.locale) {
            problems.push(Problem::new(
                path.clone(),
                line_of("locale"),
                format!("locale '{}' is not one of the site's locales", a.locale),
            ));
        }
        if a.title.trim().is_empty() {
            problems.push(Problem::new(path.clone(), line_of("title"), "the title is empty"));
        }
        if !s.categories.iter().any(|c| c.id == a.category) {
            problems.push(Problem::new(
                path.clone(),
                line_of("category"),
                format!("unknown category '{}' (not a [[category]] in site.toml)", a.category),
            ));
        }
        if let Some(first) = seen.insert((&a.id, &a.locale), path) {
            problems.push(Problem::new(
                path.clone(),
                line_of("id"),
                format!("duplicate article id '{}' in '{}' (also {first})", a.id, a.locale),
            ));
        }
        by_id.entry(&a.id).or_default().push(&a.locale);
    }
    for (id, have) in by_id {
        for l in locales.iter().filter(|l| !have.contains(&l.as_str())) {
            let shown =
                articles.iter().find(|(a, _, _)| a.id == id).map(|(_, p, _)| p.clone()).unwrap_or_default();
            problems.push(Problem::new(
                format!("articles/{l}/{id}.md"),
                None,
                format!("missing translation: article '{id}' exists ({shown}) but not in '{l}'"),
            ));
        }
    }
}

struct IntentCtx<'a> {
    path: &'a str,
    lines: Lines<'a>,
    line: usize,
    intent: &'a Intent,
    settings: &'a Settings,
    locales: &'a [String],
}

impl IntentCtx<'_> {
    fn problem(&self, needle: &str, msg: String) -> Problem {
        Problem::new(
            self.path,
            Some(self.lines.within(self.line, needle)),
            format!("intent '{}': {msg}", self.intent.id),
        )
    }

    fn localized(&self, what: &str, needle: &str, text: &Localized, problems: &mut Vec<Problem>) {
        for l in missing_locales(text, self.locales) {
            problems.push(self.problem(needle, format!("{what}: missing translation for '{l}'")));
        }
        for l in unknown_locales(text.keys(), self.locales) {
            problems.push(self.problem(needle, format!("{what}: '{l}' is not one of the site's locales")));
        }
    }

    fn check(
        &self,
        slot_types: &BTreeMap<String, SlotType>,
        articles: &BTreeSet<&str>,
        intents: &BTreeSet<&str>,
        problems: &mut Vec<Problem>,
    ) {
        let i = self.intent;
        let s = self.settings;
        if i.id.trim().is_empty() || i.id.contains(char::is_whitespace) {
            problems.push(self.problem("id", "the id must be one word without spaces".into()));
        }
        if !s.departments.iter().any(|d| d.id == i.department) {
            let known: Vec<&str> = s.departments.iter().map(|d| d.id.as_str()).collect();
            problems.push(self.problem(
                "department",
                format!("unknown department '{}' (known: {})", i.department, known.join(", ")),
            ));
        }
        if let Some(p) = &i.priority {
            if !s.site.priorities.contains(p) {
                problems.push(self.problem(
                    "priority",
                    format!("unknown priority '{p}' (known: {})", s.site.priorities.join(", ")),
                ));
            }
        }
        for l in self.locales {
            if i.patterns.get(l).is_none_or(|p| p.is_empty()) {
                problems.push(
                    self.problem("patterns", format!("patterns: missing translation for '{l}' (no pattern)")),
                );
            }
        }
        for l in unknown_locales(i.patterns.keys(), self.locales) {
            problems
                .push(self.problem("patterns", format!("patterns: '{l}' is not one of the site's locales")));
        }
        for (l, patterns) in &i.patterns {
            for p in patterns {
                if let Err(e) = MatcherBuilder::new().add(0, 0, p) {
                    problems.push(self.problem(&format!("\"{p}\""), format!("bad pattern '{p}' ({l}): {e}")));
                }
            }
        }
        if i.answer.is_empty() && i.handoff.is_none() {
            problems.push(
                self.problem(
                    "id",
                    "has neither an answer nor a handoff: the customer would get nothing".into(),
                ),
            );
        }
        if !i.answer.is_empty() {
            self.localized("answer", "answer", &i.answer, problems);
        }
        for q in &i.quick_replies {
            self.localized("quick reply label", "label", &q.label, problems);
            if let Some(send) = &q.send {
                self.localized("quick reply send", "send", send, problems);
            }
        }
        for a in &i.articles {
            if !articles.contains(a.as_str()) {
                problems.push(self.problem(&format!("\"{a}\""), format!("unknown article '{a}'")));
            }
        }
        let mut filled: BTreeSet<&str> = BTreeSet::new();
        for step in &i.steps {
            match (&step.ask, &step.choose) {
                (Some(_), Some(_)) | (None, None) => {
                    problems.push(
                        self.problem(
                            "[[intent.steps]]",
                            "a step needs exactly one of 'ask' or 'choose'".into(),
                        ),
                    );
                    continue;
                }
                (Some(slot), None) => {
                    let t = step.slot_type.as_deref().unwrap_or(slot);
                    if !slot_types.contains_key(t) {
                        problems.push(self.problem(
                            &format!("\"{t}\""),
                            format!("step '{slot}': unknown slot type '{t}' (define [slot_types.{t}])"),
                        ));
                    }
                    if !step.options.is_empty() {
                        problems.push(self.problem(
                            &format!("\"{slot}\""),
                            format!("step '{slot}': options belong to 'choose' steps"),
                        ));
                    }
                }
                (None, Some(slot)) => {
                    if step.options.len() < 2 {
                        problems.push(self.problem(
                            &format!("\"{slot}\""),
                            format!("step '{slot}': a choice needs at least two options"),
                        ));
                    }
                    for o in &step.options {
                        self.localized(
                            &format!("option '{}' label", o.value),
                            &format!("\"{}\"", o.value),
                            &o.label,
                            problems,
                        );
                        if let Some(g) = &o.goto {
                            if !intents.contains(g.as_str()) || *g == i.id {
                                problems.push(self.problem(
                                    &format!("\"{g}\""),
                                    format!("option '{}': goto '{g}' is not another intent", o.value),
                                ));
                            }
                        }
                    }
                }
            }
            self.localized(&format!("step '{}' prompt", step.slot()), "prompt", &step.prompt, problems);
            if !step.retry.is_empty() {
                self.localized(&format!("step '{}' retry", step.slot()), "retry", &step.retry, problems);
            }
            filled.insert(step.slot());
        }
        for (l, a) in &i.answer {
            for name in placeholders(a) {
                if !filled.contains(name.as_str()) {
                    problems.push(self.problem(
                        "answer",
                        format!("answer ({l}) uses {{{name}}}, but no step of this intent fills '{name}'"),
                    ));
                }
            }
        }
        if let Some(h) = &i.handoff {
            if let Some(d) = &h.department {
                if !s.departments.iter().any(|x| x.id == *d) {
                    problems
                        .push(self.problem("[intent.handoff]", format!("handoff: unknown department '{d}'")));
                }
            }
            if let Some(t) = &h.tier {
                if !s.tiers.iter().skip(1).any(|x| x.id == *t) {
                    problems.push(self.problem(
                        "[intent.handoff]",
                        format!("handoff: tier '{t}' is not a tier above the bot"),
                    ));
                }
            }
        }
    }
}

/// `{name}` placeholders in an answer.
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if after[..end].chars().all(|c| c.is_alphanumeric() || c == '_') && end > 0 => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}
