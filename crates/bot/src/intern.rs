//! `Interner`: a small open-addressing hash table from strings to `u32` ids.
//!
//! The matcher, the article search and the typo index each map many words (thousands for a
//! large site; tens of thousands of typo deletions) to numbers, built once and then only read.
//! One non-generic table serves them all, so the widget's wasm carries its code once (a
//! `BTreeMap<String, _>` per value type cost ~4 KB each), and lookups are a hash and usually
//! one comparison. Iteration is in insertion order; callers that need key order sort.

/// FNV-1a: tiny, and good enough for words (content is the site owner's, not an attacker's;
/// customers' words are only looked up).
fn hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Entries in insertion order.
    entries: Vec<(String, u32)>,
    /// Power-of-two sized; 0 = empty, otherwise an index into `entries` plus one.
    table: Vec<u32>,
}

impl Interner {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The slot where `key` is or would go.
    fn slot(&self, key: &str) -> usize {
        let mask = self.table.len() - 1;
        let mut i = hash(key) as usize & mask;
        loop {
            match self.table[i] {
                0 => return i,
                e if self.entries[e as usize - 1].0 == key => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        match self.table[self.slot(key)] {
            0 => None,
            e => Some(self.entries[e as usize - 1].1),
        }
    }

    /// The value stored for `key`, storing `value` first if the key is new.
    pub fn get_or_insert(&mut self, key: &str, value: u32) -> u32 {
        if self.entries.len() * 2 >= self.table.len() {
            self.grow();
        }
        let i = self.slot(key);
        match self.table[i] {
            0 => {
                self.entries.push((key.to_string(), value));
                self.table[i] = self.entries.len() as u32;
                value
            }
            e => self.entries[e as usize - 1].1,
        }
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(16);
        self.table = vec![0; size];
        for (n, (key, _)) in self.entries.iter().enumerate() {
            let mut i = hash(key) as usize & (size - 1);
            while self.table[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            self.table[i] = n as u32 + 1;
        }
    }

    /// (key, value) in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn agrees_with_a_btreemap_over_many_keys() {
        let mut ours = Interner::default();
        let mut std: BTreeMap<String, u32> = BTreeMap::new();
        for n in 0..5000u32 {
            // Repeats, Unicode and near-identical keys.
            let key = format!("w{}ž{}", n % 1777, n % 3);
            let got = ours.get_or_insert(&key, n);
            let want = *std.entry(key).or_insert(n);
            assert_eq!(got, want);
        }
        assert_eq!(ours.len(), std.len());
        for (k, v) in &std {
            assert_eq!(ours.get(k), Some(*v));
        }
        assert_eq!(ours.get("absent"), None);
        assert_eq!(ours.get(""), None);
        assert_eq!(Interner::default().get("x"), None);
    }

    #[test]
    fn iterates_in_insertion_order() {
        let mut m = Interner::default();
        for (i, k) in ["zebra", "apple", "mango", "apple"].iter().enumerate() {
            m.get_or_insert(k, i as u32);
        }
        let got: Vec<_> = m.iter().collect();
        assert_eq!(got, [("zebra", 0), ("apple", 1), ("mango", 2)]);
    }
}
