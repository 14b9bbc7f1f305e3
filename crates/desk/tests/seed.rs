//! The demo history generator: deterministic, idempotent, `force` rewrites it, and the rows it
//! writes give the insights something in every section, in six languages.

mod common;

use common::*;
use handoff_desk::config::Config;
use handoff_desk::desk::seed::{seed_history, PREFIX};
use handoff_desk::insights::{self, GapEngine, InsightsQuery};
use handoff_desk::sites::Sites;
use handoff_desk::startup::{open_db, seed_demo};
use std::collections::BTreeSet;

const NOW: i64 = 1_780_000_000_000; // fixed, so two runs compare

#[tokio::test]
async fn the_demo_history_is_deterministic_idempotent_and_complete() {
    let dir = tempfile::tempdir().expect("dir");
    let config = Config::parse(&config_text(&dir.path().join("data"), "", ""), dir.path()).expect("config");
    let sites = Sites::load(&config.sites).expect("sites");
    let site = sites.get("demo").expect("demo");
    let db = open_db(&config).await.expect("db");
    assert!(matches!(
        seed_history(&*db, site, 14, NOW, false).await,
        Err(handoff_desk::desk::seed::SeedError::NoAgents)
    ));
    seed_demo(&*db).await.expect("agents");

    let first = seed_history(&*db, site, 14, NOW, false).await.expect("seed");
    assert!(first.conversations > 300, "{first:?}");
    assert!(!first.already_seeded);
    let mut q = InsightsQuery::new("demo", NOW - 15 * 86_400_000, NOW);
    q.engine = site.engine().map(GapEngine);
    let before = insights::compute(&*db, &q).await.expect("insights");

    let again = seed_history(&*db, site, 14, NOW, false).await.expect("seed");
    assert!(again.already_seeded && again.conversations == 0, "{again:?}");
    let forced = seed_history(&*db, site, 14, NOW, true).await.expect("seed");
    assert_eq!((forced.deleted, forced.conversations), (first.conversations, first.conversations));
    let after = insights::compute(&*db, &q).await.expect("insights");
    assert_eq!(before, after, "the same history again");

    let i = after;
    let k = &i.containment;
    assert_eq!(k.started, first.conversations);
    assert!(k.handed_off > 0 && k.contained > k.handed_off && k.offline > 0 && k.handed_back > 0, "{k:?}");
    assert!(k.handoffs_by_reason.values().all(|n| *n > 0), "{k:?}");
    assert!(i.flow.escalations > 0 && i.flow.transfers > 0, "{:?}", i.flow);
    assert!(i.flow.tiers.iter().any(|e| e.from == "supervisor" && e.to == "manager"));
    assert!(i.speed.first_reply.count > 0 && i.speed.resolution.count > 0 && i.speed.requeue_wait.count > 0);
    assert!(i.speed.sla.total.first_response_breaches > 0);
    assert!(
        i.quality.ratings > 0 && !i.quality.comments.is_empty() && !i.quality.unhelpful_articles.is_empty()
    );
    assert!(!i.articles_before_handoff.is_empty());
    let gap_locales: BTreeSet<&str> = i.gaps.iter().map(|g| g.locale.as_str()).collect();
    assert_eq!(gap_locales.len(), 6, "gaps in six languages: {:?}", i.gaps);
    assert!(i.gaps.iter().all(|g| !g.examples.is_empty() && g.examples.len() <= 3));
    assert!(i.trends.points.iter().filter(|p| p.figures.started > 0).count() >= 14);
    // Consistent with what the live desk writes: every seeded conversation that was handed off
    // was queued or answered offline, and tickets only follow an offline answer.
    for id in [format!("{PREFIX}000000"), format!("{PREFIX}000100")] {
        let c = db.conversation(&id).await.expect("db").expect("conversation");
        let audit = db.audit(&id).await.expect("audit");
        let handoffs = audit.iter().filter(|a| a.kind == "handoff").count();
        let next = audit.iter().filter(|a| a.kind == "queued" || a.kind == "offline").count();
        assert_eq!(handoffs, next, "{c:?} {audit:?}");
        assert!(!db.messages(&id).await.expect("messages").is_empty());
    }
    db.close().await;
}
