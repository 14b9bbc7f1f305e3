//! The conversation engine: turns a customer message into the bot's replies and, when a person
//! must take over, a [`Handoff`] with everything the agent needs.
//!
//! [`Engine`] is the compiled, immutable site (shared by all conversations); [`Conversation`]
//! is one customer's state, plain serialisable data so the widget can keep it across page loads.

use crate::builtin::Say;
use crate::charcase::{is_lower, is_upper};
use crate::matcher::{Hit, Matcher, MatcherBuilder, Message};
use crate::model::{pick, ArticleUnhelpfulPolicy, Intent, Localized, Site, Step, StrMap};
use crate::normalize::{normalize, tokens};
use crate::search::{ArticleIndex, SearchHit};
use crate::slots;
use crate::Problem;
use handoff_protocol::{Handoff, HandoffReason, IntentHit, Role, TranscriptEntry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A confident intent that interrupts a flow whose question was not answered.
const SWITCH_CONFIDENCE: f32 = 0.7;
/// Invalid answers to one question before a person takes over.
const MAX_ATTEMPTS: u32 = 3;
/// A pattern written for another locale still matches, a little less confidently.
const OTHER_LOCALE_FACTOR: f32 = 0.9;
/// Customer messages that count towards the frustration threshold.
const FRUSTRATION_WINDOW: usize = 3;
/// Owners in the person matcher: a phrase that asks anywhere, a bare word that asks only as
/// (nearly) the whole message (`=`), and a negation that cancels a request in its clause (`!`).
const ASKS: u32 = 0;
const ALONE: u32 = 1;
const NEGATED: u32 = 2;
/// How much of the message a bare `=` word must be: "human please" asks, "Mensch, wo bleibt
/// denn mein Paket?" does not.
const ALONE_COVERAGE: f32 = 0.6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub send: String,
}

/// One bot message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReply>,
    /// Article ids to show as cards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub intent: String,
    pub confidence: f32,
}

/// What [`Engine::first_message`] makes of a new conversation's first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstMessage {
    /// An intent answers it (`reply(..).intent` is set).
    Answered,
    /// It asks for a person (the explicit handoff patterns, any language): it hands off by
    /// design.
    AsksForPerson,
    /// Anything else: not understood, or a frustrated handoff.
    NotAnswered,
}

/// What happened in one turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Turn {
    /// The intent recognised in this message (None: not understood, or a slot answer).
    pub intent: Option<Scored>,
    pub replies: Vec<Reply>,
    pub handoff: Option<Handoff>,
    /// True when the bot stayed silent because a person has the conversation.
    pub silent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Flow {
    intent: String,
    step: usize,
    attempts: u32,
}

/// One customer's conversation with the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Conversation {
    pub locale: String,
    pub transcript: Vec<TranscriptEntry>,
    pub intents: Vec<IntentHit>,
    pub slots: StrMap<String>,
    /// Customer messages so far.
    pub turns: u32,
    unmatched: u32,
    frustration: Vec<u32>,
    recent: Vec<String>,
    flow: Option<Flow>,
    last_intent: Option<String>,
    /// The article the customer came from ("Still need help? Chat with us").
    pub article: Option<String>,
    article_unhelpful: bool,
    /// Set while a person has the conversation; the bot stays silent.
    pub handed_off: Option<Handoff>,
    /// The department the embedding page prefers (`Handoff('setDepartment')`): where a handoff
    /// goes when neither a rule nor the last matched intent names one.
    #[serde(default)]
    pub page_department: Option<String>,
}

/// A compiled site.
#[derive(Debug, Clone)]
pub struct Engine {
    site: Site,
    intents: Matcher,
    explicit: Matcher,
    angry: Matcher,
    articles: ArticleIndex,
}

/// Compiles a phrase list (built-in plus the site's own) into a matcher; owner 0 for all.
fn phrase_matcher(
    mut b: MatcherBuilder,
    builtin: &StrMap<Vec<String>>,
    extra: &StrMap<Vec<String>>,
    what: &str,
) -> Result<Matcher, Vec<Problem>> {
    let mut problems = Vec::new();
    // "=word": alone only; "!words": a negation (see [`Engine::asks_for_person`]).
    let add = |b: &mut MatcherBuilder, p: &str| match p.as_bytes().first() {
        Some(b'=') => b.add(ALONE, 0, &p[1..]),
        Some(b'!') => b.add(NEGATED, 0, &p[1..]),
        _ => b.add(ASKS, 0, p),
    };
    for (_, phrases) in builtin {
        for p in phrases {
            if let Err(e) = add(&mut b, p) {
                problems.push(Problem::new("(built-in)", None, format!("{what} '{p}': {e}")));
            }
        }
    }
    for (locale, phrases) in extra {
        for p in phrases {
            if let Err(e) = add(&mut b, p) {
                problems.push(Problem::new("site.toml", None, format!("{what} for {locale} '{p}': {e}")));
            }
        }
    }
    if problems.is_empty() {
        Ok(b.build())
    } else {
        Err(problems)
    }
}

impl Engine {
    /// Compiles a site. Content from [`crate::load`] has been checked already; this re-checks
    /// the patterns so a hand-made bundle cannot produce a half-working bot.
    pub fn new(site: Site) -> Result<Engine, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut b = MatcherBuilder::new();
        let locales = &site.settings.site.locales;
        for (i, intent) in site.intents.iter().enumerate() {
            for (locale, patterns) in &intent.patterns {
                let tag = locales.iter().position(|l| l == locale).unwrap_or(usize::MAX) as u32;
                for p in patterns {
                    if let Err(e) = b.add(i as u32, tag, p) {
                        problems.push(Problem::new(
                            "rules",
                            None,
                            format!("intent '{}': pattern '{p}' ({locale}): {e}", intent.id),
                        ));
                    }
                }
            }
        }
        let policy = &site.settings.handoff;
        let explicit = phrase_matcher(
            MatcherBuilder::new(),
            &site.lang.explicit,
            &policy.explicit_phrases,
            "explicit phrase",
        );
        let angry =
            phrase_matcher(MatcherBuilder::exact(), &site.lang.angry, &policy.angry_words, "angry word");
        let (explicit, angry) = match (explicit, angry) {
            (Ok(e), Ok(a)) if problems.is_empty() => (e, a),
            (e, a) => {
                problems.extend(e.err().unwrap_or_default());
                problems.extend(a.err().unwrap_or_default());
                return Err(problems);
            }
        };
        let articles = ArticleIndex::new(&site.articles);
        Ok(Engine { intents: b.build(), explicit, angry, articles, site })
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// A new conversation in `locale` (the site default if unsupported) and the greeting.
    pub fn start(&self, locale: &str) -> (Conversation, Reply) {
        let s = &self.site.settings.site;
        let locale =
            if s.locales.iter().any(|l| l == locale) { locale.to_string() } else { s.default_locale.clone() };
        let mut conv = Conversation { locale, ..Default::default() };
        let greeting = Reply {
            text: self.text(&s.greeting, &conv.locale).to_string(),
            quick_replies: vec![],
            articles: vec![],
        };
        conv.transcript.push(TranscriptEntry { role: Role::Bot, text: greeting.text.clone(), intent: None });
        (conv, greeting)
    }

    /// Changes the conversation's language (the customer switched it in the widget).
    pub fn set_locale(&self, conv: &mut Conversation, locale: &str) {
        if self.site.settings.site.locales.iter().any(|l| l == locale) {
            conv.locale = locale.to_string();
        }
    }

    fn text<'a>(&'a self, t: &'a Localized, locale: &str) -> &'a str {
        pick(t, locale, &self.site.settings.site.default_locale)
    }

    /// Intents recognised in `text`, best first, with their confidence.
    pub fn classify(&self, locale: &str, text: &str) -> Vec<Scored> {
        let msg = Message::new(text);
        self.rank(locale, &msg)
            .into_iter()
            .map(|(i, c)| Scored { intent: self.site.intents[i].id.clone(), confidence: c })
            .collect()
    }

    fn confidence(&self, hit: &Hit, locale: &str) -> f32 {
        let locale_factor = match self.site.settings.site.locales.get(hit.tag as usize) {
            Some(l) if l == locale => 1.0,
            _ => OTHER_LOCALE_FACTOR,
        };
        // How much of the message the pattern explains, and how much evidence it found: one
        // clear content word in a longer sentence ("I want to cancel my order") still counts.
        let c = (0.45 * hit.coverage + 0.55 * (hit.strength / 1.5).min(1.0)) * locale_factor;
        (c * 1000.0).round() / 1000.0
    }

    /// (intent index, confidence), best first; ties go to the more specific pattern, then to
    /// the intent written first.
    fn rank(&self, locale: &str, msg: &Message) -> Vec<(usize, f32)> {
        let mut scored: Vec<(usize, f32, u32)> = Vec::new();
        for h in self.intents.match_all(msg) {
            let c = self.confidence(&h, locale);
            // One entry per intent: its best pattern in any locale, the customer's own preferred.
            match scored.last_mut() {
                Some(last) if last.0 == h.owner as usize => {
                    if (c, h.specificity) > (last.1, last.2) {
                        *last = (h.owner as usize, c, h.specificity);
                    }
                }
                _ => scored.push((h.owner as usize, c, h.specificity)),
            }
        }
        crate::sort::sort_by(&mut scored, |a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        scored.into_iter().map(|(i, c, _)| (i, c)).collect()
    }

    /// Ranked articles for a portal search (the last word may be unfinished).
    pub fn search(&self, locale: &str, query: &str, limit: usize) -> Vec<SearchHit> {
        self.articles.search(locale, query, limit, true)
    }

    /// The article cards a chat message that no intent answers gets: up to three, only those
    /// that really match (see [`crate::search::MIN_CARD_STRENGTH`]).
    pub fn suggest(&self, locale: &str, text: &str) -> Vec<String> {
        self.articles
            .search(locale, text, 3, false)
            .into_iter()
            .filter(|h| h.strength >= crate::search::MIN_CARD_STRENGTH)
            .map(|h| self.site.articles[h.article].id.clone())
            .collect()
    }

    /// What a new conversation in `locale` makes of `text` as its first message, the way
    /// [`Engine::start`] then [`Engine::reply`] would, without building the turn (no transcript,
    /// no article search for a message not understood, about a tenth of the work). The content
    /// gaps ask it of every unmatched message of a period.
    pub fn first_message(&self, locale: &str, text: &str) -> FirstMessage {
        let s = &self.site.settings.site;
        let locale = if s.locales.iter().any(|l| l == locale) { locale } else { s.default_locale.as_str() };
        let text = text.trim();
        let msg = Message::new(text);
        // The order of `reply` on a new conversation: a person asked for, frustration (one
        // message's points; nothing said before it to repeat), then the intents.
        if self.asks_for_person(text, &msg) {
            return FirstMessage::AsksForPerson;
        }
        let points = self.frustration_points(&Conversation::default(), text, &msg);
        if points >= self.site.settings.handoff.frustration_threshold {
            return FirstMessage::NotAnswered;
        }
        let min = self.site.settings.handoff.min_confidence;
        match self.rank(locale, &msg).first() {
            Some(&(_, c)) if c >= min => FirstMessage::Answered,
            _ => FirstMessage::NotAnswered,
        }
    }

    /// The customer's next message.
    pub fn reply(&self, conv: &mut Conversation, text: &str) -> Turn {
        let text = text.trim();
        let msg = Message::new(text);
        let turn_no = conv.turns;
        conv.turns += 1;
        conv.transcript.push(TranscriptEntry { role: Role::Customer, text: text.to_string(), intent: None });
        if conv.handed_off.is_some() {
            return Turn { silent: true, ..Default::default() };
        }

        // Hierarchical escalation comes first: a person asked for, or a customer losing patience.
        if self.asks_for_person(text, &msg) {
            let reason = if conv.article_unhelpful {
                HandoffReason::ArticleUnhelpful
            } else {
                HandoffReason::Explicit
            };
            let detail = match reason {
                HandoffReason::ArticleUnhelpful => format!(
                    "article '{}' did not help; the customer asked for a person",
                    conv.article.clone().unwrap_or_default()
                ),
                _ => "the customer asked for a person".to_string(),
            };
            return self.hand_off(conv, reason, detail, None, None);
        }
        let points = self.frustration_points(conv, text, &msg);
        conv.frustration.push(points);
        if conv.frustration.len() > FRUSTRATION_WINDOW {
            conv.frustration.remove(0);
        }
        conv.recent.push(normalize(text));
        if conv.recent.len() > 2 {
            conv.recent.remove(0);
        }
        let total: u32 = conv.frustration.iter().sum();
        if total >= self.site.settings.handoff.frustration_threshold {
            let detail =
                format!("{total} frustration signals in the last {} messages", conv.frustration.len());
            return self.hand_off(conv, HandoffReason::Frustration, detail, None, None);
        }

        let ranked = self.rank(&conv.locale, &msg);
        if conv.flow.is_some() {
            if let Some(turn) = self.continue_flow(conv, text, &ranked, turn_no) {
                return turn;
            }
        }

        let min = self.site.settings.handoff.min_confidence;
        match ranked.first() {
            Some(&(i, c)) if c >= min => {
                conv.unmatched = 0;
                let intent = &self.site.intents[i];
                if let Some(e) = conv.transcript.last_mut() {
                    e.intent = Some(intent.id.clone());
                }
                let mut turn = self.run_intent(conv, intent, c, turn_no, text);
                turn.intent = Some(Scored { intent: intent.id.clone(), confidence: c });
                turn
            }
            _ => self.not_understood(conv, text),
        }
    }

    /// Does the message ask for a person? A negation cancels a request only in its own clause:
    /// "I did not get my parcel, I want to talk to someone" asks, "I don't need a human, just
    /// tell me the cost" does not. At most eight clauses are read, so the work stays bounded.
    fn asks_for_person(&self, text: &str, msg: &Message) -> bool {
        let asks = |hits: &[Hit]| {
            hits.iter().any(|h| h.owner == ASKS || h.owner == ALONE && h.coverage >= ALONE_COVERAGE)
        };
        let negated = |hits: &[Hit]| hits.iter().any(|h| h.owner == NEGATED);
        let hits = self.explicit.match_all(msg);
        asks(&hits)
            && (!negated(&hits)
                || text.split([',', '.', ';', '!', '?', '\n']).take(8).any(|clause| {
                    let hits = self.explicit.match_all(&Message::new(clause));
                    asks(&hits) && !negated(&hits)
                }))
    }

    fn frustration_points(&self, conv: &Conversation, text: &str, msg: &Message) -> u32 {
        let mut points = 0;
        let cased = text.chars().filter(|c| is_upper(*c) || is_lower(*c)).count();
        let upper = text.chars().filter(|c| is_upper(*c)).count();
        if cased >= 8 && upper * 10 >= cased * 7 {
            points += 1; // shouting
        }
        if text.contains("!!!") || text.contains("?!?") || text.contains("!?!") {
            points += 1;
        }
        points += self.angry.match_all(msg).len().min(1) as u32;
        // Normalised only when there is something to repeat: a first message (the content
        // gaps ask this of every unmatched message of a period) has nothing before it.
        if !conv.recent.is_empty() {
            let norm = normalize(text);
            if norm.chars().count() >= 3 && conv.recent.contains(&norm) {
                points += 1; // the customer repeats themselves
            }
        }
        points
    }

    fn not_understood(&self, conv: &mut Conversation, text: &str) -> Turn {
        conv.unmatched += 1;
        let after = self.site.settings.handoff.fallback_after;
        if conv.unmatched >= after {
            let detail = format!("{} messages in a row were not understood", conv.unmatched);
            return self.hand_off(conv, HandoffReason::Fallback, detail, None, None);
        }
        let suggestions = self.suggest(&conv.locale, text);
        let what = if suggestions.is_empty() { Say::NotUnderstood } else { Say::NotUnderstoodArticles };
        let reply = Reply {
            text: self.site.lang.say(what, &conv.locale).to_string(),
            quick_replies: vec![],
            articles: suggestions,
        };
        self.push_bot(conv, &reply);
        Turn { replies: vec![reply], ..Default::default() }
    }

    fn push_bot(&self, conv: &mut Conversation, reply: &Reply) {
        conv.transcript.push(TranscriptEntry { role: Role::Bot, text: reply.text.clone(), intent: None });
    }

    /// Starts an intent: records it, fills slots the message already contains, then asks the
    /// first open question or answers.
    fn run_intent(
        &self,
        conv: &mut Conversation,
        intent: &Intent,
        confidence: f32,
        turn_no: u32,
        text: &str,
    ) -> Turn {
        conv.intents.push(IntentHit { intent: intent.id.clone(), confidence, turn: turn_no });
        conv.last_intent = Some(intent.id.clone());
        conv.article_unhelpful = false;
        for step in &intent.steps {
            if let Some(t) = step.ask.as_ref().and_then(|_| self.slot_type(step)) {
                if !conv.slots.contains_key(step.slot()) {
                    if let Some(v) = slots::extract(t, text) {
                        conv.slots.insert(step.slot().to_string(), v);
                    }
                }
            }
        }
        conv.flow = Some(Flow { intent: intent.id.clone(), step: 0, attempts: 0 });
        self.advance(conv)
    }

    fn slot_type(&self, step: &Step) -> Option<&crate::model::SlotType> {
        let name = step.slot_type.as_deref().or(step.ask.as_deref())?;
        self.site.slot_types.get(name)
    }

    /// Asks the next unanswered question of the current flow, or finishes it.
    fn advance(&self, conv: &mut Conversation) -> Turn {
        let Some(flow) = conv.flow.clone() else { return Turn::default() };
        let Some(intent) = self.site.intent(&flow.intent) else {
            conv.flow = None;
            return Turn::default();
        };
        if let Some((i, step)) =
            intent.steps.iter().enumerate().skip(flow.step).find(|(_, s)| !conv.slots.contains_key(s.slot()))
        {
            conv.flow = Some(Flow { intent: flow.intent.clone(), step: i, attempts: 0 });
            let reply = self.question(conv, step, &step.prompt);
            self.push_bot(conv, &reply);
            return Turn { replies: vec![reply], ..Default::default() };
        }
        conv.flow = None;
        let mut replies = Vec::new();
        if !intent.answer.is_empty() {
            let reply = Reply {
                text: fill(self.text(&intent.answer, &conv.locale), &conv.slots),
                quick_replies: intent
                    .quick_replies
                    .iter()
                    .map(|q| {
                        let label = self.text(&q.label, &conv.locale).to_string();
                        let send = q
                            .send
                            .as_ref()
                            .map(|s| self.text(s, &conv.locale).to_string())
                            .unwrap_or_else(|| label.clone());
                        QuickReply { label, send }
                    })
                    .collect(),
                articles: intent.articles.clone(),
            };
            self.push_bot(conv, &reply);
            replies.push(reply);
        }
        if let Some(h) = &intent.handoff {
            let note = if h.note.is_empty() {
                format!("intent '{}' needs a person", intent.id)
            } else {
                h.note.clone()
            };
            let mut turn =
                self.hand_off(conv, HandoffReason::Rule, note, h.department.clone(), h.tier.clone());
            replies.append(&mut turn.replies);
            turn.replies = replies;
            return turn;
        }
        Turn { replies, ..Default::default() }
    }

    fn question(&self, conv: &Conversation, step: &Step, text: &Localized) -> Reply {
        let quick_replies = step
            .options
            .iter()
            .map(|o| {
                let label = self.text(&o.label, &conv.locale).to_string();
                QuickReply { send: label.clone(), label }
            })
            .collect();
        Reply { text: fill(self.text(text, &conv.locale), &conv.slots), quick_replies, articles: vec![] }
    }

    /// Treats the message as the answer to the open question. None: the customer moved on to
    /// something else, handle the message as a new request.
    fn continue_flow(
        &self,
        conv: &mut Conversation,
        text: &str,
        ranked: &[(usize, f32)],
        turn_no: u32,
    ) -> Option<Turn> {
        let flow = conv.flow.clone()?;
        let intent = self.site.intent(&flow.intent)?;
        let step = intent.steps.get(flow.step)?;
        let answer = if step.choose.is_some() {
            self.pick_option(step, text).map(|o| (o.value.clone(), o.goto.clone()))
        } else {
            self.slot_type(step).and_then(|t| slots::extract(t, text)).map(|v| (v, None))
        };
        match answer {
            Some((value, goto)) => {
                conv.slots.insert(step.slot().to_string(), value);
                conv.unmatched = 0;
                if let Some(next) = goto.as_deref().and_then(|g| self.site.intent(g)) {
                    conv.flow = None;
                    return Some(self.run_intent(conv, next, 1.0, turn_no, text));
                }
                conv.flow = Some(Flow { step: flow.step + 1, attempts: 0, ..flow });
                Some(self.advance(conv))
            }
            None => {
                if let Some(&(i, c)) = ranked.first() {
                    if c >= SWITCH_CONFIDENCE && self.site.intents[i].id != flow.intent {
                        conv.flow = None;
                        return None;
                    }
                }
                let attempts = flow.attempts + 1;
                if attempts >= MAX_ATTEMPTS {
                    conv.flow = None;
                    let detail = format!("no valid answer for '{}' after {attempts} tries", step.slot());
                    return Some(self.hand_off(conv, HandoffReason::Fallback, detail, None, None));
                }
                conv.flow = Some(Flow { attempts, ..flow });
                let mut reply = if step.retry.is_empty() {
                    let generic = if step.choose.is_some() { Say::ChooseRetry } else { Say::Retry };
                    let mut r = self.question(conv, step, &step.prompt);
                    r.text = format!("{} {}", self.site.lang.say(generic, &conv.locale), r.text);
                    r
                } else {
                    self.question(conv, step, &step.retry)
                };
                reply.articles.clear();
                self.push_bot(conv, &reply);
                Some(Turn { replies: vec![reply], ..Default::default() })
            }
        }
    }

    /// The option the customer picked: its number, its value, or the words of its label in any
    /// locale.
    fn pick_option<'a>(&self, step: &'a Step, text: &str) -> Option<&'a crate::model::ChoiceOption> {
        let said = tokens(text);
        if said.is_empty() {
            return None;
        }
        if let Ok(n) = text.trim().trim_end_matches('.').parse::<usize>() {
            return step.options.get(n.checked_sub(1)?);
        }
        let mut best: Option<(&crate::model::ChoiceOption, usize)> = None;
        for o in &step.options {
            let mut candidates: Vec<Vec<String>> = o.label.values().map(|l| tokens(l)).collect();
            candidates.push(tokens(&o.value));
            for words in candidates {
                if !words.is_empty()
                    && words.iter().all(|w| said.contains(w))
                    && best.is_none_or(|(_, n)| words.len() > n)
                {
                    best = Some((o, words.len()));
                }
            }
        }
        best.map(|(o, _)| o)
    }

    /// The customer marked an article unhelpful.
    pub fn article_unhelpful(&self, conv: &mut Conversation, article: &str) -> Turn {
        conv.article = Some(article.to_string());
        conv.transcript.push(TranscriptEntry {
            role: Role::System,
            text: format!("article '{article}' marked unhelpful"),
            intent: None,
        });
        if conv.handed_off.is_some() {
            return Turn { silent: true, ..Default::default() };
        }
        match self.site.settings.handoff.article_unhelpful {
            ArticleUnhelpfulPolicy::Handoff => {
                let detail = format!("article '{article}' did not help");
                self.hand_off(conv, HandoffReason::ArticleUnhelpful, detail, None, None)
            }
            ArticleUnhelpfulPolicy::Offer => {
                conv.article_unhelpful = true;
                let talk = self.site.lang.say(Say::TalkToPerson, &conv.locale).to_string();
                let reply = Reply {
                    text: self.site.lang.say(Say::ArticleUnhelpfulOffer, &conv.locale).to_string(),
                    quick_replies: vec![QuickReply { label: talk.clone(), send: talk }],
                    articles: vec![],
                };
                self.push_bot(conv, &reply);
                Turn { replies: vec![reply], ..Default::default() }
            }
            ArticleUnhelpfulPolicy::Off => Turn::default(),
        }
    }

    /// The customer opened the chat from an article: the article becomes context for a handoff.
    pub fn from_article(&self, conv: &mut Conversation, article: &str) {
        conv.article = Some(article.to_string());
        conv.transcript.push(TranscriptEntry {
            role: Role::System,
            text: format!("opened the chat from article '{article}'"),
            intent: None,
        });
    }

    /// A person handed the conversation back to the bot.
    pub fn hand_back(&self, conv: &mut Conversation) -> Reply {
        conv.handed_off = None;
        conv.unmatched = 0;
        conv.frustration.clear();
        conv.recent.clear();
        conv.flow = None;
        conv.article_unhelpful = false;
        let reply = Reply {
            text: self.site.lang.say(Say::HandedBack, &conv.locale).to_string(),
            quick_replies: vec![],
            articles: vec![],
        };
        self.push_bot(conv, &reply);
        reply
    }

    /// Decides where the conversation goes and tells the customer.
    fn hand_off(
        &self,
        conv: &mut Conversation,
        reason: HandoffReason,
        detail: String,
        department: Option<String>,
        tier: Option<String>,
    ) -> Turn {
        let s = &self.site.settings;
        let last = conv.last_intent.as_deref().and_then(|id| self.site.intent(id));
        // Rules and intents name departments the content check verified; the page's may be
        // anything, so an unknown one falls through to the default.
        let department = department
            .or_else(|| last.map(|i| i.department.clone()))
            .or_else(|| conv.page_department.clone())
            .filter(|d| self.site.department(d).is_some())
            .unwrap_or_else(|| s.site.default_department.clone());
        let tier = tier.unwrap_or_else(|| s.handoff.first_tier.clone());
        let mut priority =
            last.and_then(|i| i.priority.clone()).unwrap_or_else(|| s.site.default_priority.clone());
        if reason == HandoffReason::Frustration {
            // An upset customer moves up one priority level.
            let levels = &s.site.priorities;
            if let Some(p) = levels.iter().position(|p| *p == priority) {
                priority = levels[(p + 1).min(levels.len() - 1)].clone();
            }
        }
        conv.flow = None;
        let lead = match reason {
            HandoffReason::Explicit => Say::LeadExplicit,
            HandoffReason::Fallback => Say::LeadFallback,
            HandoffReason::Frustration => Say::LeadFrustration,
            HandoffReason::Rule => Say::LeadRule,
            HandoffReason::ArticleUnhelpful => Say::LeadArticleUnhelpful,
        };
        let locale = conv.locale.clone();
        let dept_name =
            self.site.department(&department).map(|d| self.text(&d.name, &locale)).unwrap_or(&department);
        let text = format!(
            "{} {} {}",
            self.site.lang.say(lead, &locale),
            self.site.lang.say(Say::Transfer, &locale).replace("{department}", dept_name),
            self.site.lang.say(Say::NoRepeat, &locale)
        );
        let reply = Reply { text, quick_replies: vec![], articles: vec![] };
        self.push_bot(conv, &reply);
        let handoff = Handoff {
            reason,
            detail,
            department,
            tier,
            priority,
            locale,
            transcript: conv.transcript.clone(),
            intents: conv.intents.clone(),
            slots: {
                // The wire type is a BTreeMap; insert one by one (from_iter would sort again).
                let mut m = BTreeMap::new();
                for (k, v) in &conv.slots {
                    m.insert(k.clone(), v.clone());
                }
                m
            },
            article: conv.article.clone(),
            page_url: None,
        };
        conv.handed_off = Some(handoff.clone());
        Turn { replies: vec![reply], handoff: Some(handoff), ..Default::default() }
    }
}

/// Inserts `{slot}` values; unknown placeholders stay as written.
fn fill(template: &str, slots: &StrMap<String>) -> String {
    let mut out = template.to_string();
    for (k, v) in slots {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}
