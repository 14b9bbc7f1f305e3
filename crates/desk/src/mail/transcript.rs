//! The copy of a conversation a customer asks for in the widget ("E-mail me this conversation"):
//! what the assistant, the customer and the agents wrote, in the customer's language, without
//! internal notes. It has no reply token: a reply to it reaches the support mailbox, where the
//! inbound fetch refuses it (nothing to append it to), so the mail says how to ask again.

use super::config::SmtpConfig;
use super::outbox::Addressing;
use super::render::{escape, in_language, lang_of, phrases, Body, Rendered};
use crate::db::{MessageRow, OutboxRow};
use crate::sites::LoadedSite;
use chrono::{DateTime, Utc};
use handoff_protocol::{Role, TranscriptEntry};

struct Words {
    subject: &'static str,
    hello: &'static str,
    intro: &'static str,
    more: &'static str,
}

const EN: Words = Words {
    subject: "Your conversation with {site}",
    hello: "Hello,",
    intro: "as you asked, here is a copy of your conversation with {site}.",
    more: "If you need anything else, just open the chat on our website again.",
};
const DE: Words = Words {
    subject: "Ihr Gespräch mit {site}",
    hello: "Hallo,",
    intro: "wie gewünscht erhalten Sie hier eine Kopie Ihres Gesprächs mit {site}.",
    more: "Wenn Sie noch etwas brauchen, öffnen Sie einfach wieder den Chat auf unserer Website.",
};
const CS: Words = Words {
    subject: "Vaše konverzace s {site}",
    hello: "Dobrý den,",
    intro: "jak jste si přáli, posíláme Vám kopii Vaší konverzace s {site}.",
    more: "Pokud budete potřebovat cokoli dalšího, stačí znovu otevřít chat na našem webu.",
};
const BG: Words = Words {
    subject: "Вашият разговор с {site}",
    hello: "Здравейте,",
    intro: "както поискахте, ето копие от разговора ви с {site}.",
    more: "Ако имате нужда от още нещо, просто отворете отново чата на нашия сайт.",
};
const PT: Words = Words {
    subject: "A sua conversa com {site}",
    hello: "Olá,",
    intro: "como você pediu, aqui está uma cópia da sua conversa com {site}.",
    more: "Se precisar de mais alguma coisa, é só abrir o chat no nosso site de novo.",
};
const TL: Words = Words {
    subject: "Ang iyong usapan sa {site}",
    hello: "Kumusta,",
    intro: "gaya ng hiniling mo, narito ang kopya ng iyong usapan sa {site}.",
    more: "Kung may kailangan ka pa, buksan lang ulit ang chat sa aming website.",
};

fn words(locale: &str) -> &'static Words {
    in_language(locale, [&EN, &DE, &CS, &BG, &PT, &TL])
}

/// One line of the copy: who (already in the customer's language or an agent's name), when
/// (`None` for the assistant's lines before the handoff, which carry no time) and what.
pub struct Line {
    pub who: String,
    pub at: Option<String>,
    pub text: String,
}

/// The lines in order: the conversation with the assistant before the handoff, then every
/// message the customer could see (no internal notes, no system lines).
pub fn lines(
    site: &LoadedSite,
    locale: &str,
    before: &[TranscriptEntry],
    messages: &[MessageRow],
) -> Vec<Line> {
    let p = phrases(locale);
    let tz = site.settings().hours.tz;
    let time = |ms: i64| {
        DateTime::<Utc>::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
    };
    let bot_or_you = |customer: bool| if customer { p.you } else { p.assistant };
    let mut out: Vec<Line> = before
        .iter()
        .filter(|e| !e.text.trim().is_empty())
        .map(|e| Line {
            who: bot_or_you(e.role == Role::Customer).to_string(),
            at: None,
            text: e.text.clone(),
        })
        .collect();
    for m in messages.iter().filter(|m| !m.internal) {
        let who = match m.author.as_str() {
            "customer" => p.you.to_string(),
            "bot" => p.assistant.to_string(),
            "agent" => m.author_name.clone().unwrap_or_else(|| p.support.to_string()),
            _ => continue,
        };
        out.push(Line { who, at: time(m.created_at), text: m.text.clone() });
    }
    out
}

/// The mail's words and the conversation, as text and HTML.
pub fn render(locale: &str, site_name: &str, name: Option<&str>, lines: &[Line]) -> Rendered {
    let w = words(locale);
    let p = phrases(locale);
    let f = |t: &str| t.replace("{site}", site_name);
    let mut b = Body::default();
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => b.para(&p.greeting.replace("{name}", n)),
        None => b.para(w.hello),
    }
    b.para(&f(w.intro));
    for l in lines {
        let head = match &l.at {
            Some(at) => format!("{} · {at}", l.who),
            None => l.who.clone(),
        };
        b.text.push_str(&format!("{head}:\n"));
        b.html.push_str(&format!("<p style=\"margin:1em 0 0\"><strong>{}</strong></p>\n", escape(&head)));
        b.quote(&l.text);
    }
    b.para(w.more);
    b.para(&f(p.sign_off));
    let (text, html) = b.finish(lang_of(locale));
    Rendered { subject: f(w.subject), text, html }
}

/// The outbox row. Its Message-ID is fixed by the conversation and the address (`key`, a hash
/// of both): asking again for the same address, or a retried request, queues nothing new.
pub fn row(
    smtp: &SmtpConfig,
    site: &LoadedSite,
    conversation_id: &str,
    key: &str,
    to: &str,
    r: Rendered,
    now: i64,
) -> OutboxRow {
    let a = Addressing::of(smtp, site);
    OutboxRow::pending(
        &site.key,
        Some(conversation_id.to_string()),
        "transcript",
        a.message_id("transcript", key),
        None,
        a.from,
        None,
        to.to_string(),
        r.subject,
        r.text,
        r.html,
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(who: &str, at: Option<&str>, text: &str) -> Line {
        Line { who: who.into(), at: at.map(String::from), text: text.into() }
    }

    #[test]
    fn the_copy_keeps_every_line_and_never_turns_text_into_html() {
        let l = [
            line("Du", None, "<script>x</script>"),
            line("Ana", Some("2026-12-07 10:00"), "Hallo & willkommen"),
        ];
        let r = render("de-AT", "Fernhill <Shop>", Some("Jana"), &l);
        assert_eq!(r.subject, "Ihr Gespräch mit Fernhill <Shop>");
        assert!(r.text.starts_with("Hallo Jana,"), "{}", r.text);
        assert!(r.text.contains("Ana · 2026-12-07 10:00:\n> Hallo & willkommen"), "{}", r.text);
        assert!(!r.html.contains("<script>") && !r.html.contains("<Shop>"), "{}", r.html);
        assert!(r.html.contains("Hallo &amp; willkommen") && r.html.contains("lang=\"de\""));
    }

    #[test]
    fn without_a_name_it_greets_plainly_in_each_language() {
        let mut hellos = std::collections::BTreeSet::new();
        for locale in ["en", "de", "cs", "bg", "pt", "tl"] {
            let r = render(locale, "Fernhill", None, &[]);
            assert!(!r.text.contains("{name}") && !r.text.contains(" ,"), "{locale}: {}", r.text);
            hellos.insert(r.text.lines().next().unwrap_or_default().to_string());
        }
        assert_eq!(hellos.len(), 6, "{hellos:?}");
    }
}
