//! Article search for the portal: ranked, diacritics- and typo-tolerant, usable as you type.
//!
//! One inverted index per locale. Titles weigh more than tags, tags more than the body. Each
//! query word matches exactly, as a prefix (so "retu" already finds "return"), or with a typo;
//! exact matches score highest. Scores are BM25-like so long articles do not win by length.

use crate::intern::Interner;
use crate::markdown::plain_blocks;
use crate::model::Article;
use crate::normalize::{tokens, tokens_upto, MAX_MESSAGE_WORDS, MAX_TYPO_WORDS};
use crate::stopwords::is_stopword;
use crate::strmap::StrMap;
use crate::typo::TypoIndex;

const TITLE_WEIGHT: f32 = 3.0;
const TAG_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
const PREFIX_SCORE: f32 = 0.7;
const TYPO_SCORE: f32 = 0.6;
/// A finished query word shorter than this is not expanded as a prefix: "los" (in "was ist da
/// los") is a word of its own, not the start of "löschen". Only the word being typed in the
/// portal expands from two letters.
const MIN_EXPAND: usize = 4;
/// A prefix query word expands to at most this many indexed words (the most frequent win ties
/// by order), so a one-letter-longer query stays fast.
const MAX_EXPANSIONS: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Index into the site's article list.
    pub article: usize,
    pub score: f32,
    /// How surely the article answers the query: its score per query word, or a share of its
    /// best single word's (one distinctive word in a title, "platební" in "Jaké máte platební
    /// metody?", is enough in a longer sentence), whichever is higher; the best word counts only
    /// if the article matches the rest of the query somewhat ([`MIN_PER_WORD`]), so one rare
    /// body word ("set" in "how do I set up a dome tent") is not an answer. A chat shows an
    /// article only from [`MIN_CARD_STRENGTH`] on, so a question the content cannot answer gets
    /// "I don't know" rather than unrelated cards; the portal lists every hit.
    pub strength: f32,
}

/// The least [`SearchHit::strength`] of an article shown in the chat. On the demo's eval set
/// (content/demo/eval.tsv) questions without an answer reach at most 1.6: common words and
/// typos of other words ("hiring" -> "hiking") score low per word and in no title.
pub const MIN_CARD_STRENGTH: f32 = 1.75;
/// The score per query word below which the best word does not count towards strength.
const MIN_PER_WORD: f32 = 0.75;
/// What the best word alone counts towards [`SearchHit::strength`]: an exact title word of an
/// article (about 3) passes the floor by itself.
const BEST_WORD_SHARE: f32 = 0.6;

/// The tail of a result list: an article that shares only a weak word with the query ("my" of
/// "cancel my order") is left out unless it scores at least this share of the best article and
/// its words match at least [`MIN_PER_WORD`] on average. On crates/bot/tests/portal_queries.tsv
/// this took the acceptable share of shown results from 28 % to 79 % (docs/benchmarks.md).
const TAIL_SHARE: f32 = 0.4;

#[derive(Debug, Clone, Default)]
struct LocaleIndex {
    docs: Vec<usize>,
    terms: Interner,
    /// Sorted vocabulary for prefix lookups.
    sorted: Vec<(String, u32)>,
    typo: TypoIndex,
    /// term -> (doc slot, weighted term frequency)
    postings: Vec<Vec<(u32, f32)>>,
    doc_len: Vec<f32>,
    avg_len: f32,
    /// term id -> term
    text: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ArticleIndex {
    locales: StrMap<LocaleIndex>,
}

impl ArticleIndex {
    pub fn new(articles: &[Article]) -> ArticleIndex {
        let mut locales: StrMap<LocaleIndex> = StrMap::new();
        for (ai, a) in articles.iter().enumerate() {
            let idx = locales.get_or_insert_with(&a.locale, LocaleIndex::default);
            let slot = idx.docs.len() as u32;
            idx.docs.push(ai);
            let mut occurrences: Vec<(String, f32)> = Vec::new();
            let mut len = 0.0;
            let mut add = |text: &str, w: f32| {
                for t in tokens(text) {
                    len += w;
                    occurrences.push((t, w));
                }
            };
            add(&a.title, TITLE_WEIGHT);
            for tag in &a.tags {
                add(tag, TAG_WEIGHT);
            }
            add(&plain_blocks(&a.blocks), BODY_WEIGHT);
            idx.doc_len.push(len);
            // Weighted term frequency: the weights of each term's occurrences, summed.
            crate::sort::sort_by(&mut occurrences, |a, b| a.0.cmp(&b.0));
            let mut tf: Vec<(String, f32)> = Vec::new();
            for (term, w) in occurrences {
                match tf.last_mut() {
                    Some(last) if last.0 == term => last.1 += w,
                    _ => tf.push((term, w)),
                }
            }
            for (term, f) in tf {
                let next = idx.postings.len() as u32;
                let id = idx.terms.get_or_insert(&term, next);
                if id == next {
                    idx.postings.push(Vec::new());
                }
                idx.postings[id as usize].push((slot, f));
            }
        }
        for idx in locales.values_mut() {
            idx.avg_len = idx.doc_len.iter().sum::<f32>() / idx.doc_len.len().max(1) as f32;
            idx.sorted = idx.terms.iter().map(|(t, id)| (t.to_string(), id)).collect();
            crate::sort::sort_by(&mut idx.sorted, |a, b| a.0.cmp(&b.0));
            idx.text = vec![String::new(); idx.postings.len()];
            for (t, id) in &idx.sorted {
                idx.text[*id as usize] = t.clone();
            }
            for (t, id) in idx.terms.iter() {
                idx.typo.add(t, id);
            }
        }
        ArticleIndex { locales }
    }

    /// Ranked articles of `locale` for the query, best first, at most `limit`. `typing`: the
    /// query's last word may be unfinished (the portal's search box), so it expands as a prefix
    /// from two letters; a chat message is finished.
    pub fn search(&self, locale: &str, query: &str, limit: usize, typing: bool) -> Vec<SearchHit> {
        let Some(idx) = self.locales.get(locale) else { return Vec::new() };
        let words = tokens_upto(query, MAX_MESSAGE_WORDS);
        let last = words.last().cloned().filter(|_| typing);
        let meaningful: Vec<&String> = words.iter().filter(|w| !is_stopword(w)).collect();
        let words: Vec<&String> = if meaningful.is_empty() { words.iter().collect() } else { meaningful };
        let n = idx.docs.len() as f32;
        // Dense per-document arrays: faster than maps at these sizes, and no map code in wasm.
        let docs = idx.docs.len();
        let mut scores = vec![0.0f32; docs];
        let mut matched_words = vec![0u32; docs];
        let mut per_doc = vec![0.0f32; docs];
        let mut best_word = vec![0.0f32; docs];
        let mut typos = MAX_TYPO_WORDS;
        for w in &words {
            per_doc.iter_mut().for_each(|s| *s = 0.0);
            let min_prefix = if Some(*w) == last.as_ref() { 2 } else { MIN_EXPAND };
            for (term, quality) in idx.expand(w, min_prefix, &mut typos) {
                let postings = &idx.postings[term as usize];
                let idf = (1.0 + (n - postings.len() as f32 + 0.5) / (postings.len() as f32 + 0.5)).ln();
                for &(doc, tf) in postings {
                    let norm = 1.2 * (0.25 + 0.75 * idx.doc_len[doc as usize] / idx.avg_len.max(1.0));
                    let s = quality * idf * tf * 2.2 / (tf + norm);
                    let e = &mut per_doc[doc as usize];
                    *e = e.max(s);
                }
            }
            for (doc, s) in per_doc.iter().enumerate() {
                if *s > 0.0 {
                    best_word[doc] = best_word[doc].max(*s);
                    scores[doc] += s;
                    matched_words[doc] += 1;
                }
            }
        }
        let hit = |doc: usize| {
            // Documents that contain every query word come first.
            let all = matched_words[doc] as usize == words.len();
            let s = scores[doc];
            SearchHit {
                article: idx.docs[doc],
                score: if all { s * 2.0 } else { s },
                strength: {
                    let per_word = s / words.len() as f32;
                    if per_word >= MIN_PER_WORD {
                        per_word.max(BEST_WORD_SHARE * best_word[doc])
                    } else {
                        per_word
                    }
                },
            }
        };
        let top = (0..docs).map(|doc| hit(doc).score).fold(0.0, f32::max);
        // Articles without a query word score 0. The best article always shows; the others
        // must be close to it and match well.
        let mut hits: Vec<SearchHit> = (0..docs)
            .map(hit)
            .filter(|h| {
                h.score > 0.0
                    && (h.score >= top || (h.score >= TAIL_SHARE * top && h.strength >= MIN_PER_WORD))
            })
            .collect();
        crate::sort::sort_by(&mut hits, |a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
        hits.truncate(limit);
        hits
    }
}

impl LocaleIndex {
    /// The indexed terms a query word stands for, with how well each matches. `typos` is how
    /// many more words of the query may be looked up with typos.
    fn expand(&self, word: &str, min_prefix: usize, typos: &mut usize) -> Vec<(u32, f32)> {
        let mut out = Vec::new();
        if let Some(id) = self.terms.get(word) {
            out.push((id, 1.0));
        }
        if word.chars().count() >= min_prefix {
            let start = self.sorted.partition_point(|(t, _)| t.as_str() < word);
            for (t, id) in
                self.sorted[start..].iter().take_while(|(t, _)| t.starts_with(word)).take(MAX_EXPANSIONS)
            {
                if t != word {
                    out.push((*id, PREFIX_SCORE));
                }
            }
        }
        if out.is_empty() && *typos > 0 {
            *typos -= 1;
            let terms = &self.terms;
            for id in self.typo.find(word, &self.text, |d| terms.get(d)) {
                out.push((id, TYPO_SCORE));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::blocks;

    fn article(id: &str, locale: &str, title: &str, tags: &[&str], body: &str) -> Article {
        Article {
            id: id.into(),
            locale: locale.into(),
            title: title.into(),
            category: "c".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            blocks: blocks(body),
        }
    }

    fn corpus() -> Vec<Article> {
        vec![
            article(
                "track",
                "en",
                "How to track your order",
                &["parcel", "tracking"],
                "Open your account and follow the parcel.",
            ),
            article(
                "return",
                "en",
                "Returning an item",
                &["refund", "send back"],
                "Returns are free for 30 days. Your order number helps.",
            ),
            article(
                "refund",
                "pt",
                "Quando recebo o reembolso",
                &["devolução", "dinheiro"],
                "O reembolso chega em até dez dias úteis.",
            ),
            article(
                "return",
                "cs",
                "Jak vrátit zboží",
                &["vrácení", "reklamace"],
                "Vrácení je do 30 dnů zdarma.",
            ),
        ]
    }

    #[test]
    fn ranks_title_matches_first_and_filters_by_locale() {
        let idx = ArticleIndex::new(&corpus());
        let hits = idx.search("en", "order", 10, false);
        assert_eq!(hits[0].article, 0, "title match ranks first");
        assert_eq!(hits.len(), 1, "a passing mention in another article's body is a tail, left out");
        assert!(idx.search("de", "order", 10, false).is_empty());
    }

    #[test]
    fn diacritics_typos_and_prefixes() {
        let idx = ArticleIndex::new(&corpus());
        assert_eq!(idx.search("pt", "devolucao", 5, false)[0].article, 2);
        assert_eq!(idx.search("cs", "vraceni", 5, false)[0].article, 3);
        assert_eq!(idx.search("en", "trackng", 5, false)[0].article, 0);
        assert_eq!(idx.search("en", "retu", 5, false)[0].article, 1);
        assert_eq!(idx.search("en", "ret", 5, true)[0].article, 1, "the word being typed");
        assert!(idx.search("en", "zzzz", 5, false).is_empty());
    }

    #[test]
    fn short_finished_words_are_not_prefixes() {
        let mut articles = corpus();
        articles.push(article("delete", "de", "Kundenkonto löschen", &[], "So löschen Sie Ihr Konto."));
        let idx = ArticleIndex::new(&articles);
        assert!(idx.search("de", "was ist da los", 5, false).is_empty(), "los is not löschen");
        assert!(idx.search("de", "was ist da los", 5, true).len() == 1, "unless still being typed");
        assert_eq!(idx.search("de", "konto losch", 5, false).len(), 1, "a longer stem still expands");
    }
}
