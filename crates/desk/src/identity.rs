//! `Handoff('identify', ...)`: the host site tells who its signed-in customer is. With an
//! identity secret configured for the site, the desk believes only what the site's server
//! signed (HMAC-SHA256 of the user id, as Intercom's and Crisp's identity verification do), so
//! a visitor cannot pose as another customer by editing the page. Without one, the identity is
//! kept but shown to agents as not verified.

use crate::desk::error::{DeskError, DeskResult};
use crate::limits::{
    plausible_email, MAX_ATTRIBUTES, MAX_ATTRIBUTE_NAME as MAX_KEY, MAX_ATTRIBUTE_TEXT as MAX_TEXT,
    MAX_EMAIL, MAX_SHORT as MAX_ID, MAX_SHORT as MAX_NAME,
};
use handoff_protocol::v1::{Attribute, Customer, Identify};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Checks an identity against the site's secret (if any) and the limits; the customer agents
/// will see.
pub fn verify(req: Identify, secret: Option<&str>) -> DeskResult<Customer> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let user_id = clean(req.user_id);
    let name = clean(req.name);
    let email = clean(req.email);
    if user_id.is_none() && name.is_none() && email.is_none() {
        return Err(DeskError::invalid("empty_identity", "give at least one of user_id, name, email"));
    }
    limit("user_id", &user_id, MAX_ID)?;
    limit("name", &name, MAX_NAME)?;
    limit("email", &email, MAX_EMAIL)?;
    if email.as_deref().is_some_and(|e| !plausible_email(e)) {
        return Err(DeskError::invalid("invalid_email", "email is not an e-mail address"));
    }
    if req.attributes.len() > MAX_ATTRIBUTES {
        return Err(DeskError::invalid(
            "too_many_attributes",
            format!("at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    for (key, value) in &req.attributes {
        let key_ok = !key.is_empty()
            && key.len() <= MAX_KEY
            && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !key_ok {
            return Err(DeskError::invalid(
                "invalid_attribute",
                format!("attribute name {key:?}: 1-{MAX_KEY} characters of a-z, 0-9, _ - ."),
            ));
        }
        match value {
            Attribute::Text(t) if t.chars().count() > MAX_TEXT => {
                return Err(DeskError::invalid(
                    "invalid_attribute",
                    format!("attribute {key:?}: at most {MAX_TEXT} characters"),
                ))
            }
            Attribute::Number(n) if !n.is_finite() => {
                return Err(DeskError::invalid(
                    "invalid_attribute",
                    format!("attribute {key:?}: not a number"),
                ))
            }
            _ => {}
        }
    }
    let verified = match secret {
        None => false,
        Some(secret) => {
            let Some(id) = &user_id else {
                return Err(DeskError::refused(
                    "identity_not_verified",
                    "this site verifies identities: send user_id and its signature",
                ));
            };
            let given = req.signature.as_deref().unwrap_or("").trim().to_ascii_lowercase();
            if !crate::secret::same(&given, &sign(secret, id)) {
                return Err(DeskError::refused(
                    "identity_not_verified",
                    "the signature is not the HMAC-SHA256 of user_id with this site's identity secret",
                ));
            }
            true
        }
    };
    Ok(Customer { user_id, name, email, attributes: req.attributes, verified })
}

/// The signature a site's server makes for `user_id`: lowercase hex HMAC-SHA256.
pub fn sign(secret: &str, user_id: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(user_id.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn limit(field: &str, v: &Option<String>, max: usize) -> DeskResult<()> {
    match v {
        Some(s) if s.chars().count() > max => {
            Err(DeskError::invalid("too_long", format!("{field} is longer than {max} characters")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user: &str, sig: Option<&str>) -> Identify {
        Identify { user_id: Some(user.into()), signature: sig.map(String::from), ..Identify::default() }
    }

    #[test]
    fn a_known_hmac_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_site_with_a_secret_believes_only_its_signature() {
        let good = sign("s3cret", "u-42");
        let c = verify(who("u-42", Some(&good)), Some("s3cret")).unwrap();
        assert!(c.verified);
        assert_eq!(c.user_id.as_deref(), Some("u-42"));
        // Upper-case hex is the same signature.
        assert!(verify(who("u-42", Some(&good.to_uppercase())), Some("s3cret")).unwrap().verified);
        for bad in [None, Some(""), Some("00"), Some(good.as_str())] {
            let other = verify(who("u-43", bad), Some("s3cret"));
            assert_eq!(other.unwrap_err().code(), "identity_not_verified");
        }
        let anonymous = Identify { name: Some("Eve".into()), ..Identify::default() };
        assert_eq!(verify(anonymous, Some("s3cret")).unwrap_err().code(), "identity_not_verified");
    }

    #[test]
    fn without_a_secret_the_identity_is_kept_unverified() {
        let c = verify(who("u-42", Some("whatever")), None).unwrap();
        assert!(!c.verified);
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(verify(Identify::default(), None).unwrap_err().code(), "empty_identity");
        let long = Identify { name: Some("x".repeat(201)), ..Identify::default() };
        assert_eq!(verify(long, None).unwrap_err().code(), "too_long");
        for e in ["no-at", "a@b", "a b@c.de", "@c.de", "a@.de"] {
            let bad = Identify { email: Some(e.into()), ..Identify::default() };
            assert_eq!(verify(bad, None).unwrap_err().code(), "invalid_email", "{e}");
        }
        let mut attrs = std::collections::BTreeMap::new();
        attrs.insert("plan name".to_string(), Attribute::Text("pro".into()));
        let bad = Identify { name: Some("A".into()), attributes: attrs, ..Identify::default() };
        assert_eq!(verify(bad, None).unwrap_err().code(), "invalid_attribute");
        let many = (0..31).map(|i| (format!("k{i}"), Attribute::Flag(true))).collect();
        let bad = Identify { name: Some("A".into()), attributes: many, ..Identify::default() };
        assert_eq!(verify(bad, None).unwrap_err().code(), "too_many_attributes");
    }
}
