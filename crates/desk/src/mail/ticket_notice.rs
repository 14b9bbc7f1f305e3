//! The mail an agent can ask for in the console: a ticket was filed for one of their departments
//! while nobody of it was online. In the site's default language (the team's, not the
//! customer's); the customer's words only escaped into the HTML.

use super::config::SmtpConfig;
use super::outbox::Addressing;
use super::render::{in_language, lang_of, phrases, Body, Rendered};
use crate::db::{AgentRow, OutboxRow, TicketRow};
use crate::sites::LoadedSite;

struct Words {
    subject: &'static str,
    intro: &'static str,
    answer: &'static str,
    why: &'static str,
}

const EN: Words = Words {
    subject: "New ticket from {name} – {department} – {site}",
    intro: "{name} <{email}> left a message for {department} while nobody was online:",
    answer: "Answer it in the console: {url}",
    why: "You get this e-mail because you turned on e-mail notices of new tickets in the console.",
};
const DE: Words = Words {
    subject: "Neues Ticket von {name} – {department} – {site}",
    intro: "{name} <{email}> hat eine Nachricht für {department} hinterlassen, während niemand online war:",
    answer: "Beantworten Sie es in der Konsole: {url}",
    why: "Sie erhalten diese E-Mail, weil Sie in der Konsole E-Mails zu neuen Tickets eingeschaltet haben.",
};
const CS: Words = Words {
    subject: "Nový tiket od {name} – {department} – {site}",
    intro: "{name} <{email}> zanechal(a) zprávu pro oddělení {department}, když nikdo nebyl online:",
    answer: "Odpovězte v konzoli: {url}",
    why: "Tento e-mail dostáváte, protože jste si v konzoli zapnuli e-maily o nových tiketech.",
};
const BG: Words = Words {
    subject: "Нов тикет от {name} – {department} – {site}",
    intro: "{name} <{email}> остави съобщение за {department}, докато никой не беше на линия:",
    answer: "Отговорете в конзолата: {url}",
    why: "Получавате този имейл, защото сте включили имейлите за нови тикети в конзолата.",
};
const PT: Words = Words {
    subject: "Novo ticket de {name} – {department} – {site}",
    intro: "{name} <{email}> deixou uma mensagem para {department} enquanto ninguém estava online:",
    answer: "Responda no console: {url}",
    why: "Você recebe este e-mail porque ativou os e-mails de novos tickets no console.",
};
const TL: Words = Words {
    subject: "Bagong ticket mula kay {name} – {department} – {site}",
    intro: "Nag-iwan si {name} <{email}> ng mensahe para sa {department} habang walang online:",
    answer: "Sagutin ito sa console: {url}",
    why: "Natatanggap mo ang e-mail na ito dahil binuksan mo ang mga e-mail ng bagong ticket sa console.",
};

fn words(locale: &str) -> &'static Words {
    in_language(locale, [&EN, &DE, &CS, &BG, &PT, &TL])
}

/// What the notice says about one ticket.
pub struct Notice<'a> {
    pub locale: &'a str,
    pub site: &'a str,
    pub department: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub message: &'a str,
    /// The console's address (`public_url` + `/console/`), if the desk knows its own.
    pub console: Option<&'a str>,
}

pub fn render(n: &Notice<'_>) -> Rendered {
    let w = words(n.locale);
    let f = |t: &str| {
        t.replace("{site}", n.site)
            .replace("{department}", n.department)
            .replace("{name}", n.name)
            .replace("{email}", n.email)
            .replace("{url}", n.console.unwrap_or(""))
    };
    let mut b = Body::default();
    b.para(&f(w.intro));
    b.quote(n.message);
    b.para(f(w.answer).trim_end_matches([' ', ':']));
    b.para(w.why);
    b.para(&f(phrases(n.locale).sign_off));
    let (text, html) = b.finish(lang_of(n.locale));
    // A subject is one line whatever the customer typed as their name.
    let subject = f(w.subject).replace(['\r', '\n'], " ");
    Rendered { subject, text, html }
}

/// The notices of a ticket about to be stored, one per agent (`to`: those who asked for it);
/// each Message-ID is the ticket's reply token and the agent's id, so it is queued once.
pub fn rows(
    smtp: &SmtpConfig,
    site: &LoadedSite,
    to: &[&AgentRow],
    t: &TicketRow,
    n: &Notice<'_>,
    now: i64,
) -> Vec<OutboxRow> {
    let Some(token) = t.reply_token.as_deref() else { return Vec::new() };
    let a = Addressing::of(smtp, site);
    let r = render(n);
    to.iter()
        .map(|agent| {
            OutboxRow::pending(
                &site.key,
                t.conversation_id.clone(),
                "ticket_notice",
                a.message_id(&format!("notice-{}", agent.id), token),
                None,
                a.from.clone(),
                None,
                agent.email.clone(),
                r.subject.clone(),
                r.text.clone(),
                r.html.clone(),
                now,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice<'a>(locale: &'a str, name: &'a str, console: Option<&'a str>) -> Notice<'a> {
        Notice {
            locale,
            site: "Fernhill",
            department: "Billing",
            name,
            email: "eva@example.com",
            message: "<b>Refund</b> please",
            console,
        }
    }

    #[test]
    fn it_names_who_wrote_for_which_department_and_where_to_answer() {
        let r = render(&notice("en", "Eva", Some("https://desk.example/console/")));
        assert_eq!(r.subject, "New ticket from Eva – Billing – Fernhill");
        assert!(r.text.contains("Eva <eva@example.com> left a message for Billing"), "{}", r.text);
        assert!(r.text.contains("> <b>Refund</b> please"), "{}", r.text);
        assert!(r.text.contains("console: https://desk.example/console/"), "{}", r.text);
        assert!(!r.html.contains("<b>") && r.html.contains("&lt;b&gt;Refund"), "{}", r.html);
        let no_url = render(&notice("en", "Eva", None));
        assert!(no_url.text.contains("Answer it in the console\n"), "{}", no_url.text);
    }

    #[test]
    fn a_name_cannot_add_header_lines_and_every_language_has_its_words() {
        assert!(!render(&notice("en", "Eva\r\nBcc: x@y", None)).subject.contains('\n'));
        let subjects: std::collections::BTreeSet<_> = ["en", "de", "cs", "bg", "pt", "tl"]
            .iter()
            .map(|l| render(&notice(l, "Eva", None)).subject)
            .collect();
        assert_eq!(subjects.len(), 6);
    }
}
