//! Function words of the six languages (folded). They still match patterns, but count little
//! towards how much of a message a pattern explains, so "I would like a refund please" is as
//! clearly about refunds as "refund". Question words are deliberately absent: they carry intent.

pub fn is_stopword(folded: &str) -> bool {
    // Sorted for binary search; the test below keeps it so.
    STOPWORDS.binary_search(&folded).is_ok()
}

const STOPWORDS: &[&str] = &[
    "a", "about", "aby", "ako", "al", "am", "an", "and", "ang", "any", "ao", "are", "as", "at",
    "ba", "be", "bih", "bitte", "by", "can", "could", "da", "dank", "das", "de", "dem", "den",
    "der", "des", "di", "die", "do", "dos", "e", "ein", "eine", "einen", "einer", "em", "en",
    "es", "eu", "for", "from", "gerne", "get", "go", "gusto", "habe", "have", "hello", "help",
    "hi", "i", "ich", "im", "in", "is", "ist", "it", "ja", "je", "jsem", "k", "kami", "ko",
    "like", "me", "meine", "meinen", "meiner", "mi", "mich", "mir", "mit", "mne", "moje",
    "moji", "mu", "muj", "my", "na", "naman", "need", "ng", "no", "o", "of", "on", "or", "os",
    "ot", "para", "please", "po", "por", "pro", "prosim", "quero", "s", "sa", "se", "si", "sie",
    "so", "some", "sou", "ta", "te", "that", "the", "this", "to", "tu", "u", "um", "uma", "und",
    "v", "ve", "want", "was", "we", "will", "with", "would", "y", "ya", "yung", "z", "za", "ze",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_and_unique() {
        for w in STOPWORDS.windows(2) {
            assert!(w[0] < w[1], "{} must come before {}", w[0], w[1]);
        }
        assert!(is_stopword("the"));
        assert!(is_stopword("ich"));
        assert!(!is_stopword("where"));
        assert!(!is_stopword("refund"));
    }
}
