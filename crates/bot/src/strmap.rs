//! `StrMap<V>`: a map from strings to `V`, stored as a vector sorted by key.
//!
//! The content model has many small maps keyed by locale or name (a translation per locale,
//! patterns per locale, slot types by name). `BTreeMap` compiles to 4–11 KB of wasm per value
//! type (node handling, search, iteration, drop, clone), and the widget used five of them:
//! ~30 KB of its wasm. A sorted vector does the same job for maps of a handful of entries
//! with a binary search and a few hundred bytes of code per value type. It iterates in key
//! order like a `BTreeMap`, so bundles, checks and output stay deterministic.
//!
//! Not for large maps built one insert at a time (each insert shifts the tail): build those
//! with [`StrMap::from_pairs`], which sorts once.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

#[derive(Debug, Clone, PartialEq)]
pub struct StrMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap { entries: Vec::new() }
    }
}

impl<V> StrMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// From pairs in any order; for a key given twice, the later value wins (as with
    /// repeated `insert`).
    pub fn from_pairs(mut pairs: Vec<(String, V)>) -> Self {
        // Stable by construction: sort (key, original position) so "later wins" holds.
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| pairs[a].0.cmp(&pairs[b].0).then(a.cmp(&b)));
        let mut slots: Vec<Option<(String, V)>> = pairs.drain(..).map(Some).collect();
        let mut entries: Vec<(String, V)> = Vec::with_capacity(slots.len());
        for i in order {
            let Some(pair) = slots[i].take() else { continue };
            match entries.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => entries.push(pair),
            }
        }
        StrMap { entries }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the replaced value.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`, inserted with `make` first if missing.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key.to_string(), make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// `map["en"]`, like `BTreeMap`: panics when the key is missing (tests and checked content).
impl<V> std::ops::Index<&str> for StrMap<V> {
    type Output = V;
    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry for key {key:?}"),
        }
    }
}

impl<V> FromIterator<(String, V)> for StrMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Self::from_pairs(iter.into_iter().collect())
    }
}

impl<'a, V> IntoIterator for &'a StrMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V> IntoIterator for StrMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<V: Serialize> Serialize for StrMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for StrMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = StrMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, V>()? {
                    pairs.push((k, v));
                }
                Ok(StrMap::from_pairs(pairs))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btreemap() {
        let ops = [("pt", 1), ("de", 2), ("en", 3), ("de", 4), ("bg", 5), ("tl", 6), ("en", 7)];
        let mut ours = StrMap::new();
        let mut std = BTreeMap::new();
        for (k, v) in ops {
            assert_eq!(ours.insert(k.to_string(), v), std.insert(k.to_string(), v));
        }
        let a: Vec<_> = ours.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let b: Vec<_> = std.iter().map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(a, b);
        for k in ["de", "en", "xx", ""] {
            assert_eq!(ours.get(k), std.get(k));
            assert_eq!(ours.contains_key(k), std.contains_key(k));
        }
        assert_eq!(ours.len(), std.len());
    }

    #[test]
    fn from_pairs_sorts_and_the_later_duplicate_wins() {
        let m = StrMap::from_pairs(vec![("b".into(), 1), ("a".into(), 2), ("b".into(), 3), ("c".into(), 4)]);
        let got: Vec<_> = m.into_iter().collect();
        assert_eq!(got, [("a".to_string(), 2), ("b".to_string(), 3), ("c".to_string(), 4)]);
    }

    #[test]
    fn get_or_insert_with_inserts_once_in_order() {
        let mut m: StrMap<Vec<u32>> = StrMap::new();
        m.get_or_insert_with("z", Vec::new).push(1);
        m.get_or_insert_with("a", Vec::new).push(2);
        m.get_or_insert_with("z", Vec::new).push(3);
        assert_eq!(m.keys().cloned().collect::<Vec<_>>(), ["a", "z"]);
        assert_eq!(m.get("z"), Some(&vec![1, 3]));
    }

    #[test]
    fn round_trips_through_toml_and_json_as_a_table() {
        let m: StrMap<String> = toml::from_str("en = \"Hi\"\nde = \"Hallo\"").unwrap();
        assert_eq!(m.keys().cloned().collect::<Vec<_>>(), ["de", "en"]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"de":"Hallo","en":"Hi"}"#);
        let back: StrMap<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
