//! Function words of the six languages (folded). They still match patterns, but count little
//! towards how much of a message a pattern explains, so "I would like a refund please" is as
//! clearly about refunds as "refund". Greetings count as little as function words: "Guten Tag,
//! ich hätte gern eine Rückerstattung" is about a refund. Question words are deliberately absent:
//! they carry intent.

pub fn is_stopword(folded: &str) -> bool {
    // Sorted for binary search; the test below keeps it so.
    STOPWORDS.binary_search(&folded).is_ok()
}

const STOPWORDS: &[&str] = &[
    "a", "about", "aby", "ako", "al", "also", "am", "an", "and", "ang", "any", "ao", "are",
    "as", "at", "auch", "ba", "be", "bih", "bitte", "bom", "by", "can", "com", "could", "da",
    "dank", "das", "de", "dem", "den", "der", "des", "di", "dia", "die", "do", "dobre", "dobry",
    "dos", "e", "ein", "eine", "einen", "einer", "em", "en", "es", "esta", "eu", "for", "from",
    "fur", "gern", "gerne", "get", "gibt", "go", "gusto", "guten", "habe", "hallo", "hatte",
    "have", "hello", "help", "hi", "ho", "i", "ich", "ihr", "ihre", "im", "in", "is", "ist",
    "it", "ito", "ja", "je", "jsem", "just", "k", "kami", "kayo", "ko", "kong", "kumusta",
    "lang", "li", "like", "me", "mein", "meine", "meinen", "meiner", "meu", "mi", "mich",
    "minha", "mir", "mit", "mne", "moje", "moji", "mu", "muj", "my", "na", "naman", "need",
    "ng", "nga", "ni", "nito", "no", "o", "of", "oi", "ola", "on", "or", "os", "ot", "pa",
    "para", "please", "po", "por", "pro", "prosim", "queria", "quero", "really", "s", "sa",
    "saber", "se", "si", "sie", "sind", "so", "some", "sou", "ta", "tag", "te", "that", "the",
    "this", "to", "tu", "u", "um", "uma", "und", "v", "ve", "want", "was", "we", "will", "with",
    "would", "y", "ya", "yun", "yung", "z", "za", "zdravey", "zdraveyte", "ze",
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
