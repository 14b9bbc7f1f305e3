//! Content gaps: the customer messages the bot could not match before a handoff, clustered per
//! language by the bot's own grouping (`handoff_bot::gaps`, the one `handoff-bot check --gaps`
//! uses), and the articles customers were shown right before they asked for a person.
//!
//! The source is each conversation's latest stored handoff (`HandoffRequest`): its transcript's
//! customer lines without an `intent`, and its `article`. A line asking for a person is how the
//! customer escalated, not a gap: it is left out.

use crate::db::HandoffText;
use handoff_bot::engine::FirstMessage;
use handoff_bot::gaps::{self, Unmatched};
use handoff_bot::Engine;
use handoff_protocol::insights::{ArticleCount, GapCluster, GapExample};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The clusters of the conversations in `keep` (per locale, locales sorted, best first within
/// one: most handoffs, then most messages) and their articles shown before the handoff (most
/// first, ties by article id). Without an engine no message can be re-asked: no clusters.
pub(crate) fn gaps(
    engine: Option<&Engine>,
    texts: &[HandoffText],
    keep: &HashSet<&str>,
) -> (Vec<GapCluster>, Vec<ArticleCount>) {
    let mut articles: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unmatched = Vec::new();
    for t in texts.iter().filter(|t| keep.contains(t.conversation_id.as_str())) {
        if let Some(a) = t.article.as_deref().filter(|a| !a.is_empty()) {
            *articles.entry(a).or_default() += 1;
        }
        for text in t.unmatched.iter().filter(|x| !x.trim().is_empty()) {
            unmatched.push(Unmatched {
                locale: t.locale.clone(),
                text: text.clone(),
                conversation: Some(t.conversation_id.clone()),
                handed_off: true,
            });
        }
    }
    let mut articles: Vec<ArticleCount> =
        articles.into_iter().map(|(a, count)| ArticleCount { article: a.to_string(), count }).collect();
    articles.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.article.cmp(&b.article)));
    let Some(engine) = engine else { return (Vec::new(), articles) };
    let verdicts = verdicts(engine, &unmatched);
    let mut clusters: Vec<GapCluster> = gaps::group(&unmatched, &verdicts)
        .gaps
        .into_iter()
        .map(|g| GapCluster {
            locale: g.locale,
            label: label(&g.words, &g.examples),
            words: g.words,
            messages: g.messages as u64,
            handoffs: g.handoffs as u64,
            examples: g
                .examples
                .into_iter()
                .map(|(text, c)| GapExample { conversation_id: c.unwrap_or_default(), text })
                .collect(),
        })
        .collect();
    // Stable: the bot's ranking stays within each locale.
    clusters.sort_by(|a, b| a.locale.cmp(&b.locale));
    (clusters, articles)
}

/// What the content makes of each message now ([`Engine::first_message`]), asked once per distinct
/// (locale, text) and on every core: for 70,000 messages it was most of the page's time.
fn verdicts(engine: &Engine, messages: &[Unmatched]) -> Vec<FirstMessage> {
    let mut distinct: HashMap<(&str, &str), usize> = HashMap::new();
    let mut keys: Vec<(&str, &str)> = Vec::new();
    let index: Vec<usize> = messages
        .iter()
        .map(|m| {
            let key = (m.locale.as_str(), m.text.as_str());
            *distinct.entry(key).or_insert_with(|| {
                keys.push(key);
                keys.len() - 1
            })
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = keys.len().div_ceil(threads).max(1);
    let verdicts: Vec<FirstMessage> = std::thread::scope(|s| {
        let parts: Vec<_> = keys
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || part.iter().map(|(l, t)| engine.first_message(l, t)).collect::<Vec<_>>())
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    index.into_iter().map(|i| verdicts[i]).collect()
}

/// The cluster's words as customers wrote them, for people: each folded core word (folding
/// turns Cyrillic into Latin letters and drops diacritics: "moga naema palatka") replaced by
/// the first word of an example that folds to exactly it, lowercased ("мога наема палатка");
/// the folded word where no example has it as such (a stem or a typo variant).
fn label(words: &[String], examples: &[(String, Option<String>)]) -> String {
    let written = |w: &String| {
        examples
            .iter()
            .flat_map(|(text, _)| text.split(|c: char| !c.is_alphanumeric()))
            .find(|original| handoff_bot::normalize::tokens(original).as_slice() == std::slice::from_ref(w))
            .map(str::to_lowercase)
            .unwrap_or_else(|| w.clone())
    };
    words.iter().map(written).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_keep_the_customers_script_and_diacritics() {
        let ex = |t: &str| (t.to_string(), None);
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            label(&words(&["moga", "naema", "palatka"]), &[ex("Мога ли да наема палатка за уикенда?")]),
            "мога наема палатка"
        );
        assert_eq!(
            label(&words(&["muzu", "pujcit", "stan"]), &[ex("Můžu si půjčit stan na víkend?")]),
            "můžu půjčit stan"
        );
        assert_eq!(label(&words(&["reissverschluss"]), &[ex("Reißverschluss Reparatur")]), "reißverschluss");
        // A word no example has as such (the core kept a stem): the folded word.
        assert_eq!(label(&words(&["tent", "rent"]), &[ex("can I rent tents?")]), "tent rent");
    }
}
