//! What the bot knows without any site content: how people ask for a human, angry words, and
//! its own few sentences, in the six supported languages.
//!
//! Explicit-handoff phrases and angry words are matched in every language whatever the
//! conversation's locale, because customers mix languages ("můžu mluvit s agentem? please").
//! These tables are read when content is loaded ([`lang`]) and travel in the site's
//! [`Lang`]: the engine only ever reads the site's copy, so none of this is compiled into the
//! widget.
//!
//! Patterns use the syntax of docs/content.md and are folded like everything else, so each is
//! found with and without diacritics and, for Bulgarian, in Cyrillic or Latin letters.

use crate::model::{Lang, StrMap};

/// Ways to ask for a person, per locale. A phrase counts anywhere in a message; `=phrase` only
/// when it is (nearly) the whole message (a bare "Mensch," or "Člověk by čekal" is an
/// interjection or a generic "one"); `!phrase` is a negation that cancels a request in its
/// clause ("I don't need a human"). Patterns match in order with any words between, so each
/// verb list meets each person word.
pub const EXPLICIT: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "=human|person|agent|operator|representative|someone|somebody",
            "real|actual|live human|person|agent|someone",
            "talk|speak|chat|transfer|connect|get|pass|put me? * person|agent|someone|somebody|human|representative|operator|service|support",
            "need|want * human|agent|representative|operator",
            "!dont|not|no|never * human|person|agent|someone|somebody|operator|representative",
        ],
    ),
    (
        "de",
        &[
            "mitarbeiter*|berater*|ansprechpartner*|kundendienst*|kundenservice*",
            "=mensch*|person",
            "echte*|richtige* mensch*|person",
            "mit|wem * mensch*|jemand*|person|support * sprechen|reden|schreiben|chatten",
            "will|möchte|brauche|hätte * mensch*|person",
            "mensch* helfen|sprechen",
            "!nicht|kein*|ohne * mensch*|mitarbeiter*|person|berater*",
        ],
    ),
    (
        "cs",
        &[
            "operátor*|pracovník*",
            "=člověk*",
            "živ*|skutečn*|opravdov* člověk*|osob*",
            "mluvit|spojte|přepojte|psát|dejte * člověk*|někým|někoho|osob*|podpor*",
            "někým mluvit|promluvit|psát",
            "chci|potřebuj*|chtěl* * člověk*",
            "!nechci|nepotřebuj*|ne * člověk*|operátor*|osob*|někoho|někým",
        ],
    ),
    (
        "bg",
        &[
            "оператор*|служител*|консултант*",
            "=човек*",
            "жив*|истински|реален * човек*",
            "говоря|свържа|свържете|прехвърлете|пиша * човек*|някого|поддръжк*|обслужване",
            "искам|трябва * човек*",
            "!не * човек*|оператор*|служител*|консултант*",
        ],
    ),
    (
        "pt",
        &[
            "atendente*|operador*",
            "=humano*|pessoa",
            "alguém|pessoa|humano|atendimento verdade|real|humano",
            "falar|conversar|passa|transferir|chama * alguém|pessoa|humano*|suporte|atendimento|equipe",
            "quero|preciso * gente|humano*|pessoa",
            "!não|nem * atendente*|humano*|pessoa|alguém|operador*",
        ],
    ),
    (
        "tl",
        &[
            "ahente",
            "=tao",
            "totoong tao",
            "kausap*|makausap|pakausap*|usap|pasa|connect * tao|ahente|agent|service",
            "gusto|kailangan * tao|ahente|agent",
            "tao ang gusto|kailangan",
            "may tao ba",
            "!hindi|ayoko|ayaw * tao|ahente|agent",
        ],
    ),
];

/// Angry words and phrases, per locale: one frustration point each.
pub const ANGRY: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "useless",
            "terrible",
            "worst",
            "angry",
            "furious",
            "ridiculous",
            "scam",
            "awful",
            "unacceptable",
            "disgusting",
            "wtf",
            "fed up",
        ],
    ),
    ("de", &["unverschämt*", "frechheit", "katastroph*", "nutzlos*", "wütend*", "sauer", "mies*", "betrug*"]),
    ("cs", &["hrozn*", "katastrof*", "naštvan*", "k ničemu", "nehorázn*", "otřesn*", "podvod*"]),
    ("bg", &["ужасн*", "безобразие", "ядосан*", "безполезн*", "скандал*", "измама*"]),
    ("pt", &["absurdo", "péssim*", "ridícul*", "horrível", "raiva", "vergonha", "palhaçada", "golpe"]),
    ("tl", &["nakakainis", "walang kwenta", "galit", "grabe", "bwisit", "nakakabwisit", "scam"]),
];

/// The bot's own sentences. The order is the order of [`Lang::sentences`]: add new ones at
/// the end (a bundle made before carries fewer, and a missing sentence reads as empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Say {
    NotUnderstood,
    NotUnderstoodArticles,
    Retry,
    ChooseRetry,
    ArticleUnhelpfulOffer,
    TalkToPerson,
    LeadExplicit,
    LeadFallback,
    LeadFrustration,
    LeadRule,
    LeadArticleUnhelpful,
    /// "{department}" is filled in.
    Transfer,
    NoRepeat,
    HandedBack,
}

impl Say {
    pub const ALL: [Say; 14] = [
        Say::NotUnderstood,
        Say::NotUnderstoodArticles,
        Say::Retry,
        Say::ChooseRetry,
        Say::ArticleUnhelpfulOffer,
        Say::TalkToPerson,
        Say::LeadExplicit,
        Say::LeadFallback,
        Say::LeadFrustration,
        Say::LeadRule,
        Say::LeadArticleUnhelpful,
        Say::Transfer,
        Say::NoRepeat,
        Say::HandedBack,
    ];
}

/// The language pack for a site with `locales`: sentences in those locales, and the
/// phrase and angry-word lists of every language.
pub fn lang(locales: &[String]) -> Lang {
    let list = |table: &[(&str, &[&str])]| -> StrMap<Vec<String>> {
        table
            .iter()
            .map(|(l, items)| (l.to_string(), items.iter().map(|s| s.to_string()).collect()))
            .collect()
    };
    Lang {
        sentences: locales
            .iter()
            .map(|l| (l.clone(), Say::ALL.iter().map(|&s| say(s, l).to_string()).collect()))
            .collect(),
        explicit: list(EXPLICIT),
        angry: list(ANGRY),
        ui: locales.iter().map(|l| (l.clone(), crate::ui_text::texts(l))).collect(),
    }
}

pub fn say(what: Say, locale: &str) -> &'static str {
    use Say::*;
    match (what, locale) {
        (NotUnderstood, "de") => "Entschuldigung, das habe ich nicht verstanden. Können Sie es anders formulieren? Sie können auch in den Hilfeartikeln suchen.",
        (NotUnderstood, "cs") => "Promiňte, tomu jsem nerozuměl. Můžete to napsat jinými slovy? Můžete také hledat v článcích nápovědy.",
        (NotUnderstood, "bg") => "Съжалявам, не разбрах. Можете ли да го кажете с други думи? Можете също да потърсите в помощните статии.",
        (NotUnderstood, "pt") => "Desculpe, não entendi. Pode dizer de outra forma? Também pode procurar nos artigos de ajuda.",
        (NotUnderstood, "tl") => "Pasensya na, hindi ko naintindihan. Puwede mo bang sabihin sa ibang paraan? Puwede ka ring maghanap sa mga help article.",
        (NotUnderstood, _) => "Sorry, I didn't understand that. Could you put it another way? You can also search the help articles.",

        (NotUnderstoodArticles, "de") => "Ich bin nicht sicher, ob ich Sie richtig verstehe. Vielleicht hilft einer dieser Artikel:",
        (NotUnderstoodArticles, "cs") => "Nejsem si jistý, že rozumím. Možná pomůže některý z těchto článků:",
        (NotUnderstoodArticles, "bg") => "Не съм сигурен, че ви разбирам. Може би някоя от тези статии ще помогне:",
        (NotUnderstoodArticles, "pt") => "Não tenho certeza se entendi. Talvez um destes artigos ajude:",
        (NotUnderstoodArticles, "tl") => "Hindi ako sigurado kung naintindihan kita. Baka makatulong ang isa sa mga article na ito:",
        (NotUnderstoodArticles, _) => "I'm not sure I understood. Maybe one of these articles helps:",

        (Retry, "de") => "Das sieht nicht richtig aus. Bitte versuchen Sie es noch einmal.",
        (Retry, "cs") => "To nevypadá správně. Zkuste to prosím znovu.",
        (Retry, "bg") => "Това не изглежда правилно. Моля, опитайте отново.",
        (Retry, "pt") => "Isso não parece correto. Por favor, tente novamente.",
        (Retry, "tl") => "Mukhang hindi tama iyan. Pakisubukan ulit.",
        (Retry, _) => "That doesn't look right. Please try again.",

        (ChooseRetry, "de") => "Bitte wählen Sie eine der Möglichkeiten.",
        (ChooseRetry, "cs") => "Vyberte prosím jednu z možností.",
        (ChooseRetry, "bg") => "Моля, изберете една от възможностите.",
        (ChooseRetry, "pt") => "Por favor, escolha uma das opções.",
        (ChooseRetry, "tl") => "Pumili ng isa sa mga opsyon.",
        (ChooseRetry, _) => "Please pick one of the options.",

        (ArticleUnhelpfulOffer, "de") => "Schade, dass der Artikel nicht geholfen hat. Schreiben Sie mir, was Sie suchen, oder sprechen Sie mit einem Menschen.",
        (ArticleUnhelpfulOffer, "cs") => "Je mi líto, že článek nepomohl. Napište mi, co hledáte, nebo se spojte s člověkem.",
        (ArticleUnhelpfulOffer, "bg") => "Съжалявам, че статията не помогна. Напишете ми какво търсите или говорете с човек.",
        (ArticleUnhelpfulOffer, "pt") => "Lamento que o artigo não tenha ajudado. Diga-me o que procura ou fale com uma pessoa.",
        (ArticleUnhelpfulOffer, "tl") => "Pasensya na at hindi nakatulong ang article. Sabihin mo kung ano ang hinahanap mo, o makipag-usap sa isang tao.",
        (ArticleUnhelpfulOffer, _) => "Sorry the article didn't help. Tell me what you're looking for, or talk to a person.",

        (TalkToPerson, "de") => "Mit einem Menschen sprechen",
        (TalkToPerson, "cs") => "Mluvit s člověkem",
        (TalkToPerson, "bg") => "Говоря с човек",
        (TalkToPerson, "pt") => "Falar com um atendente",
        (TalkToPerson, "tl") => "Makausap ang tao",
        (TalkToPerson, _) => "Talk to a person",

        (LeadExplicit, "de") => "Gern.",
        (LeadExplicit, "cs") => "Samozřejmě.",
        (LeadExplicit, "bg") => "Разбира се.",
        (LeadExplicit, "pt") => "Claro.",
        (LeadExplicit, "tl") => "Sige.",
        (LeadExplicit, _) => "Of course.",

        (LeadFallback, "de") => "Leider kann ich Ihnen dabei nicht weiterhelfen.",
        (LeadFallback, "cs") => "Bohužel vám s tím neumím pomoci.",
        (LeadFallback, "bg") => "За съжаление не мога да помогна с това.",
        (LeadFallback, "pt") => "Infelizmente não consigo ajudar com isso.",
        (LeadFallback, "tl") => "Pasensya na, hindi kita matutulungan diyan.",
        (LeadFallback, _) => "I'm sorry, I can't help with that myself.",

        (LeadFrustration, "de") => "Es tut mir leid, dass das so ärgerlich ist.",
        (LeadFrustration, "cs") => "Je mi líto, že vás to tak trápí.",
        (LeadFrustration, "bg") => "Съжалявам, че това ви създава толкова неприятности.",
        (LeadFrustration, "pt") => "Lamento que isto esteja sendo tão frustrante.",
        (LeadFrustration, "tl") => "Pasensya na at nakakainis ito para sa iyo.",
        (LeadFrustration, _) => "I'm sorry this has been so frustrating.",

        (LeadRule, "de") => "Dafür braucht es einen Menschen.",
        (LeadRule, "cs") => "Tohle musí vyřídit člověk.",
        (LeadRule, "bg") => "Това трябва да се поеме от човек.",
        (LeadRule, "pt") => "Isto precisa de uma pessoa.",
        (LeadRule, "tl") => "Kailangan ng tao para dito.",
        (LeadRule, _) => "This needs a person.",

        (LeadArticleUnhelpful, "de") => "Schade, dass der Artikel nicht geholfen hat.",
        (LeadArticleUnhelpful, "cs") => "Je mi líto, že článek nepomohl.",
        (LeadArticleUnhelpful, "bg") => "Съжалявам, че статията не помогна.",
        (LeadArticleUnhelpful, "pt") => "Lamento que o artigo não tenha ajudado.",
        (LeadArticleUnhelpful, "tl") => "Pasensya na at hindi nakatulong ang article.",
        (LeadArticleUnhelpful, _) => "Sorry the article didn't help.",

        (Transfer, "de") => "Ich leite Sie an unser Team „{department}“ weiter.",
        (Transfer, "cs") => "Předávám vás týmu „{department}“.",
        (Transfer, "bg") => "Прехвърлям ви към екип „{department}“.",
        (Transfer, "pt") => "Vou transferir você para a equipe “{department}”.",
        (Transfer, "tl") => "Ipapasa kita sa team na “{department}”.",
        (Transfer, _) => "I'm passing you to our {department} team.",

        (NoRepeat, "de") => "Unser Gespräch geht mit, Sie müssen nichts wiederholen.",
        (NoRepeat, "cs") => "Celý náš rozhovor jde s vámi, nic nemusíte opakovat.",
        (NoRepeat, "bg") => "Целият ни разговор се предава, няма нужда да повтаряте.",
        (NoRepeat, "pt") => "Nossa conversa vai junto, você não precisa repetir nada.",
        (NoRepeat, "tl") => "Kasama ang buong usapan natin, kaya hindi mo na kailangang ulitin.",
        (NoRepeat, _) => "Our whole conversation goes along, so you won't need to repeat anything.",

        (HandedBack, "de") => "Ich bin wieder da. Wobei kann ich helfen?",
        (HandedBack, "cs") => "Jsem zpět. S čím vám mohu pomoci?",
        (HandedBack, "bg") => "Отново съм тук. С какво мога да помогна?",
        (HandedBack, "pt") => "Estou de volta. Em que posso ajudar?",
        (HandedBack, "tl") => "Nandito ulit ako. Paano kita matutulungan?",
        (HandedBack, _) => "I'm back. How can I help?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_exists_in_every_locale_and_differs_from_english() {
        for s in Say::ALL {
            let en = say(s, "en");
            for l in ["de", "cs", "bg", "pt", "tl"] {
                assert_ne!(say(s, l), en, "{s:?} in {l}");
            }
        }
        for l in ["en", "de", "cs", "bg", "pt", "tl"] {
            assert!(
                // The department, never the tier: tier names are the team's words, not the customer's.
                say(Say::Transfer, l).contains("{department}") && !say(Say::Transfer, l).contains("{tier}")
            );
        }
    }

    #[test]
    fn both_lists_cover_all_six_locales() {
        for list in [EXPLICIT, ANGRY] {
            let locales: Vec<&str> = list.iter().map(|(l, _)| *l).collect();
            assert_eq!(locales, ["en", "de", "cs", "bg", "pt", "tl"]);
        }
    }
}
