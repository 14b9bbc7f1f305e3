//! Which offline tickets the list shows: a status filter and a search over who wrote and what
//! (name, address, message, transcript, answer), case- and accent-insensitive enough for names
//! typed without their diacritics ("novakova" finds "Nováková").

use handoff_protocol::v1::{Ticket, TicketStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    All,
    Open,
    Answered,
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match s {
            "open" => Status::Open,
            "answered" => Status::Answered,
            _ => Status::All,
        }
    }
}

pub fn shows(t: &Ticket, status: Status, query: &str) -> bool {
    let status_ok = match status {
        Status::All => true,
        Status::Open => t.status != TicketStatus::Answered,
        Status::Answered => t.status == TicketStatus::Answered,
    };
    let q = fold(query.trim());
    status_ok
        && (q.is_empty()
            || [&t.name, &t.email, &t.message]
                .into_iter()
                .chain(t.answer.iter())
                .chain(t.transcript.iter().map(|e| &e.text))
                .any(|field| fold(field).contains(&q)))
}

/// Lower case without the diacritics of the six languages' Latin letters (Cyrillic stays).
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'č' | 'ç' => 'c',
            'ď' => 'd',
            'é' | 'è' | 'ê' | 'ě' => 'e',
            'í' | 'î' => 'i',
            'ň' | 'ñ' => 'n',
            'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ř' => 'r',
            'š' => 's',
            'ť' => 't',
            'ú' | 'ů' | 'ü' => 'u',
            'ý' => 'y',
            'ž' => 'z',
            'ß' => 's',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(name: &str, message: &str, status: &str) -> Ticket {
        serde_json::from_value(serde_json::json!({
            "id": 1, "site_key": "demo", "name": name, "email": "jana@example.com", "message": message,
            "transcript": [{ "role": "bot", "text": "Wir melden uns per E-Mail." }],
            "created_at": "2026-12-07T09:00:00Z", "status": status,
        }))
        .expect("a ticket")
    }

    #[test]
    fn search_finds_names_without_diacritics_and_any_field() {
        let t = ticket("Jana Nováková", "Wo bleibt meine Rückerstattung?", "open");
        assert!(shows(&t, Status::All, "novakova"));
        assert!(shows(&t, Status::All, "RUCKERSTATTUNG"));
        assert!(shows(&t, Status::All, "jana@"));
        assert!(shows(&t, Status::All, "per e-mail"));
        assert!(shows(&t, Status::All, "  "));
        assert!(!shows(&t, Status::All, "invoice"));
    }

    #[test]
    fn the_status_filter_splits_open_from_answered() {
        let open = ticket("A", "x", "open");
        let answered = ticket("B", "y", "answered");
        assert!(shows(&open, Status::Open, "") && !shows(&answered, Status::Open, ""));
        assert!(shows(&answered, Status::Answered, "") && !shows(&open, Status::Answered, ""));
        assert_eq!(Status::parse("whatever"), Status::All);
    }

    #[test]
    fn cyrillic_is_searched_as_it_is() {
        let t = ticket("Иван Петров", "Къде е поръчката ми?", "open");
        assert!(shows(&t, Status::All, "поръчката"));
        assert!(shows(&t, Status::All, "иван"));
    }
}
