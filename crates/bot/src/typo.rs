//! Typo tolerance by symmetric deletion, shared by intent matching and article search.
//!
//! Every indexed word is stored under each string made by deleting one (or, for long words,
//! two) of its characters. A token and a word within the typo budget of each other share such a
//! string, so candidates come from a few look-ups instead of a scan of the vocabulary; each
//! candidate is then confirmed with a bounded edit distance.

use crate::intern::Interner;
use crate::normalize::{deletes, edit_distance, typo_budget};

#[derive(Debug, Clone, Default)]
pub struct TypoIndex {
    /// Deletion string -> index into `lists`.
    deletes: Interner,
    /// The word ids indexed under each deletion string.
    lists: Vec<Vec<u32>>,
}

impl TypoIndex {
    /// Indexes `word` under `id`; short words are not indexed (they allow no typo).
    pub fn add(&mut self, word: &str, id: u32) {
        let budget = typo_budget(word.chars().count());
        if budget == 0 {
            return;
        }
        let mut buf = Vec::new();
        deletes(word, budget, 0, &mut buf);
        for d in buf {
            let next = self.lists.len() as u32;
            let list = self.deletes.get_or_insert(&d, next);
            if list == next {
                self.lists.push(Vec::new());
            }
            let ids = &mut self.lists[list as usize];
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }

    /// Ids of the indexed words within the typo budget of `token` (the budget of the shorter of
    /// the two). `words[id]` is the word indexed under `id`; `exact` finds an indexed word
    /// spelled exactly like a string (a deletion of the token may be a whole word).
    pub fn find(&self, token: &str, words: &[String], exact: impl Fn(&str) -> Option<u32>) -> Vec<u32> {
        let budget = typo_budget(token.chars().count());
        if budget == 0 {
            return Vec::new();
        }
        let list = |s: &str| self.deletes.get(s).map(|i| self.lists[i as usize].as_slice()).unwrap_or(&[]);
        let mut candidates: Vec<u32> = list(token).to_vec();
        let mut dels = Vec::new();
        deletes(token, budget, 0, &mut dels);
        for d in &dels {
            candidates.extend(exact(d));
            candidates.extend(list(d));
        }
        crate::sort::sort_dedup(&mut candidates);
        crate::work::add(candidates.len());
        candidates.retain(|&id| {
            let word = &words[id as usize];
            let allowed = budget.min(typo_budget(word.chars().count()));
            allowed > 0 && edit_distance(token, word, allowed) <= allowed
        });
        candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_one_or_two_edits_away_by_length() {
        let words: Vec<String> = ["delivery", "reklamace", "cost"].iter().map(|s| s.to_string()).collect();
        let mut idx = TypoIndex::default();
        for (i, w) in words.iter().enumerate() {
            idx.add(w, i as u32);
        }
        let exact = |s: &str| words.iter().position(|w| w == s).map(|i| i as u32);
        assert_eq!(idx.find("delivry", &words, exact), vec![0]);
        assert_eq!(idx.find("deliveryy", &words, exact), vec![0]);
        assert_eq!(idx.find("rkelamace", &words, exact), vec![1]);
        assert_eq!(idx.find("dlvry", &words, exact), Vec::<u32>::new());
        assert_eq!(idx.find("cots", &words, exact), Vec::<u32>::new());
    }
}
