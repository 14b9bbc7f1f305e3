//! What the mails say, in the customer's language: plain text and HTML. Customer and agent text
//! reaches the HTML only escaped; the HTML is the plain text's structure, nothing more, so both
//! parts say the same.

use handoff_protocol::{Role, TranscriptEntry};
use std::fmt::Write;

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The fixed phrases of one language. `{site}`, `{name}`, `{agent}` and `{time}` are filled in.
pub(super) struct Phrases {
    receipt_subject: &'static str,
    answer_subject: &'static str,
    pub(super) greeting: &'static str,
    received: &'static str,
    expect_by: &'static str,
    reply_hint: &'static str,
    answer_intro: &'static str,
    your_message: &'static str,
    conversation: &'static str,
    pub(super) sign_off: &'static str,
    pub(super) you: &'static str,
    pub(super) assistant: &'static str,
    pub(super) support: &'static str,
}

const EN: Phrases = Phrases {
    receipt_subject: "We received your message – {site}",
    answer_subject: "Re: Your message – {site}",
    greeting: "Hello {name},",
    received: "thank you for your message. Nobody from our team could answer right away, so we have \
               filed it and will reply to you by e-mail.",
    expect_by: "You can expect our answer by {time}.",
    reply_hint: "If you would like to add anything, simply reply to this e-mail.",
    answer_intro: "{agent} from {site} has answered your message:",
    your_message: "Your message:",
    conversation: "Your conversation so far:",
    sign_off: "Kind regards,\n{site}",
    you: "You",
    assistant: "Assistant",
    support: "Support",
};

const DE: Phrases = Phrases {
    receipt_subject: "Wir haben Ihre Nachricht erhalten – {site}",
    answer_subject: "Re: Ihre Nachricht – {site}",
    greeting: "Hallo {name},",
    received: "vielen Dank für Ihre Nachricht. Niemand aus unserem Team konnte sofort antworten, \
               deshalb haben wir sie aufgenommen und antworten Ihnen per E-Mail.",
    expect_by: "Sie erhalten unsere Antwort bis {time}.",
    reply_hint: "Wenn Sie etwas ergänzen möchten, antworten Sie einfach auf diese E-Mail.",
    answer_intro: "{agent} von {site} hat auf Ihre Nachricht geantwortet:",
    your_message: "Ihre Nachricht:",
    conversation: "Ihr bisheriges Gespräch:",
    sign_off: "Mit freundlichen Grüßen\n{site}",
    you: "Sie",
    assistant: "Assistent",
    support: "Kundendienst",
};

const CS: Phrases = Phrases {
    receipt_subject: "Vaši zprávu jsme přijali – {site}",
    answer_subject: "Re: Vaše zpráva – {site}",
    greeting: "Dobrý den, {name},",
    received: "děkujeme za Vaši zprávu. Nikdo z našeho týmu nemohl odpovědět hned, proto jsme ji \
               zaevidovali a odpovíme Vám e-mailem.",
    expect_by: "Naši odpověď můžete očekávat do {time}.",
    reply_hint: "Pokud chcete něco doplnit, stačí odpovědět na tento e-mail.",
    answer_intro: "Odpověď na Vaši zprávu od: {agent} ({site})",
    your_message: "Vaše zpráva:",
    conversation: "Dosavadní konverzace:",
    sign_off: "S pozdravem\n{site}",
    you: "Vy",
    assistant: "Asistent",
    support: "Podpora",
};

const BG: Phrases = Phrases {
    receipt_subject: "Получихме вашето съобщение – {site}",
    answer_subject: "Re: Вашето съобщение – {site}",
    greeting: "Здравейте, {name},",
    received: "благодарим ви за съобщението. Никой от нашия екип не можа да отговори веднага, затова \
               го регистрирахме и ще ви отговорим по имейл.",
    expect_by: "Можете да очаквате нашия отговор до {time}.",
    reply_hint: "Ако искате да добавите нещо, просто отговорете на този имейл.",
    answer_intro: "Отговор на вашето съобщение от {agent} ({site}):",
    your_message: "Вашето съобщение:",
    conversation: "Досегашният ви разговор:",
    sign_off: "С уважение,\n{site}",
    you: "Вие",
    assistant: "Асистент",
    support: "Поддръжка",
};

// Brazilian Portuguese, like the demo shop's content.
const PT: Phrases = Phrases {
    receipt_subject: "Recebemos a sua mensagem – {site}",
    answer_subject: "Re: A sua mensagem – {site}",
    greeting: "Olá, {name},",
    received: "obrigado pela sua mensagem. Ninguém da nossa equipe pôde responder na hora, por isso \
               registramos a mensagem e vamos responder por e-mail.",
    expect_by: "Você pode contar com a nossa resposta até {time}.",
    reply_hint: "Se quiser acrescentar algo, basta responder a este e-mail.",
    answer_intro: "Resposta de {agent} ({site}) à sua mensagem:",
    your_message: "A sua mensagem:",
    conversation: "A sua conversa até agora:",
    sign_off: "Atenciosamente,\n{site}",
    you: "Você",
    assistant: "Assistente",
    support: "Atendimento",
};

const TL: Phrases = Phrases {
    receipt_subject: "Natanggap namin ang iyong mensahe – {site}",
    answer_subject: "Re: Ang iyong mensahe – {site}",
    greeting: "Kumusta, {name},",
    received: "salamat sa iyong mensahe. Walang nakasagot agad mula sa aming team, kaya itinala namin \
               ito at sasagutin ka namin sa e-mail.",
    expect_by: "Asahan ang aming sagot hanggang {time}.",
    reply_hint: "Kung may gusto kang idagdag, sumagot ka lang sa e-mail na ito.",
    answer_intro: "Sagot ni {agent} ({site}) sa iyong mensahe:",
    your_message: "Ang iyong mensahe:",
    conversation: "Ang inyong usapan sa ngayon:",
    sign_off: "Lubos na gumagalang,\n{site}",
    you: "Ikaw",
    assistant: "Assistant",
    support: "Suporta",
};

/// The one of six texts, in the order en, de, cs, bg, pt, tl, for `locale` (`de`, `de-AT` and
/// `de_AT` alike); English for any other.
pub(super) fn in_language<T: ?Sized>(locale: &str, all: [&'static T; 6]) -> &'static T {
    let lang = lang_of(locale).to_ascii_lowercase();
    let i = match lang.as_str() {
        "de" => 1,
        "cs" => 2,
        "bg" => 3,
        "pt" => 4,
        "tl" | "fil" => 5,
        _ => 0,
    };
    all[i]
}

/// The phrases of `locale`.
pub(super) fn phrases(locale: &str) -> &'static Phrases {
    in_language(locale, [&EN, &DE, &CS, &BG, &PT, &TL])
}

/// What both mails quote: the ticket's message and the conversation before it.
pub struct Quoted<'a> {
    pub message: &'a str,
    pub transcript: &'a [TranscriptEntry],
}

pub struct Receipt<'a> {
    pub locale: &'a str,
    pub site: &'a str,
    pub name: &'a str,
    /// The promised answer time, already formatted for the site (`None`: no promise).
    pub answer_by: Option<&'a str>,
    pub quoted: Quoted<'a>,
}

pub struct Answer<'a> {
    pub locale: &'a str,
    pub site: &'a str,
    pub name: &'a str,
    pub agent: &'a str,
    pub answer: &'a str,
    pub quoted: Quoted<'a>,
}

/// Text that must stay text in HTML: `&`, `<`, `>`, quotes escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(template: &str, site: &str, name: &str, agent: &str, time: &str) -> String {
    template.replace("{site}", site).replace("{name}", name).replace("{agent}", agent).replace("{time}", time)
}

/// The plain text and HTML built side by side, paragraph by paragraph.
#[derive(Default)]
pub(super) struct Body {
    pub(super) text: String,
    pub(super) html: String,
}

impl Body {
    pub(super) fn para(&mut self, s: &str) {
        let _ = write!(self.text, "{s}\n\n");
        let _ = writeln!(self.html, "<p>{}</p>", escape(s).replace('\n', "<br>\n"));
    }

    /// A block of someone else's words: `> ` lines in the text, a blockquote in the HTML.
    pub(super) fn quote(&mut self, s: &str) {
        for line in s.lines() {
            let _ = writeln!(self.text, "> {line}");
        }
        self.text.push('\n');
        let _ = writeln!(
            self.html,
            "<blockquote style=\"margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc\">{}</blockquote>",
            escape(s).replace('\n', "<br>\n")
        );
    }

    fn quoted(&mut self, p: &Phrases, q: &Quoted<'_>) {
        self.para(p.your_message);
        self.quote(q.message);
        let lines: Vec<String> = q
            .transcript
            .iter()
            .filter(|e| !e.text.trim().is_empty())
            .map(|e| {
                let who = match e.role {
                    Role::Customer => p.you,
                    Role::Bot => p.assistant,
                    _ => p.support,
                };
                format!("{who}: {}", e.text)
            })
            .collect();
        if !lines.is_empty() {
            self.para(p.conversation);
            self.quote(&lines.join("\n"));
        }
    }

    pub(super) fn finish(self, lang: &str) -> (String, String) {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head>\n\
             <body style=\"font-family:sans-serif;line-height:1.5\">\n{}</body></html>\n",
            escape(lang),
            self.html
        );
        (self.text.trim_end().to_string() + "\n", html)
    }
}

pub(super) fn lang_of(locale: &str) -> &str {
    locale.split(['-', '_']).next().unwrap_or("en")
}

/// The receipt for a filed ticket, with the promised answer time.
pub fn receipt(r: &Receipt<'_>) -> Rendered {
    let p = phrases(r.locale);
    let f = |t: &str| fill(t, r.site, r.name, "", r.answer_by.unwrap_or(""));
    let mut b = Body::default();
    b.para(&f(p.greeting));
    b.para(&f(p.received));
    if r.answer_by.is_some() {
        b.para(&f(p.expect_by));
    }
    b.para(p.reply_hint);
    b.quoted(p, &r.quoted);
    b.para(&f(p.sign_off));
    let (text, html) = b.finish(lang_of(r.locale));
    Rendered { subject: f(p.receipt_subject), text, html }
}

/// The agent's answer to a ticket, quoting what it answers.
pub fn answer(a: &Answer<'_>) -> Rendered {
    let p = phrases(a.locale);
    let f = |t: &str| fill(t, a.site, a.name, a.agent, "");
    let mut b = Body::default();
    b.para(&f(p.greeting));
    b.para(&f(p.answer_intro));
    b.para(a.answer);
    b.para(p.reply_hint);
    b.quoted(p, &a.quoted);
    b.para(&f(p.sign_off));
    let (text, html) = b.finish(lang_of(a.locale));
    Rendered { subject: f(p.answer_subject), text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(role: Role, text: &str) -> TranscriptEntry {
        TranscriptEntry { role, text: text.into(), intent: None }
    }

    #[test]
    fn customer_text_never_becomes_html() {
        let t = [line(Role::Customer, "<script>alert(1)</script>"), line(Role::Bot, "a & b")];
        let r = receipt(&Receipt {
            locale: "en",
            site: "Shop <b>",
            name: "<img src=x>",
            answer_by: Some("2026-12-08 10:00 (Europe/Prague)"),
            quoted: Quoted { message: "\"quoted\" <i>", transcript: &t },
        });
        assert!(!r.html.contains("<script>") && !r.html.contains("<img") && !r.html.contains("<i>"));
        assert!(r.html.contains("&lt;script&gt;") && r.html.contains("a &amp; b"));
        assert!(r.text.contains("> You: <script>alert(1)</script>"), "{}", r.text);
        assert!(r.text.contains("2026-12-08 10:00"));
    }

    #[test]
    fn every_language_has_its_own_words() {
        let mut subjects = std::collections::BTreeSet::new();
        for locale in ["en", "de", "cs", "bg", "pt", "tl"] {
            let a = answer(&Answer {
                locale,
                site: "Fernhill",
                name: "Jana",
                agent: "Ana",
                answer: "Done.",
                quoted: Quoted { message: "Help", transcript: &[] },
            });
            assert!(a.text.contains("Jana") && a.text.contains("Ana") && a.text.contains("Done."));
            assert!(a.html.contains(&format!("lang=\"{locale}\"")));
            subjects.insert(a.subject);
        }
        assert_eq!(subjects.len(), 6);
        assert_eq!(phrases("de-AT").greeting, DE.greeting);
        assert_eq!(phrases("xx").greeting, EN.greeting);
    }
}
