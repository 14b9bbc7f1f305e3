//! Every string of the widget's own interface, in the six supported languages.
//!
//! What the bot says comes from the site's content and the bot crate; department, tier and
//! category names come from the site. Unknown locales fall back to English.

use handoff_protocol::HandoffReason;

/// The languages the widget interface is written in.
pub const LOCALES: [&str; 6] = ["en", "de", "cs", "bg", "pt", "tl"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    OpenChat,
    Close,
    HelpCenter,
    TabsLabel,
    TabHelp,
    TabChat,
    SearchLabel,
    SearchPlaceholder,
    NoResults,
    ResultsFound,
    Categories,
    Back,
    Helpful,
    Yes,
    No,
    ThanksFeedback,
    StillNeedHelp,
    ChatWithUs,
    Conversation,
    MessageLabel,
    MessagePlaceholder,
    Send,
    CharsLeft,
    CharLeft,
    Typing,
    You,
    Assistant,
    Notice,
    RelatedArticles,
    NewTab,
    /// "{department}" and "{tier}" are filled in.
    Connecting,
    /// "{department}" is filled in.
    Waiting,
    Language,
    Loading,
    Error,
}

/// The interface text for `key` in `locale`.
pub fn t(locale: &str, key: Key) -> &'static str {
    let i = LOCALES.iter().position(|l| *l == locale).unwrap_or(0);
    table(key)[i]
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// "N characters left", with English singular.
pub fn chars_left(locale: &str, n: usize) -> String {
    let key = if n == 1 { Key::CharLeft } else { Key::CharsLeft };
    fill(t(locale, key), &[("n", &n.to_string())])
}

/// A language's own name, for the language picker.
pub fn language_name(locale: &str) -> &str {
    match locale {
        "en" => "English",
        "de" => "Deutsch",
        "cs" => "Čeština",
        "bg" => "Български",
        "pt" => "Português",
        "tl" => "Tagalog",
        other => other,
    }
}

/// Picks the interface language from preferences such as `navigator.languages`, for the time
/// before the site (with its own locale list) is loaded.
pub fn best<'a>(wanted: impl IntoIterator<Item = &'a str>) -> &'static str {
    for w in wanted {
        let base = w.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let base = if base == "fil" { "tl".to_string() } else { base };
        if let Some(l) = LOCALES.iter().find(|l| **l == base) {
            return l;
        }
    }
    "en"
}

/// Why a person takes over, said to the customer.
pub fn reason(locale: &str, reason: HandoffReason) -> &'static str {
    let texts: [&str; 6] = match reason {
        HandoffReason::Explicit => [
            "You asked to talk to a person.",
            "Sie möchten mit einem Menschen sprechen.",
            "Požádali jste o spojení s člověkem.",
            "Поискахте да говорите с човек.",
            "Você pediu para falar com uma pessoa.",
            "Humiling kang makausap ang isang tao.",
        ],
        HandoffReason::Fallback => [
            "I could not answer your question.",
            "Ich konnte Ihre Frage nicht beantworten.",
            "Na vaši otázku jsem nedokázal odpovědět.",
            "Не успях да отговоря на въпроса ви.",
            "Não consegui responder à sua pergunta.",
            "Hindi ko nasagot ang tanong mo.",
        ],
        HandoffReason::Frustration => [
            "We want to sort this out for you quickly.",
            "Wir möchten das schnell für Sie klären.",
            "Chceme to pro vás rychle vyřešit.",
            "Искаме бързо да решим това за вас.",
            "Queremos resolver isto rapidamente para você.",
            "Gusto naming maayos ito agad para sa iyo.",
        ],
        HandoffReason::Rule => [
            "This request needs a person from our team.",
            "Dieses Anliegen bearbeitet ein Mensch aus unserem Team.",
            "Tento požadavek musí vyřídit někdo z našeho týmu.",
            "Това запитване трябва да се поеме от човек от нашия екип.",
            "Este pedido precisa de uma pessoa da nossa equipe.",
            "Kailangan ng tao mula sa aming team para sa kahilingang ito.",
        ],
        HandoffReason::ArticleUnhelpful => [
            "The help article did not answer your question.",
            "Der Hilfeartikel hat Ihre Frage nicht beantwortet.",
            "Článek nápovědy vaši otázku nezodpověděl.",
            "Помощната статия не отговори на въпроса ви.",
            "O artigo de ajuda não respondeu à sua pergunta.",
            "Hindi nasagot ng help article ang tanong mo.",
        ],
    };
    texts[LOCALES.iter().position(|l| *l == locale).unwrap_or(0)]
}

/// The texts of one key, in the order of [`LOCALES`].
fn table(key: Key) -> [&'static str; 6] {
    use Key::*;
    match key {
        OpenChat => ["Help & chat", "Hilfe & Chat", "Nápověda a chat", "Помощ и чат", "Ajuda e chat", "Tulong at chat"],
        Close => ["Close", "Schließen", "Zavřít", "Затвори", "Fechar", "Isara"],
        HelpCenter => ["Help center", "Hilfe-Center", "Centrum nápovědy", "Помощен център", "Central de ajuda", "Sentro ng tulong"],
        TabsLabel => ["Sections", "Bereiche", "Sekce", "Раздели", "Seções", "Mga seksyon"],
        TabHelp => ["Help", "Hilfe", "Nápověda", "Помощ", "Ajuda", "Tulong"],
        TabChat => ["Chat", "Chat", "Chat", "Чат", "Chat", "Chat"],
        SearchLabel => [
            "Search help articles",
            "Hilfeartikel durchsuchen",
            "Hledat v článcích nápovědy",
            "Търсене в помощните статии",
            "Pesquisar artigos de ajuda",
            "Maghanap sa mga help article",
        ],
        SearchPlaceholder => [
            "e.g. return an item",
            "z. B. Artikel zurücksenden",
            "např. vrácení zboží",
            "напр. връщане на стока",
            "ex.: devolver um produto",
            "hal. pagbabalik ng item",
        ],
        NoResults => [
            "No articles match your search. Try other words, or ask us in the chat.",
            "Keine Artikel gefunden. Versuchen Sie andere Wörter oder fragen Sie uns im Chat.",
            "Hledání neodpovídá žádný článek. Zkuste jiná slova nebo se nás zeptejte v chatu.",
            "Няма статии, отговарящи на търсенето. Опитайте с други думи или ни попитайте в чата.",
            "Nenhum artigo encontrado. Tente outras palavras ou pergunte-nos no chat.",
            "Walang nahanap na article. Subukan ang ibang salita, o magtanong sa amin sa chat.",
        ],
        ResultsFound => [
            "Articles found: {n}",
            "Gefundene Artikel: {n}",
            "Nalezené články: {n}",
            "Намерени статии: {n}",
            "Artigos encontrados: {n}",
            "Mga nahanap na article: {n}",
        ],
        Categories => ["Browse by topic", "Themen", "Témata", "Теми", "Tópicos", "Mga paksa"],
        Back => ["Back to help", "Zurück zur Hilfe", "Zpět na nápovědu", "Обратно към помощта", "Voltar à ajuda", "Bumalik sa tulong"],
        Helpful => [
            "Was this helpful?",
            "War dieser Artikel hilfreich?",
            "Pomohl vám tento článek?",
            "Беше ли ви полезна статията?",
            "Este artigo foi útil?",
            "Nakatulong ba ito?",
        ],
        Yes => ["Yes", "Ja", "Ano", "Да", "Sim", "Oo"],
        No => ["No", "Nein", "Ne", "Не", "Não", "Hindi"],
        ThanksFeedback => [
            "Thank you for your feedback!",
            "Danke für Ihr Feedback!",
            "Děkujeme za zpětnou vazbu!",
            "Благодарим за обратната връзка!",
            "Obrigado pelo seu feedback!",
            "Salamat sa iyong feedback!",
        ],
        StillNeedHelp => [
            "Still need help?",
            "Brauchen Sie weitere Hilfe?",
            "Potřebujete ještě pomoc?",
            "Още имате нужда от помощ?",
            "Ainda precisa de ajuda?",
            "Kailangan mo pa ba ng tulong?",
        ],
        ChatWithUs => ["Chat with us", "Mit uns chatten", "Napište nám do chatu", "Пишете ни в чата", "Converse conosco", "Makipag-chat sa amin"],
        Conversation => ["Conversation", "Unterhaltung", "Konverzace", "Разговор", "Conversa", "Usapan"],
        MessageLabel => ["Your message", "Ihre Nachricht", "Vaše zpráva", "Вашето съобщение", "Sua mensagem", "Ang mensahe mo"],
        MessagePlaceholder => [
            "Type a message…",
            "Nachricht eingeben …",
            "Napište zprávu…",
            "Напишете съобщение…",
            "Escreva uma mensagem…",
            "Mag-type ng mensahe…",
        ],
        Send => ["Send", "Senden", "Odeslat", "Изпрати", "Enviar", "Ipadala"],
        CharsLeft => [
            "{n} characters left",
            "Noch {n} Zeichen",
            "Zbývá znaků: {n}",
            "Оставащи знаци: {n}",
            "Caracteres restantes: {n}",
            "Natitirang karakter: {n}",
        ],
        CharLeft => [
            "1 character left",
            "Noch 1 Zeichen",
            "Zbývá znaků: 1",
            "Оставащи знаци: 1",
            "Caracteres restantes: 1",
            "Natitirang karakter: 1",
        ],
        Typing => [
            "Assistant is typing…",
            "Der Assistent schreibt …",
            "Asistent píše…",
            "Асистентът пише…",
            "O assistente está digitando…",
            "Nagta-type ang assistant…",
        ],
        You => ["You", "Sie", "Vy", "Вие", "Você", "Ikaw"],
        Assistant => ["Assistant", "Assistent", "Asistent", "Асистент", "Assistente", "Assistant"],
        Notice => ["Notice", "Hinweis", "Oznámení", "Известие", "Aviso", "Paalala"],
        RelatedArticles => [
            "Related articles",
            "Passende Artikel",
            "Související články",
            "Свързани статии",
            "Artigos relacionados",
            "Mga kaugnay na article",
        ],
        NewTab => [
            "(opens in a new tab)",
            "(öffnet in neuem Tab)",
            "(otevře se v nové kartě)",
            "(отваря се в нов раздел)",
            "(abre em uma nova aba)",
            "(magbubukas sa bagong tab)",
        ],
        Connecting => [
            "We are finding a person from {department} ({tier}) for you. Anything you write now is kept for them.",
            "Wir suchen eine Person aus dem Team „{department}“ ({tier}) für Sie. Alles, was Sie jetzt schreiben, wird weitergegeben.",
            "Hledáme pro vás člověka z týmu „{department}“ ({tier}). Vše, co teď napíšete, mu předáme.",
            "Търсим човек от екип „{department}“ ({tier}). Всичко, което напишете сега, ще му бъде предадено.",
            "Estamos procurando uma pessoa da equipe “{department}” ({tier}). Tudo o que você escrever agora será repassado.",
            "Naghahanap kami ng tao mula sa team na “{department}” ({tier}). Itatabi namin para sa kanila ang anumang isusulat mo ngayon.",
        ],
        Waiting => [
            "Waiting for {department}",
            "Warten auf: {department}",
            "Čekáte na tým: {department}",
            "Изчакване на екип: {department}",
            "Aguardando: {department}",
            "Naghihintay sa {department}",
        ],
        Language => ["Language", "Sprache", "Jazyk", "Език", "Idioma", "Wika"],
        Loading => [
            "Loading help…",
            "Hilfe wird geladen …",
            "Načítám nápovědu…",
            "Зареждане на помощта…",
            "Carregando a ajuda…",
            "Nilo-load ang tulong…",
        ],
        Error => [
            "Sorry, help could not be loaded right now. Please try again later.",
            "Die Hilfe konnte gerade nicht geladen werden. Bitte versuchen Sie es später noch einmal.",
            "Nápovědu se teď nepodařilo načíst. Zkuste to prosím později.",
            "В момента помощта не можа да се зареди. Моля, опитайте отново по-късно.",
            "Não foi possível carregar a ajuda agora. Tente novamente mais tarde.",
            "Hindi ma-load ang tulong sa ngayon. Pakisubukang muli mamaya.",
        ],
    }
}
