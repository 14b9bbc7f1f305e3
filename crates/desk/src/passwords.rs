//! What a password set by a person must be (issue 20): long enough to resist guessing and not
//! one of the passwords every attacker tries first. Length beats composition rules (NIST SP
//! 800-63B): no required digits or symbols, but at least [`MIN_CHARS`] characters.

use crate::desk::error::{DeskError, DeskResult};

/// Characters, not bytes: "Zürich-Bahnhof" counts 14.
pub const MIN_CHARS: usize = 10;

/// Passwords that head every breached-password list, and this product's own words.
const COMMON: [&str; 16] = [
    "password",
    "passwort",
    "1234567890",
    "0123456789",
    "qwertyuiop",
    "qwertzuiop",
    "iloveyou",
    "letmein",
    "welcome",
    "administrator",
    "changeme",
    "handoff",
    "fernhill",
    "support",
    "abc123",
    "football",
];

/// `Ok` for a password a person may choose; else a 422 naming the rule. `email` is the account's
/// sign-in address: a password made of it is refused.
pub fn check(password: &str, email: &str) -> DeskResult<()> {
    let weak = |why: &str| DeskError::invalid("weak_password", why.to_string());
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(weak(&format!("a password needs at least {MIN_CHARS} characters (this one has {n})")));
    }
    let lower = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Err(weak("a password needs more than three different characters"));
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.chars().count() >= 4 && lower.contains(&local) {
        return Err(weak("a password must not contain the sign-in address"));
    }
    let bare: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    if COMMON.iter().any(|c| bare == *c || bare.trim_end_matches(|c: char| c.is_ascii_digit()) == *c) {
        return Err(weak("this password is one of the first ones attackers try"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_passwords_pass_and_the_usual_ones_do_not() {
        for good in ["correct horse battery", "Zürich-Bahnhof", "лятно-море-2026", "xk3-pq9-vv1"] {
            assert!(check(good, "ana@fernhill.example").is_ok(), "{good}");
        }
        for (bad, why) in [
            ("short1!", "at least 10"),
            ("aaaaaaaaaaaa", "different characters"),
            ("ana.novak-2026", "sign-in address"),
            ("Password2026", "attackers try"),
            ("fernhill!!!123", "attackers try"),
            ("1234567890", "attackers try"),
        ] {
            let e = check(bad, "ana.novak@fernhill.example").expect_err(bad);
            assert_eq!(e.code(), "weak_password");
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }
}
