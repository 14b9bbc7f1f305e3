//! A believable demo history (`cargo xtask seed-demo`): months of conversations of one site in
//! its six languages, so that the Insights page has something to show on first run.
//!
//! Every conversation is built with the desk's own [`Change`] (the same messages, customer
//! events and audit rows the live desk writes for a start, a handoff, an assignment, replies,
//! SLA breaches, escalations, transfers, a resolution and a rating), each step stamped with its
//! own time in the past instead of the clock, and committed through the [`Database`] trait.
//! Deterministic (a seeded xorshift), idempotent (conversation ids start with [`PREFIX`]; a
//! history already there is left alone unless forced, which deletes and rewrites it).

use super::Change;
use crate::db::{AgentRow, AuditRow, ConversationRow, Database, DbError, TicketRow};
use crate::sites::LoadedSite;
use handoff_protocol::kinds::{AuditKind, LostReason};
use handoff_protocol::v1::{ConversationStatus, CustomerEvent, HandoffRequest};
use handoff_protocol::{HandoffReason, Role, TranscriptEntry};
use std::time::{Duration, Instant};

/// Ids of seeded conversations: `seed-000000`, `seed-000001`, ...
pub const PREFIX: &str = "seed-";
const DAY: i64 = 86_400_000;
const MIN: i64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
pub struct SeedReport {
    /// Conversations written (0 when a seeded history was already there).
    pub conversations: u64,
    pub already_seeded: bool,
    /// Seeded conversations deleted first (`force`).
    pub deleted: u64,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the demo history needs agents of the tiers agent, supervisor and manager")]
    NoAgents,
}

/// Deterministic xorshift: the same history on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with `percent`% probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len() as u64) as usize]
    }
    /// A duration between `lo` and `hi` ms, skewed short (the minimum of two draws).
    fn span(&mut self, lo: i64, hi: i64) -> i64 {
        let w = (hi - lo).max(1) as u64;
        lo + self.below(w).min(self.below(w)) as i64
    }
}

/// What customers write in each language: lines the bot matched (with the intent), the topics
/// the content does not cover (two wordings each: the gaps), an agent's greeting and rating
/// comments, good and bad.
struct Lang {
    locale: &'static str,
    /// Share of the conversations, in percent.
    weight: u64,
    matched: &'static [(&'static str, &'static str)],
    gaps: &'static [[&'static str; 2]],
    ask_person: &'static str,
    hello: &'static str,
    good: &'static [&'static str],
    bad: &'static [&'static str],
}

const LANGS: &[Lang] = &[
    Lang {
        locale: "en",
        weight: 34,
        matched: &[
            ("where is my order?", "order_status"),
            ("how do I return my boots?", "return_item"),
            ("which payment methods do you accept?", "payment_methods"),
            ("I forgot my password", "reset_password"),
        ],
        gaps: &[
            ["can I rent a tent for the weekend?", "do you rent tents for a weekend trip"],
            ["do you repair broken zippers?", "zipper repair on my jacket possible?"],
            ["is there a student discount?", "student discount for outdoor gear"],
        ],
        ask_person: "I want to talk to a person",
        hello: "Hi, this is Fernhill support. Let me check that for you.",
        good: &["Quick and friendly, thanks!", "Solved in minutes.", "Great help with the return."],
        bad: &["Took far too long.", "I had to explain everything twice."],
    },
    Lang {
        locale: "de",
        weight: 24,
        matched: &[
            ("Wo ist meine Bestellung?", "order_status"),
            ("Wie kann ich etwas zurückschicken?", "return_item"),
            ("Kann ich per Rechnung zahlen?", "payment_methods"),
        ],
        gaps: &[
            ["Kann ich ein Zelt fürs Wochenende mieten?", "Zelt mieten für ein Wochenende möglich?"],
            ["Repariert ihr kaputte Reißverschlüsse?", "Reißverschluss Reparatur an meiner Jacke"],
        ],
        ask_person: "Ich möchte mit einem Menschen sprechen",
        hello: "Hallo, hier ist der Fernhill-Support. Ich schaue nach.",
        good: &["Schnell und freundlich, danke!", "Super Hilfe bei der Rücksendung."],
        bad: &["Hat viel zu lange gedauert.", "Ich musste alles zweimal erklären."],
    },
    Lang {
        locale: "cs",
        weight: 10,
        matched: &[("Kde je moje objednávka?", "order_status"), ("Jak vrátím zboží?", "return_item")],
        gaps: &[
            ["Můžu si půjčit stan na víkend?", "půjčení stanu na víkend"],
            ["Opravujete rozbité zipy?", "oprava zipu na bundě"],
        ],
        ask_person: "Chci mluvit s člověkem",
        hello: "Dobrý den, tady podpora Fernhill. Podívám se na to.",
        good: &["Rychlé a milé, děkuji!", "Vyřešeno během pár minut."],
        bad: &["Trvalo to moc dlouho."],
    },
    Lang {
        locale: "bg",
        weight: 9,
        matched: &[("Къде е поръчката ми?", "order_status"), ("Как да върна стока?", "return_item")],
        gaps: &[
            ["Мога ли да наема палатка за уикенда?", "наем на палатка за уикенд"],
            ["Има ли отстъпка за студенти?", "студентска отстъпка за екипировка"],
        ],
        ask_person: "Искам да говоря с човек",
        hello: "Здравейте, тук е поддръжката на Fernhill. Ще проверя.",
        good: &["Бързо и любезно, благодаря!"],
        bad: &["Отне твърде много време."],
    },
    Lang {
        locale: "pt",
        weight: 14,
        matched: &[
            ("Onde está a minha encomenda?", "order_status"),
            ("Como devolvo um produto?", "return_item"),
            ("Posso pagar com MB Way?", "payment_methods"),
        ],
        gaps: &[
            ["Posso alugar uma tenda para o fim de semana?", "aluguer de tenda para fim de semana"],
            ["Vocês reparam fechos estragados?", "reparação do fecho do casaco"],
        ],
        ask_person: "Quero falar com uma pessoa",
        hello: "Olá, aqui é o apoio da Fernhill. Vou verificar.",
        good: &["Rápido e simpático, obrigado!", "Resolvido em minutos."],
        bad: &["Demorou demasiado tempo."],
    },
    Lang {
        locale: "tl",
        weight: 9,
        matched: &[
            ("Nasaan na ang order ko?", "order_status"),
            ("Paano ako magbabalik ng item?", "return_item"),
        ],
        gaps: &[
            ["Pwede ba akong umupa ng tent para sa weekend?", "upa ng tent para sa weekend"],
            ["May student discount ba kayo?", "student discount sa gamit pang-outdoor"],
        ],
        ask_person: "Gusto kong makausap ang isang tao",
        hello: "Hello, Fernhill support ito. Titingnan ko po.",
        good: &["Mabilis at magalang, salamat!"],
        bad: &["Masyadong matagal."],
    },
];

const ARTICLES: &[&str] = &[
    "track-your-order",
    "how-to-return",
    "refund-timing",
    "delivery-times",
    "payment-methods",
    "warranty",
    "size-guide",
    "reset-password",
];
/// Handoff reasons with their weights (percent).
const REASONS: &[(HandoffReason, u64)] = &[
    (HandoffReason::Fallback, 34),
    (HandoffReason::Explicit, 28),
    (HandoffReason::Frustration, 12),
    (HandoffReason::Rule, 11),
    (HandoffReason::ArticleUnhelpful, 15),
];
const DEPARTMENTS: &[(&str, u64)] =
    &[("orders", 36), ("returns", 22), ("billing", 18), ("account", 12), ("technical", 12)];
const PRIORITIES: &[(&str, u64)] = &[("low", 15), ("normal", 60), ("high", 20), ("urgent", 5)];
const ESCALATION_NOTES: &[&str] =
    &["needs refund approval", "warranty exception", "over my limit", "customer asks for a supervisor"];
const TRANSFER_NOTES: &[&str] = &["billing question", "account issue", "technical problem with the app"];

fn weighted<T: Copy>(rng: &mut Rng, list: &[(T, u64)]) -> T {
    let total: u64 = list.iter().map(|x| x.1).sum();
    let mut n = rng.below(total);
    for (v, w) in list {
        if n < *w {
            return *v;
        }
        n -= w;
    }
    list[0].0
}

struct Staff {
    agents: Vec<AgentRow>,
    supervisors: Vec<AgentRow>,
    managers: Vec<AgentRow>,
}

impl Staff {
    fn for_department(&self, tier: &str, department: &str, rng: &mut Rng) -> Option<AgentRow> {
        let pool = match tier {
            "agent" => &self.agents,
            "supervisor" => &self.supervisors,
            _ => &self.managers,
        };
        let fit: Vec<&AgentRow> =
            pool.iter().filter(|a| a.departments.iter().any(|d| d == department)).collect();
        (!fit.is_empty()).then(|| (*rng.pick(&fit)).clone())
    }
}

/// Writes `days` days of history ending at `now` (ms) for `site`, unless a seeded history is
/// already stored (then nothing, unless `force`: delete it and write it again).
pub async fn seed_history(
    db: &dyn Database,
    site: &LoadedSite,
    days: u32,
    now: i64,
    force: bool,
) -> Result<SeedReport, SeedError> {
    let began = Instant::now();
    let first = format!("{PREFIX}000000");
    let mut deleted = 0;
    if db.conversation(&first).await?.is_some() {
        if !force {
            return Ok(SeedReport {
                conversations: 0,
                already_seeded: true,
                deleted: 0,
                elapsed: began.elapsed(),
            });
        }
        deleted = db.delete_conversations_with_prefix(PREFIX).await?;
    }
    let all = db.agents().await?;
    let tier = |t: &str| all.iter().filter(|a| a.tier == t).cloned().collect::<Vec<_>>();
    let staff = Staff { agents: tier("agent"), supervisors: tier("supervisor"), managers: tier("manager") };
    if staff.agents.is_empty() || staff.supervisors.is_empty() || staff.managers.is_empty() {
        return Err(SeedError::NoAgents);
    }
    let mut rng = Rng(0x005e_ed0f_fe2e_1111);
    // Midnight UTC `days` days ago; today only up to now.
    let start = (now - i64::from(days) * DAY).div_euclid(DAY) * DAY;
    let mut n: u64 = 0;
    for day in 0..=i64::from(days) {
        let midnight = start + day * DAY;
        // Weekdays busier than weekends, and slowly growing over the period.
        let weekday = (midnight / DAY + 3).rem_euclid(7); // 0 = Monday
        let base = if weekday >= 5 { 22 } else { 38 };
        let count = base + (day * 12 / i64::from(days.max(1))) + rng.below(10) as i64;
        let mut times: Vec<i64> =
            (0..count).map(|_| midnight + 7 * 3_600_000 + rng.below(14 * 3_600_000) as i64).collect();
        times.sort_unstable();
        for t in times.into_iter().filter(|t| *t < now - 2 * 3_600_000) {
            let id = format!("{PREFIX}{n:06}");
            one(db, site, &staff, &mut rng, id, t).await?;
            n += 1;
        }
    }
    db.sync().await?;
    Ok(SeedReport { conversations: n, already_seeded: false, deleted, elapsed: began.elapsed() })
}

/// One conversation from its start at `t`.
async fn one(
    db: &dyn Database,
    site: &LoadedSite,
    staff: &Staff,
    rng: &mut Rng,
    id: String,
    mut t: i64,
) -> Result<(), SeedError> {
    let total: u64 = LANGS.iter().map(|l| l.weight).sum();
    let mut w = rng.below(total);
    let lang = LANGS
        .iter()
        .find(|l| {
            if w < l.weight {
                true
            } else {
                w -= l.weight;
                false
            }
        })
        .unwrap_or(&LANGS[0]);
    let token_hash = format!("seeded-{id}");
    let mut row =
        ConversationRow::new_with_bot(id.clone(), site.key.clone(), lang.locale.into(), token_hash, t);
    row.page_url = Some("https://fernhill.example/shop".into());
    db.insert_conversation(&row).await?;
    let mut ch = Change::new(site, row, t);

    // With the bot: one or two customer lines; 62% end there.
    let (first, intent) = *rng.pick(lang.matched);
    let mut transcript =
        vec![TranscriptEntry { role: Role::Customer, text: first.into(), intent: Some(intent.into()) }];
    ch.message("customer", None, first, Some(format!("{id}-1")), false);
    if !rng.chance(38) {
        return commit(db, ch).await;
    }
    let reason = weighted(rng, REASONS);
    let mut article = None;
    t += rng.span(MIN / 2, 4 * MIN);
    ch.now = t;
    match reason {
        HandoffReason::Fallback | HandoffReason::Frustration => {
            let gap = rng.pick(lang.gaps);
            for text in [gap[0], gap[(rng.below(2)) as usize]] {
                transcript.push(TranscriptEntry { role: Role::Customer, text: text.into(), intent: None });
                transcript.push(TranscriptEntry {
                    role: Role::Bot,
                    text: "Sorry, I did not understand that.".into(),
                    intent: None,
                });
            }
        }
        HandoffReason::ArticleUnhelpful => {
            article = Some(rng.pick(ARTICLES).to_string());
            transcript.push(TranscriptEntry {
                role: Role::Customer,
                text: lang.ask_person.into(),
                intent: None,
            });
        }
        _ => {
            if rng.chance(30) {
                article = Some(rng.pick(ARTICLES).to_string());
            }
            transcript.push(TranscriptEntry {
                role: Role::Customer,
                text: lang.ask_person.into(),
                intent: None,
            });
        }
    }
    let department = weighted(rng, DEPARTMENTS).to_string();
    let priority = weighted(rng, PRIORITIES).to_string();
    let req = HandoffRequest {
        reason,
        detail: String::new(),
        department: department.clone(),
        tier: "agent".into(),
        priority: priority.clone(),
        locale: lang.locale.into(),
        transcript,
        intents: Vec::new(),
        slots: Default::default(),
        article,
        page_url: None,
    };
    // As `Desk::handoff` does.
    let first_tier = site.content.settings.handoff.first_tier.clone();
    ch.conv.department = Some(department.clone());
    ch.conv.tier = Some(first_tier.clone());
    ch.conv.priority = Some(priority.clone());
    ch.conv.reason = Some(reason.as_str().to_string());
    ch.conv.handoff_json = serde_json::to_string(&req).ok();
    ch.audit(AuditKind::Handoff, reason.as_str(), None);
    if rng.chance(7) {
        let why = if rng.chance(60) { "outside_hours" } else { "no_agent_online" };
        ch.conv.status = ConversationStatus::Offline;
        ch.conv.offline_reason = Some(why.into());
        ch.event(&CustomerEvent::HandoffStatus {
            status: "failed".into(),
            position: None,
            estimated_wait_secs: None,
            reason: Some(why.into()),
        });
        ch.audit(AuditKind::Offline, why, None);
        let ticket = rng.chance(60).then(|| {
            t += rng.span(MIN, 5 * MIN);
            t
        });
        let conv = ch.conv.clone();
        commit(db, ch).await?;
        if let Some(at) = ticket {
            let row = TicketRow {
                id: 0,
                site_key: conv.site_key.clone(),
                conversation_id: Some(conv.id.clone()),
                name: "Demo Customer".into(),
                email: "customer@example.com".into(),
                message: lang.ask_person.into(),
                transcript_json: "[]".into(),
                created_at: at,
                answer: None,
                answered_by: None,
                answered_at: None,
                answer_expected_by: Some(at + DAY),
                // History sends no mail; the token is given if an agent answers one.
                reply_token: None,
            };
            let audit = AuditRow {
                conversation_id: conv.id.clone(),
                site_key: conv.site_key.clone(),
                kind: "ticket".into(),
                reason: conv.offline_reason.clone().unwrap_or_default(),
                from_department: None,
                to_department: conv.department.clone(),
                from_tier: None,
                to_tier: conv.tier.clone(),
                agent_id: None,
                at,
            };
            db.insert_ticket(&row, &audit, &[]).await?;
        }
        return Ok(());
    }
    let sla = site.sla(&priority);
    let deadlines = crate::sla::deadlines(t, &sla);
    ch.requeue(None, LostReason::Handoff);
    ch.conv.first_response_due = Some(deadlines.first_response);
    ch.conv.resolution_due = Some(deadlines.resolution);
    ch.audit(AuditKind::Queued, reason.as_str(), None);

    let Some(mut agent) = staff.for_department(&first_tier, &department, rng) else {
        return commit(db, ch).await;
    };
    let first_response = i64::try_from(sla.first_response.as_millis()).unwrap_or(i64::MAX);
    // 9%: nobody answers in time; the breach escalates to a supervisor.
    if rng.chance(9) {
        t += rng.span(20_000, 3 * MIN);
        ch.now = t;
        ch.assign(&agent, "auto");
        t = ch.conv.first_response_due.unwrap_or(t + first_response).max(t + 1_000);
        ch.now = t;
        // What the sweeper does at that deadline, by the same code.
        ch.sla_breached(crate::sla::Breaches { first_response: true, resolution: false }, Some(&agent));
        agent = match staff.for_department("supervisor", &department, rng) {
            Some(a) => a,
            None => return commit(db, ch).await,
        };
    }
    t += rng.span(15_000, 8 * MIN);
    ch.now = t;
    ch.assign(&agent, if rng.chance(70) { "auto" } else { "claim" });
    t += rng.span(10_000, 4 * MIN);
    ch.now = t;
    ch.message("agent", Some(&agent), lang.hello, None, false);
    ch.conv.first_reply_at = Some(t);
    // Manual escalations up the ladder (8%, a fifth of them twice) and transfers (9%).
    if agent.tier == "agent" && rng.chance(8) {
        let note = *rng.pick(ESCALATION_NOTES);
        t += rng.span(2 * MIN, 15 * MIN);
        ch.now = t;
        ch.escalate_manually(&agent, "supervisor", note);
        if let Some(sup) = staff.for_department("supervisor", &department, rng) {
            t += rng.span(MIN, 10 * MIN);
            ch.now = t;
            ch.assign(&sup, "auto");
            agent = sup;
        }
        if rng.chance(20) {
            t += rng.span(5 * MIN, 20 * MIN);
            ch.now = t;
            ch.escalate_manually(&agent, "manager", "over my limit");
            if let Some(m) = staff.for_department("manager", &department, rng) {
                t += rng.span(MIN, 10 * MIN);
                ch.now = t;
                ch.assign(&m, "auto");
                agent = m;
            }
        }
    }
    if rng.chance(9) {
        let to = *rng.pick(&["billing", "account", "technical", "orders"]);
        if to != department {
            let tier = ch.conv.tier.clone().unwrap_or_default();
            if let Some(next) = staff.for_department(&tier, to, rng) {
                let note = *rng.pick(TRANSFER_NOTES);
                t += rng.span(2 * MIN, 10 * MIN);
                ch.now = t;
                ch.transfer_manually(&agent, to, note);
                t += rng.span(MIN, 12 * MIN);
                ch.now = t;
                ch.assign(&next, "auto");
                agent = next;
                t += rng.span(20_000, 3 * MIN);
                ch.now = t;
                ch.message("agent", Some(&agent), lang.hello, None, false);
            }
        }
    }
    // Resolution (slow ones breach the resolution SLA first), or a hand-back to the bot (4%).
    let work = rng.span(3 * MIN, 90 * MIN);
    let resolution_due = ch.conv.resolution_due;
    t += work;
    if let Some(due) = resolution_due.filter(|d| *d < t) {
        ch.now = due;
        ch.audit(AuditKind::SlaBreach, "resolution", ch.conv.agent_id);
    }
    ch.now = t;
    if rng.chance(4) {
        ch.return_to_bot(Some(&agent), None, "manual");
        return commit(db, ch).await;
    }
    ch.resolve(&agent);
    // 45% rate it; slow or escalated ones lower.
    if rng.chance(45) {
        t += rng.span(10_000, 2 * MIN);
        ch.now = t;
        let slow = work > 45 * MIN || ch.conv.tier.as_deref() != Some(first_tier.as_str());
        let score: i64 = if slow { 1 + rng.below(4) as i64 } else { 3 + rng.below(3) as i64 };
        ch.conv.rating = Some(score);
        if rng.chance(35) {
            let list = if score >= 4 { lang.good } else { lang.bad };
            ch.conv.rating_comment = Some(rng.pick(list).to_string());
        }
        ch.audit(AuditKind::Rating, &score.to_string(), ch.conv.agent_id);
    }
    commit(db, ch).await
}

async fn commit(db: &dyn Database, ch: Change<'_>) -> Result<(), SeedError> {
    let mut commit = ch.finish();
    // The demo history happened in the past: nobody is to be notified of it.
    commit.notices.clear();
    db.commit_unsynced(&commit).await?;
    Ok(())
}
