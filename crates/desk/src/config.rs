//! `handoff.toml`: what the desk serves and how. Parsed strictly (unknown keys are errors, so a
//! typo does not silently fall back to a default), then validated into ready-to-use values.
//! Environment variables override the file; command-line flags override both (see main.rs).

use crate::hours::BusinessHours;
use crate::mail::config::SmtpConfig;
use crate::sla::SlaPolicy;
use handoff_protocol::settings::HoursSpec;
use ipnet::IpNet;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0}: {1}")]
    Parse(PathBuf, String),
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    sweep_interval_ms: Option<u64>,
    log_format: Option<String>,
    #[serde(default)]
    secure_cookies: bool,
    session_hours: Option<u64>,
    static_dir: Option<PathBuf>,
    public_url: Option<String>,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    metrics_token: Option<String>,
    #[serde(default)]
    limits: RawLimits,
    smtp: Option<crate::mail::config::RawSmtp>,
    imap: Option<crate::mail::config::RawImap>,
    #[serde(default, rename = "site")]
    sites: Vec<RawSite>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    body_bytes: Option<usize>,
    transcript_bytes: Option<usize>,
    message_chars: Option<usize>,
    ip_burst: Option<u32>,
    ip_per_minute: Option<u32>,
    conversation_burst: Option<u32>,
    conversation_per_minute: Option<u32>,
    header_read_timeout_secs: Option<u64>,
    body_read_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    content: PathBuf,
    #[serde(default)]
    allowed_origins: Vec<String>,
    max_wait_secs: Option<u64>,
    avg_handle_secs: Option<u64>,
    ticket_answer_secs: Option<u64>,
    hours: Option<RawHours>,
    #[serde(default)]
    sla: BTreeMap<String, RawSla>,
    #[serde(default)]
    canned: Vec<RawCanned>,
    identity_secret: Option<String>,
    identity_secret_env: Option<String>,
    mail_from: Option<String>,
    mail_reply_domain: Option<String>,
    retention_days: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCanned {
    id: String,
    department: String,
    locale: String,
    title: String,
    text: String,
}

// No deny_unknown_fields: the weekday keys are flattened into `days`, where unknown names are
// rejected by `hours()` instead.
#[derive(Debug, Clone, Deserialize)]
struct RawHours {
    time_zone: String,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(flatten)]
    days: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSla {
    first_response_secs: f64,
    resolution_secs: f64,
}

/// Request limits; see docs/protocol.md "Limits".
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub body_bytes: usize,
    /// For the routes that carry a transcript (handoff, ticket).
    pub transcript_bytes: usize,
    pub message_chars: usize,
    pub ip_burst: u32,
    pub ip_per_minute: u32,
    pub conversation_burst: u32,
    pub conversation_per_minute: u32,
    /// A connection that has not sent a request's complete headers within this is closed.
    pub header_read_timeout: Duration,
    /// A request body that sends nothing for this long is abandoned (408).
    pub body_read_timeout: Duration,
    /// A non-streaming answer that takes longer is abandoned (503); event streams are not cut.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 64 * 1024,
            transcript_bytes: 256 * 1024,
            message_chars: 4000,
            ip_burst: 120,
            ip_per_minute: 600,
            conversation_burst: 30,
            conversation_per_minute: 120,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    /// Resolved against the config file's directory.
    pub content: PathBuf,
    pub allowed_origins: Vec<String>,
    pub max_wait: Duration,
    pub avg_handle: Duration,
    /// A ticket's promised answer time after the next opening (`ticket_answer_secs`).
    pub ticket_answer: Duration,
    pub hours: BusinessHours,
    /// `[site.hours]` as written (`None`: open around the clock), for the console's settings.
    pub hours_spec: Option<HoursSpec>,
    /// Per priority id; priorities without an entry use [`DEFAULT_SLA`].
    pub sla: BTreeMap<String, SlaPolicy>,
    /// Prepared answers per department and locale (`[[site.canned]]`), for the console.
    pub canned: Vec<CannedResponse>,
    /// Turns identity verification on: `Handoff('identify')` must carry the HMAC-SHA256 of the
    /// user id with this secret (`identity_secret`, or the environment variable named by
    /// `identity_secret_env`, so the file need not hold it).
    pub identity_secret: Option<String>,
    /// The From of this site's mails (`mail_from`), else `[smtp] from`.
    pub mail_from: Option<String>,
    /// The domain of this site's Reply-To addresses (`mail_reply_domain`), else
    /// `[smtp] reply_domain`.
    pub mail_reply_domain: Option<String>,
    /// How long resolved conversations and answered tickets are kept after their last change
    /// (`retention_days`); `None`: for ever. See docs/privacy.md.
    pub retention: Option<Duration>,
}

/// A shorter identity secret is refused: it could be guessed from signatures seen in pages.
pub const MIN_IDENTITY_SECRET: usize = 16;

/// `[[site.canned]]`: `id`, `department`, `locale`, `title`, `text`.
pub type CannedResponse = handoff_protocol::v1::CannedResponse;

/// `ticket_answer_secs` when a site does not set it: one day.
pub const DEFAULT_TICKET_ANSWER_SECS: u64 = 24 * 3600;

pub const DEFAULT_SLA: SlaPolicy =
    SlaPolicy { first_response: Duration::from_secs(300), resolution: Duration::from_secs(24 * 3600) };

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    /// Where the desk stores everything: `None` is the embedded default, SQLite in
    /// `<data_dir>/handoff.db`. See [`Config::database`].
    pub database_url: Option<DatabaseUrl>,
    pub sweep_interval: Duration,
    pub log_json: bool,
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    pub static_dir: Option<PathBuf>,
    /// The desk's address as browsers reach it (`https://help.example`), for the embed snippet
    /// the console shows. Without it, the address the console itself was loaded from.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` header names the client (addresses
    /// or CIDR ranges). Empty: those headers are ignored and the socket's peer is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// When set, `GET /metrics` needs `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    pub limits: Limits,
    /// Outbound mail (`[smtp]`); `None`: the desk sends none.
    pub smtp: Option<SmtpConfig>,
    /// The support mailbox customers' replies are read from (`[imap]`); `None`: none are read.
    pub imap: Option<crate::mail::config::ImapConfig>,
    pub sites: Vec<SiteConfig>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_path_buf(), e))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base).map_err(|e| match e {
            ConfigError::Invalid(m) => ConfigError::Parse(path.to_path_buf(), m),
            other => other,
        })
    }

    /// Parses config text; relative paths are resolved against `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let d = Limits::default();
        let l = raw.limits;
        let limits = Limits {
            body_bytes: l.body_bytes.unwrap_or(d.body_bytes),
            transcript_bytes: l.transcript_bytes.unwrap_or(d.transcript_bytes),
            message_chars: l.message_chars.unwrap_or(d.message_chars),
            ip_burst: l.ip_burst.unwrap_or(d.ip_burst),
            ip_per_minute: l.ip_per_minute.unwrap_or(d.ip_per_minute),
            conversation_burst: l.conversation_burst.unwrap_or(d.conversation_burst),
            conversation_per_minute: l.conversation_per_minute.unwrap_or(d.conversation_per_minute),
            header_read_timeout: timeout("header_read_timeout_secs", l.header_read_timeout_secs)?
                .unwrap_or(d.header_read_timeout),
            body_read_timeout: timeout("body_read_timeout_secs", l.body_read_timeout_secs)?
                .unwrap_or(d.body_read_timeout),
            request_timeout: timeout("request_timeout_secs", l.request_timeout_secs)?
                .unwrap_or(d.request_timeout),
        };
        if raw.sites.is_empty() {
            return Err(ConfigError::Invalid("no [[site]] configured".into()));
        }
        let sites = raw.sites.into_iter().map(|s| site(s, base)).collect::<Result<_, _>>()?;
        let log_json = match raw.log_format.as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError::Invalid(format!("log_format {other:?}: use \"text\" or \"json\"")))
            }
        };
        let smtp = raw.smtp.map(|s| s.validate()).transpose()?;
        let imap = raw.imap.map(|s| s.validate()).transpose()?;
        // A reply names its ticket by the reply domain of the mails [smtp] sends: without them
        // nothing fetched could be matched.
        if imap.is_some() && smtp.is_none() {
            return Err(ConfigError::Invalid(
                "[imap] needs [smtp]: replies answer the mails it sends".into(),
            ));
        }
        Ok(Config {
            listen: raw.listen.unwrap_or_else(|| "127.0.0.1:8090".into()),
            data_dir: raw.data_dir.map(|d| base.join(d)).unwrap_or_else(|| base.join("data")),
            database_url: raw.database_url.map(|u| DatabaseUrl::parse(&u, base)).transpose()?,
            sweep_interval: Duration::from_millis(raw.sweep_interval_ms.unwrap_or(1000).max(10)),
            log_json,
            secure_cookies: raw.secure_cookies,
            session_ttl: Duration::from_secs(raw.session_hours.unwrap_or(12) * 3600),
            static_dir: raw.static_dir.map(|d| base.join(d)),
            public_url: raw.public_url.map(|u| public_url(&u)).transpose()?,
            trusted_proxies: raw.trusted_proxies.iter().map(|p| proxy(p)).collect::<Result<_, _>>()?,
            metrics_token: raw.metrics_token.map(|t| metrics_token(&t)).transpose()?,
            limits,
            smtp,
            imap,
            sites,
        })
    }

    /// The database the desk uses: the configured URL, else SQLite under the data directory.
    pub fn database(&self) -> DatabaseUrl {
        self.database_url.clone().unwrap_or_else(|| DatabaseUrl::Sqlite(self.data_dir.join("handoff.db")))
    }

    /// `HANDOFF_LISTEN`, `HANDOFF_DATA_DIR`, `HANDOFF_DATABASE_URL`, `HANDOFF_SWEEP_INTERVAL_MS`, `HANDOFF_LOG_FORMAT`,
    /// `HANDOFF_STATIC_DIR`, `HANDOFF_SECURE_COOKIES`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = get("HANDOFF_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("HANDOFF_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = get("HANDOFF_DATABASE_URL").filter(|v| !v.trim().is_empty()) {
            self.database_url = Some(DatabaseUrl::parse(&v, Path::new("."))?);
        }
        if let Some(v) = get("HANDOFF_PUBLIC_URL") {
            self.public_url = Some(public_url(&v)?);
        }
        if let Some(v) = get("HANDOFF_TRUSTED_PROXIES") {
            self.trusted_proxies =
                v.split(',').map(str::trim).filter(|p| !p.is_empty()).map(proxy).collect::<Result<_, _>>()?;
        }
        if let Some(v) = get("HANDOFF_METRICS_TOKEN") {
            self.metrics_token = Some(metrics_token(&v)?);
        }
        // The SMTP password from a secret store rather than the file.
        if let (Some(v), Some(smtp)) = (get("HANDOFF_SMTP_PASSWORD"), self.smtp.as_mut()) {
            smtp.password = Some(v);
        }
        if let (Some(v), Some(imap)) = (get("HANDOFF_IMAP_PASSWORD"), self.imap.as_mut()) {
            imap.password = v;
        }
        if let Some(v) = get("HANDOFF_STATIC_DIR") {
            self.static_dir = Some(v.into());
        }
        if let Some(v) = get("HANDOFF_SWEEP_INTERVAL_MS") {
            let ms: u64 = v.parse().map_err(|_| {
                ConfigError::Invalid(format!("HANDOFF_SWEEP_INTERVAL_MS={v:?} is not a number"))
            })?;
            self.sweep_interval = Duration::from_millis(ms.max(10));
        }
        if let Some(v) = get("HANDOFF_LOG_FORMAT") {
            self.log_json = v == "json";
        }
        if let Some(v) = get("HANDOFF_SECURE_COOKIES") {
            self.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes");
        }
        Ok(())
    }
}

/// A database: `sqlite://<file>` (relative to the config file's directory) or
/// `postgres://user:password@host:port/database` (also `postgresql://`, with sqlx's query
/// options such as `?sslmode=require`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(v: &str, base: &Path) -> Result<DatabaseUrl, ConfigError> {
        let v = v.trim();
        if let Some(file) = v.strip_prefix("sqlite://").or_else(|| v.strip_prefix("sqlite:")) {
            let file = file.split('?').next().unwrap_or(file);
            if file.is_empty() {
                return Err(ConfigError::Invalid("database_url \"sqlite://\" names no file".into()));
            }
            return Ok(DatabaseUrl::Sqlite(base.join(file)));
        }
        if v.starts_with("postgres://") || v.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(v.to_string()));
        }
        Err(ConfigError::Invalid(format!(
            "database_url {:?}: use sqlite://<file> or postgres://user@host/database",
            redacted(v)
        )))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_string() };
    let rest = &url[scheme_end..];
    let authority = rest.split('/').next().unwrap_or(rest);
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}{}:***{}", &url[..scheme_end], &authority[..colon], &url[scheme_end + at..])
        }
        _ => url.to_string(),
    }
}

/// Never prints a password.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => write!(f, "{}", redacted(u)),
        }
    }
}

/// A trusted proxy: an address (`10.0.0.5`, `::1`) or a range (`10.0.0.0/8`).
fn proxy(v: &str) -> Result<IpNet, ConfigError> {
    let v = v.trim();
    v.parse::<IpNet>().or_else(|_| v.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
        ConfigError::Invalid(format!("trusted_proxies: {v:?} is not an IP address or CIDR range"))
    })
}

/// A metrics token short enough to guess would protect nothing.
fn metrics_token(v: &str) -> Result<String, ConfigError> {
    let v = v.trim();
    if v.len() < 16 || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::Invalid(
            "metrics_token: use at least 16 printable characters without spaces".into(),
        ));
    }
    Ok(v.to_string())
}

/// Seconds of a read timeout; 0 would close every connection at once.
fn timeout(label: &str, v: Option<u64>) -> Result<Option<Duration>, ConfigError> {
    match v {
        Some(0) => Err(ConfigError::Invalid(format!("limits.{label}: must be at least 1"))),
        other => Ok(other.map(Duration::from_secs)),
    }
}

/// `http(s)://host[:port]` without a path: the snippet appends `/embed.js`.
fn public_url(v: &str) -> Result<String, ConfigError> {
    let v = v.trim().trim_end_matches('/');
    if crate::embed::valid_origin(v) {
        Ok(v.to_string())
    } else {
        Err(ConfigError::Invalid(format!("public_url {v:?}: use http(s)://host[:port], no path")))
    }
}

fn secs(label: &str, v: f64) -> Result<Duration, ConfigError> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| ConfigError::Invalid(format!("{label}: {v} is not a number of seconds")))
}

fn site(s: RawSite, base: &Path) -> Result<SiteConfig, ConfigError> {
    let label = s.content.display().to_string();
    let mut sla = BTreeMap::new();
    for (priority, r) in s.sla {
        let policy = SlaPolicy {
            first_response: secs(
                &format!("site {label} sla.{priority}.first_response_secs"),
                r.first_response_secs,
            )?,
            resolution: secs(&format!("site {label} sla.{priority}.resolution_secs"), r.resolution_secs)?,
        };
        sla.insert(priority, policy);
    }
    let hours_spec = s.hours.map(hours_spec);
    let hours = match &hours_spec {
        None => BusinessHours::always(),
        Some(h) => {
            BusinessHours::from_spec(h).map_err(|e| ConfigError::Invalid(format!("site {label} {e}")))?
        }
    };
    let identity_secret = match (s.identity_secret, s.identity_secret_env) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::Invalid(format!(
                "site {label}: set identity_secret or identity_secret_env, not both"
            )))
        }
        (Some(v), None) => Some(v),
        (None, Some(var)) => Some(std::env::var(&var).map_err(|_| {
            ConfigError::Invalid(format!("site {label}: identity_secret_env names {var:?}, which is not set"))
        })?),
        (None, None) => None,
    };
    if identity_secret.as_ref().is_some_and(|v| v.len() < MIN_IDENTITY_SECRET) {
        return Err(ConfigError::Invalid(format!(
            "site {label}: identity secret shorter than {MIN_IDENTITY_SECRET} characters"
        )));
    }
    let mail_from = s
        .mail_from
        .map(|v| crate::mail::config::mailbox(&format!("site {label} mail_from"), &v))
        .transpose()?;
    let mail_reply_domain = s
        .mail_reply_domain
        .map(|v| crate::mail::config::domain(&format!("site {label} mail_reply_domain"), &v))
        .transpose()?;
    let retention = match s.retention_days {
        None => None,
        Some(0) => {
            return Err(ConfigError::Invalid(format!(
                "site {label}: retention_days must be at least 1 (leave it out to keep everything)"
            )))
        }
        Some(d) => Some(Duration::from_secs(d.saturating_mul(24 * 3600))),
    };
    Ok(SiteConfig {
        retention,
        identity_secret,
        mail_from,
        mail_reply_domain,
        content: base.join(s.content),
        allowed_origins: s.allowed_origins.into_iter().map(|o| o.trim_end_matches('/').to_string()).collect(),
        max_wait: Duration::from_secs(s.max_wait_secs.unwrap_or(900)),
        avg_handle: Duration::from_secs(s.avg_handle_secs.unwrap_or(300)),
        ticket_answer: Duration::from_secs(s.ticket_answer_secs.unwrap_or(DEFAULT_TICKET_ANSWER_SECS)),
        hours,
        hours_spec,
        sla,
        canned: s
            .canned
            .into_iter()
            .map(|c| CannedResponse {
                id: c.id,
                department: c.department,
                locale: c.locale,
                title: c.title,
                text: c.text,
            })
            .collect(),
    })
}

fn hours_spec(h: RawHours) -> HoursSpec {
    HoursSpec { time_zone: h.time_zone, days: h.days, holidays: h.holidays }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse(
            r#"
            listen = "0.0.0.0:9000"
            sweep_interval_ms = 250
            [limits]
            message_chars = 100
            [[site]]
            content = "content/demo"
            allowed_origins = ["https://shop.example/"]
            max_wait_secs = 60
            ticket_answer_secs = 7200
            [site.hours]
            time_zone = "Europe/Prague"
            holidays = ["2026-12-24"]
            mon = ["09:00-12:00", "13:00-17:00"]
            fri = ["22:00-06:00"]
            [site.sla.urgent]
            first_response_secs = 0.5
            resolution_secs = 30
            "#,
            Path::new("/etc/handoff"),
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.sweep_interval, Duration::from_millis(250));
        assert_eq!(c.limits.message_chars, 100);
        assert_eq!(c.limits.body_bytes, 64 * 1024);
        let s = &c.sites[0];
        assert_eq!(s.content, Path::new("/etc/handoff/content/demo"));
        assert_eq!(s.allowed_origins, ["https://shop.example"]);
        assert_eq!(s.hours.weekly[0].len(), 2);
        assert_eq!(s.hours.weekly[4].len(), 1);
        assert_eq!(s.sla["urgent"].first_response, Duration::from_millis(500));
        assert_eq!(s.ticket_answer, Duration::from_secs(7200));
        assert_eq!(s.retention, None);
        let r = Config::parse("[[site]]\ncontent = \"c\"\nretention_days = 30\n", Path::new("/")).unwrap();
        assert_eq!(r.sites[0].retention, Some(Duration::from_secs(30 * 24 * 3600)));
        let d = Config::parse("[[site]]\ncontent = \"c\"\n", Path::new("/")).unwrap();
        assert_eq!(d.sites[0].ticket_answer, Duration::from_secs(DEFAULT_TICKET_ANSWER_SECS));
    }

    #[test]
    fn rejects_typos_and_bad_values() {
        let base = Path::new(".");
        let e = |t: &str| Config::parse(t, base).unwrap_err().to_string();
        assert!(e("lisen = \"x\"\n[[site]]\ncontent = \"c\"").contains("unknown field"));
        assert!(e("").contains("no [[site]]"));
        assert!(
            e("[[site]]\ncontent = \"c\"\n[site.hours]\ntime_zone = \"Mars/Olympus\"").contains("time zone")
        );
        assert!(e(
            "[[site]]\ncontent = \"c\"\n[site.hours]\ntime_zone = \"UTC\"\nfunday = [\"09:00-10:00\"]"
        )
        .contains("weekday"));
        assert!(e(
            "[[site]]\ncontent = \"c\"\n[site.sla.low]\nfirst_response_secs = -1\nresolution_secs = 1"
        )
        .contains("seconds"));
        assert!(e("[[site]]\ncontent = \"c\"\nidentity_secret = \"short\"").contains("shorter than 16"));
        assert!(e("[[site]]\ncontent = \"c\"\nretention_days = 0").contains("retention_days"));
        assert!(e("[[site]]\ncontent = \"c\"\nidentity_secret_env = \"HANDOFF_TEST_UNSET_SECRET\"")
            .contains("HANDOFF_TEST_UNSET_SECRET"));
        assert!(e(
            "[[site]]\ncontent = \"c\"\nidentity_secret = \"0123456789abcdef\"\nidentity_secret_env = \"X\""
        )
        .contains("not both"));
    }

    #[test]
    fn the_identity_secret_can_come_from_the_environment() {
        // A variable only this test sets (tests run in threads of one process).
        std::env::set_var("HANDOFF_TEST_IDENTITY_SECRET", "0123456789abcdef-from-env");
        let c = Config::parse(
            "[[site]]\ncontent = \"c\"\nidentity_secret_env = \"HANDOFF_TEST_IDENTITY_SECRET\"",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.sites[0].identity_secret.as_deref(), Some("0123456789abcdef-from-env"));
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut c = Config::parse("[[site]]\ncontent = \"c\"", Path::new(".")).unwrap();
        c.apply_env(|k| match k {
            "HANDOFF_LISTEN" => Some("127.0.0.1:1".into()),
            "HANDOFF_DATA_DIR" => Some("/tmp/x".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.data_dir, Path::new("/tmp/x"));
        assert!(c.apply_env(|k| (k == "HANDOFF_SWEEP_INTERVAL_MS").then(|| "soon".into())).is_err());
    }

    #[test]
    fn proxies_tokens_and_read_timeouts() {
        let c = Config::parse(
            "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]\n\
             metrics_token = \"0123456789abcdef\"\n[limits]\nheader_read_timeout_secs = 2\n\
             [[site]]\ncontent = \"c\"",
            Path::new("."),
        )
        .unwrap();
        let nets: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert_eq!(c.metrics_token.as_deref(), Some("0123456789abcdef"));
        assert_eq!(c.limits.header_read_timeout, Duration::from_secs(2));
        assert_eq!(c.limits.body_read_timeout, Duration::from_secs(30));
        let d = Config::parse("[[site]]\ncontent = \"c\"", Path::new(".")).unwrap();
        assert!(d.trusted_proxies.is_empty() && d.metrics_token.is_none(), "secure defaults");
        let e =
            |t: &str| Config::parse(&format!("{t}\n[[site]]\ncontent = \"c\""), Path::new(".")).unwrap_err();
        assert!(e("trusted_proxies = [\"proxy.example\"]").to_string().contains("trusted_proxies"));
        assert!(e("metrics_token = \"short\"").to_string().contains("metrics_token"));
        assert!(e("[limits]\nbody_read_timeout_secs = 0").to_string().contains("at least 1"));
        let mut c = d.clone();
        c.apply_env(|k| match k {
            "HANDOFF_TRUSTED_PROXIES" => Some("192.168.0.0/16, 127.0.0.1".into()),
            "HANDOFF_METRICS_TOKEN" => Some("from-the-environment-1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.metrics_token.as_deref(), Some("from-the-environment-1"));
    }

    #[test]
    fn database_url_picks_the_engine_and_hides_the_password() {
        let base = Path::new("/etc/handoff");
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/desk.db", base).unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("/etc/handoff/data/desk.db"))
        );
        let pg = DatabaseUrl::parse("postgres://desk:s3cret@db:5432/handoff", base).unwrap();
        assert!(pg.is_postgres());
        assert_eq!(format!("{pg:?}"), "postgres://desk:***@db:5432/handoff");
        assert!(DatabaseUrl::parse("mysql://x", base).is_err());
        assert!(DatabaseUrl::parse("sqlite://", base).is_err());
        assert_eq!(redacted("postgresql://u@h/db"), "postgresql://u@h/db");
    }

    #[test]
    fn the_environment_names_the_database() {
        let mut c = Config::parse(
            "[[site]]\ncontent = \"x\"\nallowed_origins = [\"http://a.test\"]",
            Path::new("/srv"),
        )
        .unwrap();
        assert_eq!(c.database(), DatabaseUrl::Sqlite(PathBuf::from("/srv/data/handoff.db")));
        c.apply_env(|k| (k == "HANDOFF_DATABASE_URL").then(|| "postgres://p@127.0.0.1/h".to_string()))
            .unwrap();
        assert_eq!(c.database(), DatabaseUrl::Postgres("postgres://p@127.0.0.1/h".into()));
    }
}
