//! The portal's search box on the demo shop (issue 18: "search tails the good results with
//! unrelated ones"). portal_queries.tsv holds what customers type there and the articles a person
//! would accept; the suite fails when the first result or the share of acceptable results among
//! those shown falls below its floor. Figures in docs/benchmarks.md.

use handoff_bot::{load, Engine};
use std::path::Path;

/// Results the portal shows at most (src/components/portal.rs).
const SHOWN: usize = 8;
/// Right first, and acceptable among all shown, in % over the whole set.
const FLOORS: (f32, f32) = (90.0, 75.0);

#[test]
fn portal_results_are_on_topic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = handoff_bot::fs::read_folder(&root.join("../../content/demo")).expect("content/demo");
    let engine = Engine::new(load::load(&files).expect("loads")).expect("engine");
    let set = std::fs::read_to_string(root.join("tests/portal_queries.tsv")).expect("portal_queries.tsv");
    let (mut queries, mut first_right, mut shown, mut acceptable) = (0, 0, 0, 0);
    let mut report = Vec::new();
    for (n, line) in set.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [locale, query, ok] = cols[..] else { panic!("portal_queries.tsv:{}: three columns", n + 1) };
        let ok: Vec<&str> = ok.split(',').collect();
        for id in &ok {
            assert!(
                engine.site().articles.iter().any(|a| a.id == *id),
                "portal_queries.tsv:{}: no article {id}",
                n + 1
            );
        }
        let ids: Vec<&str> = engine
            .search(locale, query, SHOWN)
            .iter()
            .map(|h| engine.site().articles[h.article].id.as_str())
            .collect();
        queries += 1;
        first_right += usize::from(ids.first().is_some_and(|id| ok.contains(id)));
        shown += ids.len();
        let good = ids.iter().filter(|id| ok.contains(id)).count();
        acceptable += good;
        if good < ids.len() || ids.first().is_none_or(|id| !ok.contains(id)) {
            report.push(format!("  {locale} {query:?}: {ids:?}"));
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f32 / b.max(1) as f32;
    let (first, precision) = (pct(first_right, queries), pct(acceptable, shown));
    println!("portal search: {queries} queries, right first {first:.1} %, acceptable among shown {precision:.1} % ({acceptable} of {shown})");
    println!("off topic:\n{}", report.join("\n"));
    assert!(
        first >= FLOORS.0 && precision >= FLOORS.1,
        "below the floors {FLOORS:?}: right first {first:.1} %, acceptable {precision:.1} %\n{}",
        report.join("\n")
    );
}
