//! Adds another locale's bundle to a loaded site: the widget starts with the visitor's locale
//! only (see [`crate::split`]) and fetches a second one when the visitor switches language.

use crate::model::{Named, Site, StrMap};

impl Site {
    /// Adds the locale content of `other`, a bundle of the same site export, to this site.
    /// Refused (and this site left as it was) when the two are not the same site with the same
    /// rules: a site republished between the two downloads must not pair one version's texts
    /// with the other's rules.
    pub fn merge(&mut self, other: Site) -> Result<(), &'static str> {
        if !same_shape(self, &other) {
            return Err("the site changed since it was loaded");
        }
        let s = &mut self.settings;
        let o = other.settings;
        add(&mut s.site.greeting, o.site.greeting);
        add(&mut s.handoff.explicit_phrases, o.handoff.explicit_phrases);
        add(&mut s.handoff.angry_words, o.handoff.angry_words);
        names(&mut s.departments, o.departments);
        names(&mut s.tiers, o.tiers);
        names(&mut s.categories, o.categories);
        for (mine, theirs) in self.intents.iter_mut().zip(other.intents) {
            add(&mut mine.patterns, theirs.patterns);
            add(&mut mine.answer, theirs.answer);
            for (q, t) in mine.quick_replies.iter_mut().zip(theirs.quick_replies) {
                add(&mut q.label, t.label);
                if let (Some(send), Some(t)) = (&mut q.send, t.send) {
                    add(send, t);
                }
            }
            for (step, t) in mine.steps.iter_mut().zip(theirs.steps) {
                add(&mut step.prompt, t.prompt);
                add(&mut step.retry, t.retry);
                for (o, t) in step.options.iter_mut().zip(t.options) {
                    add(&mut o.label, t.label);
                }
            }
        }
        // Appended: the search indexes and ranks each locale's articles on their own, in the
        // order they come, and within a locale that order is the export's. (Sorting them as the
        // loader does would cost the widget a sort of its own for nothing.)
        for a in other.articles {
            if self.article(&a.id, &a.locale).is_none() {
                self.articles.push(a);
            }
        }
        add(&mut self.lang.sentences, other.lang.sentences);
        add(&mut self.lang.ui, other.lang.ui);
        add(&mut self.lang.explicit, other.lang.explicit);
        add(&mut self.lang.angry, other.lang.angry);
        Ok(())
    }
}

/// The same site key, the same ids in the same order and the same number of steps, options and
/// quick replies: everything [`Site::merge`] pairs up by position.
fn same_shape(a: &Site, b: &Site) -> bool {
    let ids = |l: &[Named], m: &[Named]| l.len() == m.len() && l.iter().zip(m).all(|(x, y)| x.id == y.id);
    let (s, t) = (&a.settings, &b.settings);
    s.site.key == t.site.key
        && ids(&s.departments, &t.departments)
        && ids(&s.tiers, &t.tiers)
        && ids(&s.categories, &t.categories)
        && a.intents.len() == b.intents.len()
        && a.intents.iter().zip(&b.intents).all(|(x, y)| {
            x.id == y.id
                && x.quick_replies.len() == y.quick_replies.len()
                && x.steps.len() == y.steps.len()
                && x.steps.iter().zip(&y.steps).all(|(p, q)| p.options.len() == q.options.len())
        })
}

/// Adds the entries of `from` that `into` lacks (a locale already there stays as it is).
fn add<V>(into: &mut StrMap<V>, from: StrMap<V>) {
    for (k, v) in from {
        if !into.contains_key(&k) {
            into.insert(k, v);
        }
    }
}

fn names(into: &mut [Named], from: Vec<Named>) {
    for (n, f) in into.iter_mut().zip(from) {
        add(&mut n.name, f.name);
    }
}
