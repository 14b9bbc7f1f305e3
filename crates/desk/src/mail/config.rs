//! `[smtp]` in the desk's config: where outbound mail goes and how it is addressed. Without the
//! section the desk queues and sends no mail (tickets and answers are only stored).
//!
//! `[imap]`: the support mailbox the customers' replies arrive in. Without it no reply is read.

use crate::config::ConfigError;
use lettre::message::Mailbox;
use serde::Deserialize;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSmtp {
    host: String,
    port: Option<u16>,
    tls: Option<String>,
    user: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
    from: String,
    reply_domain: String,
    timeout_secs: Option<u64>,
    retry_base_ms: Option<u64>,
    retry_max_secs: Option<u64>,
    max_attempts: Option<u32>,
    poll_interval_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawImap {
    host: String,
    port: Option<u16>,
    tls: Option<String>,
    user: String,
    password: Option<String>,
    password_env: Option<String>,
    mailbox: Option<String>,
    poll_interval_ms: Option<u64>,
    timeout_secs: Option<u64>,
    retry_max_secs: Option<u64>,
}

/// How the connection to the SMTP (or IMAP) server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP: only for a relay on the same host or a private network.
    None,
    /// Plain connect, then STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Clone, PartialEq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The default From (`Name <address>`); a site's `mail_from` wins for its mails.
    pub from: String,
    /// The domain of the Reply-To addresses, `reply+<token>@<reply_domain>`; a site's
    /// `mail_reply_domain` wins for its mails.
    pub reply_domain: String,
    /// One connection and send, at most.
    pub timeout: Duration,
    /// The first retry's delay; each failed attempt doubles it, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Attempts before a mail is given up (`failed`, listed for supervisors).
    pub max_attempts: u32,
    /// How often the sender looks for due mail (a mail queued here wakes it at once).
    pub poll_interval: Duration,
}

/// Never prints the password.
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("reply_domain", &self.reply_domain)
            .finish_non_exhaustive()
    }
}

impl SmtpConfig {
    /// The lease a sender holds on a claimed mail: longer than any send can take, so a mail is
    /// claimed again only when its sender is gone.
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(1)
    }
}

fn invalid(m: String) -> ConfigError {
    ConfigError::Invalid(format!("[smtp] {m}"))
}

/// `[imap]`: where the desk reads customers' replies from.
#[derive(Clone, PartialEq)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    /// `none` only for a server on this host (the tests' Dovecot); `tls` (993) or `starttls` (143).
    pub tls: TlsMode,
    pub user: String,
    pub password: String,
    /// The folder replies arrive in (`INBOX`).
    pub mailbox: String,
    /// How often the mailbox is looked at (with IDLE: the longest wait in IDLE before a round).
    pub poll_interval: Duration,
    /// One connect, login or command, at most.
    pub timeout: Duration,
    /// The longest wait between reconnects while the server is unreachable (the wait doubles
    /// from a second up to this).
    pub retry_max: Duration,
}

/// Never prints the password.
impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

fn invalid_imap(m: String) -> ConfigError {
    ConfigError::Invalid(format!("[imap] {m}"))
}

impl RawImap {
    pub(crate) fn validate(self) -> Result<ImapConfig, ConfigError> {
        let tls = match self.tls.as_deref().unwrap_or("tls") {
            "none" => TlsMode::None,
            "starttls" => TlsMode::StartTls,
            "tls" => TlsMode::Tls,
            other => {
                return Err(invalid_imap(format!("tls {other:?}: use \"none\", \"starttls\" or \"tls\"")))
            }
        };
        let port = self.port.unwrap_or(match tls {
            TlsMode::None | TlsMode::StartTls => 143,
            TlsMode::Tls => 993,
        });
        let password = match (self.password, self.password_env) {
            (Some(_), Some(_)) => return Err(invalid_imap("set password or password_env, not both".into())),
            (Some(p), None) => p,
            (None, Some(var)) => std::env::var(&var)
                .map_err(|_| invalid_imap(format!("password_env names {var:?}, which is not set")))?,
            // HANDOFF_IMAP_PASSWORD may still set it (Config::apply_env); checked at start.
            (None, None) => String::new(),
        };
        let host = self.host.trim().to_string();
        if host.is_empty() {
            return Err(invalid_imap("host is empty".into()));
        }
        if self.user.trim().is_empty() {
            return Err(invalid_imap("user is empty".into()));
        }
        // IMAP always logs in: in the clear only to this very host.
        if tls == TlsMode::None && !loopback(&host) {
            return Err(invalid_imap(format!(
                "tls = \"none\" to {host} sends the password in the clear: use tls or starttls"
            )));
        }
        let mailbox = self.mailbox.unwrap_or_else(|| "INBOX".into());
        // The name goes into a quoted IMAP string: no quotes, backslashes or line breaks.
        if mailbox.is_empty() || mailbox.chars().any(|c| matches!(c, '"' | '\\' | '\r' | '\n')) {
            return Err(invalid_imap(format!("mailbox {mailbox:?} cannot be used")));
        }
        let poll_interval = Duration::from_millis(self.poll_interval_ms.unwrap_or(30_000).max(10));
        Ok(ImapConfig {
            host,
            port,
            tls,
            user: self.user.trim().to_string(),
            password,
            mailbox,
            poll_interval,
            timeout: Duration::from_secs(self.timeout_secs.unwrap_or(30).max(1)),
            retry_max: Duration::from_secs(self.retry_max_secs.unwrap_or(300).max(1)),
        })
    }
}

/// A From address as lettre reads it (`Name <user@host>` or `user@host`).
pub fn mailbox(label: &str, v: &str) -> Result<String, ConfigError> {
    v.trim()
        .parse::<Mailbox>()
        .map(|_| v.trim().to_string())
        .map_err(|e| ConfigError::Invalid(format!("{label} {v:?} is not a mail address: {e}")))
}

/// A reply domain: a host name (letters, digits, dots and hyphens).
pub fn domain(label: &str, v: &str) -> Result<String, ConfigError> {
    let v = v.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !v.is_empty()
        && v.len() <= 253
        && v.split('.').all(|l| {
            !l.is_empty() && !l.starts_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(v)
    } else {
        Err(ConfigError::Invalid(format!("{label} {v:?} is not a domain name")))
    }
}

fn loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

impl RawSmtp {
    pub(crate) fn validate(self) -> Result<SmtpConfig, ConfigError> {
        let tls = match self.tls.as_deref().unwrap_or("starttls") {
            "none" => TlsMode::None,
            "starttls" => TlsMode::StartTls,
            "tls" => TlsMode::Tls,
            other => return Err(invalid(format!("tls {other:?}: use \"none\", \"starttls\" or \"tls\""))),
        };
        let port = self.port.unwrap_or(match tls {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        });
        let password = match (self.password, self.password_env) {
            (Some(_), Some(_)) => return Err(invalid("set password or password_env, not both".into())),
            (Some(p), None) => Some(p),
            (None, Some(var)) => Some(
                std::env::var(&var)
                    .map_err(|_| invalid(format!("password_env names {var:?}, which is not set")))?,
            ),
            (None, None) => None,
        };
        if password.is_some() != self.user.is_some() {
            return Err(invalid("user and password go together".into()));
        }
        let host = self.host.trim().to_string();
        if host.is_empty() {
            return Err(invalid("host is empty".into()));
        }
        // A password sent in the clear over the network is a password given away.
        if password.is_some() && tls == TlsMode::None && !loopback(&host) {
            return Err(invalid(format!("tls = \"none\" with a password to {host}: use starttls or tls")));
        }
        let max_attempts = self.max_attempts.unwrap_or(12);
        if max_attempts == 0 {
            return Err(invalid("max_attempts must be at least 1".into()));
        }
        Ok(SmtpConfig {
            host,
            port,
            tls,
            user: self.user,
            password,
            from: mailbox("[smtp] from", &self.from)?,
            reply_domain: domain("[smtp] reply_domain", &self.reply_domain)?,
            timeout: Duration::from_secs(self.timeout_secs.unwrap_or(30).max(1)),
            retry_base: Duration::from_millis(self.retry_base_ms.unwrap_or(30_000).max(10)),
            retry_max: Duration::from_secs(self.retry_max_secs.unwrap_or(3600).max(1)),
            max_attempts,
            poll_interval: Duration::from_millis(self.poll_interval_ms.unwrap_or(1000).max(10)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<SmtpConfig, ConfigError> {
        toml::from_str::<RawSmtp>(t).map_err(|e| ConfigError::Invalid(e.to_string()))?.validate()
    }

    #[test]
    fn defaults_follow_the_tls_mode() {
        let c = parse("host = \"smtp.example\"\nfrom = \"Shop <help@shop.example>\"\nreply_domain = \"Reply.Shop.example\"")
            .expect("valid");
        assert_eq!((c.tls, c.port), (TlsMode::StartTls, 587));
        assert_eq!(c.reply_domain, "reply.shop.example");
        let c = parse("host = \"smtp.example\"\ntls = \"tls\"\nfrom = \"help@shop.example\"\nreply_domain = \"shop.example\"")
            .expect("valid");
        assert_eq!((c.tls, c.port), (TlsMode::Tls, 465));
    }

    #[test]
    fn refuses_what_would_not_work_or_leak() {
        let base = "from = \"help@shop.example\"\nreply_domain = \"shop.example\"\n";
        let e = |t: &str| parse(&format!("{base}{t}")).expect_err(t).to_string();
        assert!(e("host = \"h\"\ntls = \"ssl\"").contains("tls"));
        assert!(e("host = \"h\"\nuser = \"u\"").contains("together"));
        assert!(
            e("host = \"smtp.example\"\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"").contains("starttls")
        );
        assert!(parse(&format!(
            "{base}host = \"127.0.0.1\"\ntls = \"none\"\nuser = \"u\"\npassword = \"p\""
        ))
        .is_ok());
        assert!(parse("host = \"h\"\nfrom = \"not an address\"\nreply_domain = \"shop.example\"").is_err());
        assert!(parse("host = \"h\"\nfrom = \"a@b.example\"\nreply_domain = \"bad domain\"").is_err());
        let c = parse(&format!("{base}host = \"h\"\nuser = \"u\"\npassword = \"secret\"")).expect("valid");
        assert!(!format!("{c:?}").contains("secret"));
    }

    fn imap(t: &str) -> Result<ImapConfig, ConfigError> {
        toml::from_str::<RawImap>(t).map_err(|e| ConfigError::Invalid(e.to_string()))?.validate()
    }

    #[test]
    fn imap_defaults_and_refusals() {
        let c = imap("host = \"imap.example\"\nuser = \"support\"\npassword = \"secret\"").expect("valid");
        assert_eq!((c.tls, c.port, c.mailbox.as_str()), (TlsMode::Tls, 993, "INBOX"));
        assert_eq!(c.poll_interval, Duration::from_secs(30));
        assert!(!format!("{c:?}").contains("secret"));
        let c = imap("host = \"127.0.0.1\"\ntls = \"none\"\nport = 1143\nuser = \"u\"\npassword = \"p\"\npoll_interval_ms = 100")
            .expect("valid");
        assert_eq!((c.tls, c.port), (TlsMode::None, 1143));
        assert!(imap("host = \"imap.example\"\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"")
            .expect_err("clear text")
            .to_string()
            .contains("in the clear"));
        assert!(imap("host = \"h\"\nuser = \"u\"\npassword = \"p\"\nmailbox = \"a\\\"b\"").is_err());
        assert!(imap("host = \"h\"\nuser = \"u\"\npassword = \"p\"\nport = \"x\"").is_err());
    }
}
