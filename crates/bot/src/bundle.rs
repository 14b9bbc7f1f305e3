//! The compact bundle the widget downloads: a validated [`Site`] as a flat sequence of fields.
//!
//! Why not JSON: serde_json and the derived visitors cost about 100 KB of wasm, a third of
//! the widget's budget, to read one file whose shape we control on both ends. This format is
//! the fields of the model in declaration order, each ended by U+001F (unit separator), lists and
//! maps prefixed by their length; it is written only by `handoff-bot export` from content that
//! passed the checks, and read by [`crate::engine_from_bundle`]. A wrong or truncated bundle is
//! an error, never a partial site.

use crate::markdown::{Block, Inline};
use crate::model::*;

/// First field of every bundle; bump when the model changes.
pub const MAGIC: &str = "handoff-bundle/3";
const SEP: char = '\u{1F}';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bundle field {field}: {message}")]
pub struct BundleError {
    pub field: usize,
    pub message: &'static str,
}

#[derive(Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    fn str(&mut self, s: &str) {
        // The separator never occurs in real text; a stray one must not shift every field.
        self.out.extend(s.chars().map(|c| if c == SEP { ' ' } else { c }));
        self.out.push(SEP);
    }
    fn num(&mut self, n: u32) {
        self.str(&n.to_string());
    }
}

pub struct Reader<'a> {
    fields: std::str::Split<'a, char>,
    at: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, message: &'static str) -> BundleError {
        BundleError { field: self.at, message }
    }
    fn str(&mut self) -> Result<&'a str, BundleError> {
        self.at += 1;
        self.fields.next().ok_or(BundleError { field: self.at, message: "the bundle ends early" })
    }
    fn num(&mut self) -> Result<u32, BundleError> {
        self.str()?.parse().map_err(|_| self.err("expected a number"))
    }
}

/// A value that can be written to and read from a bundle.
pub trait Codec: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader) -> Result<Self, BundleError>;
}

impl Codec for String {
    fn put(&self, w: &mut Writer) {
        w.str(self)
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        r.str().map(str::to_string)
    }
}

impl Codec for u32 {
    fn put(&self, w: &mut Writer) {
        w.num(*self)
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        r.num()
    }
}

impl Codec for u8 {
    fn put(&self, w: &mut Writer) {
        w.num(u32::from(*self))
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        u8::try_from(r.num()?).map_err(|_| r.err("number out of range"))
    }
}

impl Codec for bool {
    fn put(&self, w: &mut Writer) {
        w.num(u32::from(*self))
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        Ok(r.num()? != 0)
    }
}

/// Stored in thousandths: confidences need no more, and float parsing would cost wasm bytes.
impl Codec for f32 {
    fn put(&self, w: &mut Writer) {
        w.num((self * 1000.0).round().max(0.0) as u32)
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        Ok(r.num()? as f32 / 1000.0)
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.num(self.len() as u32);
        for v in self {
            v.put(w);
        }
    }
    // Plain loops rather than `collect::<Result<_, _>>()`: the iterator adapters behind that
    // were instantiated once per element type and cost ~6 KB of wasm. The capacity is capped
    // because `n` comes from the file.
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        let n = r.num()?;
        let mut v = Vec::with_capacity(n.min(256) as usize);
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Ok(v)
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.num(0),
            Some(v) => {
                w.num(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        Ok(if r.num()? == 0 { None } else { Some(T::get(r)?) })
    }
}

impl<T: Codec> Codec for StrMap<T> {
    fn put(&self, w: &mut Writer) {
        w.num(self.len() as u32);
        for (k, v) in self {
            w.str(k);
            v.put(w);
        }
    }
    // Written in key order, so each insert appends; from_pairs would also repair a bundle
    // edited by hand.
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        let n = r.num()?;
        let mut m = StrMap::new();
        for _ in 0..n {
            let k = String::get(r)?;
            m.insert(k, T::get(r)?);
        }
        Ok(m)
    }
}

/// Structs: their fields in order.
macro_rules! codec_struct {
    ($($t:ident { $($f:ident),* })*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Writer) {
                $(self.$f.put(w);)*
            }
            fn get(r: &mut Reader) -> Result<Self, BundleError> {
                Ok($t { $($f: Codec::get(r)?,)* })
            }
        }
    )*};
}

codec_struct! {
    Site { settings, slot_types, intents, articles, lang }
    Lang { sentences, explicit, angry, ui }
    Settings { site, departments, tiers, categories, handoff }
    SiteInfo { key, name, locales, default_locale, default_department, priorities, default_priority, greeting }
    Named { id, name }
    HandoffPolicy { first_tier, fallback_after, frustration_threshold, min_confidence, article_unhelpful, explicit_phrases, angry_words }
    Intent { id, department, priority, articles, patterns, answer, quick_replies, steps, handoff }
    QuickReplyDef { label, send }
    Step { ask, slot_type, choose, prompt, retry, options }
    ChoiceOption { value, label, goto }
    RuleHandoff { department, tier, note }
    Article { id, locale, title, category, tags, blocks }
}

impl Codec for ArticleUnhelpfulPolicy {
    fn put(&self, w: &mut Writer) {
        w.num(match self {
            ArticleUnhelpfulPolicy::Offer => 0,
            ArticleUnhelpfulPolicy::Handoff => 1,
            ArticleUnhelpfulPolicy::Off => 2,
        })
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        match r.num()? {
            0 => Ok(ArticleUnhelpfulPolicy::Offer),
            1 => Ok(ArticleUnhelpfulPolicy::Handoff),
            2 => Ok(ArticleUnhelpfulPolicy::Off),
            _ => Err(r.err("unknown article_unhelpful policy")),
        }
    }
}

impl Codec for SlotType {
    fn put(&self, w: &mut Writer) {
        match self {
            SlotType::Mask { mask } => {
                w.num(0);
                mask.put(w);
            }
            SlotType::Digits { min, max } => {
                w.num(1);
                min.put(w);
                max.put(w);
            }
            SlotType::Email => w.num(2),
        }
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        match r.num()? {
            0 => Ok(SlotType::Mask { mask: String::get(r)? }),
            1 => Ok(SlotType::Digits { min: r.num()?, max: r.num()? }),
            2 => Ok(SlotType::Email),
            _ => Err(r.err("unknown slot kind")),
        }
    }
}

impl Codec for Inline {
    fn put(&self, w: &mut Writer) {
        match self {
            Inline::Text(s) => {
                w.num(0);
                w.str(s);
            }
            Inline::Strong(s) => {
                w.num(1);
                w.str(s);
            }
            Inline::Link { text, href } => {
                w.num(2);
                w.str(text);
                w.str(href);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        match r.num()? {
            0 => Ok(Inline::Text(String::get(r)?)),
            1 => Ok(Inline::Strong(String::get(r)?)),
            2 => Ok(Inline::Link { text: String::get(r)?, href: String::get(r)? }),
            _ => Err(r.err("unknown inline kind")),
        }
    }
}

impl Codec for Block {
    fn put(&self, w: &mut Writer) {
        match self {
            Block::Heading(level, inl) => {
                w.num(0);
                level.put(w);
                inl.put(w);
            }
            Block::Paragraph(inl) => {
                w.num(1);
                inl.put(w);
            }
            Block::List { ordered, items } => {
                w.num(2);
                ordered.put(w);
                items.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self, BundleError> {
        match r.num()? {
            0 => Ok(Block::Heading(u8::get(r)?, Vec::get(r)?)),
            1 => Ok(Block::Paragraph(Vec::get(r)?)),
            2 => Ok(Block::List { ordered: bool::get(r)?, items: Vec::get(r)? }),
            _ => Err(r.err("unknown block kind")),
        }
    }
}

/// Writes any codec value (a site, or a list of strings the widget keeps) as text.
pub fn encode<T: Codec>(value: &T) -> String {
    let mut w = Writer::default();
    w.str(MAGIC);
    value.put(&mut w);
    w.out
}

/// Reads what [`encode`] wrote; anything else is an error.
pub fn decode<T: Codec>(text: &str) -> Result<T, BundleError> {
    let mut r = Reader { fields: text.split(SEP), at: 0 };
    if r.str()? != MAGIC {
        return Err(BundleError { field: 1, message: "not a Handoff bundle of this version" });
    }
    let v = T::get(&mut r)?;
    match (r.fields.next(), r.fields.next()) {
        (Some(""), None) => Ok(v),
        _ => Err(BundleError { field: r.at + 1, message: "unexpected data after the end of the bundle" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_lists_and_maps_round_trip() {
        let v: Vec<String> = vec!["a".into(), "".into(), "ä\nb".into()];
        assert_eq!(decode::<Vec<String>>(&encode(&v)), Ok(v));
        let mut m: StrMap<Vec<String>> = StrMap::new();
        m.insert("de".into(), vec!["mensch*".into()]);
        assert_eq!(decode::<StrMap<Vec<String>>>(&encode(&m)), Ok(m));
    }

    #[test]
    fn blocks_round_trip() {
        let b = crate::markdown::blocks("# T\n\n- a **b** [c](https://x.example)\n\n2. x\n\ntext");
        assert_eq!(decode::<Vec<Block>>(&encode(&b)), Ok(b));
    }

    #[test]
    fn a_stray_separator_does_not_shift_fields() {
        let v: Vec<String> = vec!["a\u{1F}b".into(), "c".into()];
        assert_eq!(decode::<Vec<String>>(&encode(&v)), Ok(vec!["a b".to_string(), "c".to_string()]));
    }

    #[test]
    fn wrong_truncated_or_trailing_bundles_are_errors() {
        let text = encode(&vec!["a".to_string(), "b".to_string()]);
        assert!(decode::<Vec<String>>("{\"json\": true}").is_err());
        assert_eq!(
            decode::<Vec<String>>(&text[..text.len() - 3]).unwrap_err().message,
            "the bundle ends early"
        );
        assert!(decode::<Vec<String>>(&format!("{text}x\u{1F}")).is_err());
        assert!(decode::<u32>(&encode(&"x".to_string())).is_err());
    }
}
