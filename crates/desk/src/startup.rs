//! Building and running the server: storage, sites, router, sweeper, graceful shutdown.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, DatabaseUrl};
use crate::coordination::Coordination;
use crate::db::postgres::Postgres;
use crate::db::sqlite::Sqlite;
use crate::db::{AgentRow, Database, DbError};
use crate::desk::{spawn_sweeper, Desk};
use crate::sites::Sites;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid site content:\n{}", .0.join("\n"))]
    Content(Vec<String>),
    #[error("cannot create data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, std::io::Error),
    #[error(
        "refusing to listen on {0} without public_url: set public_url (or HANDOFF_PUBLIC_URL) to the \
         address browsers reach the desk at, e.g. https://help.example, or listen on 127.0.0.1"
    )]
    PublicUrl(String),
    #[error("{0}")]
    Other(String),
}

/// Opens the configured database (`Config::database`): SQLite by default, creating its
/// directory if needed, or PostgreSQL.
pub async fn open_db(config: &Config) -> Result<Arc<dyn Database>, StartupError> {
    match config.database() {
        DatabaseUrl::Sqlite(file) => {
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_else(|| config.data_dir.clone());
            std::fs::create_dir_all(&dir).map_err(|e| StartupError::DataDir(dir.display().to_string(), e))?;
            Ok(Arc::new(Sqlite::open_file(&file).await?))
        }
        DatabaseUrl::Postgres(url) => Ok(Arc::new(Postgres::connect(&url).await?)),
    }
}

/// Opens the configured database with what its instances share: a desk alone on SQLite keeps
/// locks, limits and login backoff in memory ([`Coordination::local`]); on PostgreSQL they are
/// shared with every instance on the same database (`db/postgres/coordination.rs`).
pub async fn open_backend(config: &Config) -> Result<(Arc<dyn Database>, Coordination), StartupError> {
    match config.database() {
        DatabaseUrl::Sqlite(_) => Ok((open_db(config).await?, Coordination::local(config))),
        DatabaseUrl::Postgres(url) => {
            let pg = Postgres::connect(&url).await?;
            let coordination =
                crate::db::postgres::coordination::coordination(pg.pool(), pg.instance_id(), config);
            Ok((Arc::new(pg), coordination))
        }
    }
}

/// Agents who serve nothing after a config change say so in the log: on a desk with several
/// sites an agent without a site list serves none, and a key no longer configured serves nothing.
async fn warn_about_agent_sites(db: &dyn Database, sites: &Sites) -> Result<(), StartupError> {
    let several = sites.iter().count() > 1;
    for a in db.agents().await? {
        if several && a.sites.is_empty() {
            tracing::warn!(agent = %a.email, "agent serves no site: this desk serves several; set them with `handoff-desk agent sites`");
        }
        for k in a.sites.iter().filter(|k| sites.get(k).is_none()) {
            tracing::warn!(agent = %a.email, site = %k, "agent names a site this desk does not serve");
        }
    }
    Ok(())
}

pub struct Application {
    listener: TcpListener,
    desk: Arc<Desk>,
}

impl Application {
    /// Validates every site's content before anything listens: a desk with broken content
    /// refuses to start instead of routing customers to departments that do not exist.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        Application::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] on `clock` (tests that make days pass).
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Application, StartupError> {
        let sites = Sites::load(&config.sites).map_err(StartupError::Content)?;
        let (db, coordination) = open_backend(&config).await?;
        warn_about_agent_sites(db.as_ref(), &sites).await?;
        let listener = TcpListener::bind(&config.listen)
            .await
            .map_err(|e| StartupError::Listen(config.listen.clone(), e))?;
        let addr = listener.local_addr().map_err(|e| StartupError::Listen(config.listen.clone(), e))?;
        check_public_url(&config, addr)?;
        let desk = Desk::with_coordination(db, sites, config, coordination).with_clock(clock);
        // What managers saved in the console wins over the file from the first request on.
        desk.reload_settings()
            .await
            .map_err(|e| StartupError::Other(format!("reading site settings: {e}")))?;
        Ok(Application { listener, desk: Arc::new(desk) })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, StartupError> {
        self.listener.local_addr().map_err(|e| StartupError::Other(e.to_string()))
    }

    pub fn desk(&self) -> Arc<Desk> {
        self.desk.clone()
    }

    /// Serves until `shutdown` resolves, then drains requests, ends streams, stops the sweeper
    /// and closes the database (WAL checkpointed).
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let desk = self.desk;
        // Other instances' wake-ups (several desks on PostgreSQL); nothing for a desk alone.
        let listener = desk.follow_other_instances();
        let sweeper = spawn_sweeper(desk.clone(), desk.config.sweep_interval);
        let mailer = crate::mail::sender::spawn_sender(desk.clone());
        let fetcher = crate::mail::fetch::spawn_fetcher(desk.clone());
        let app = crate::routes::router(desk.clone());
        let d = desk.clone();
        let served = crate::server::serve(self.listener, app, &desk.config.limits, shutdown, move || {
            tracing::info!("shutting down: ending streams, draining requests");
            d.begin_shutdown();
        })
        .await;
        desk.begin_shutdown();
        let _ = sweeper.await;
        if let Some(m) = mailer {
            // A send in flight may take up to the SMTP timeout; a mail cut off here is still
            // claimed and is sent again once its lease runs out (after a restart, too).
            let abort = m.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), m).await.is_err() {
                abort.abort();
            }
        }
        if let Some(f) = fetcher {
            // A round cut off here flags nothing it did not store: its mails are fetched again.
            let abort = f.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), f).await.is_err() {
                abort.abort();
            }
        }
        if let Some(l) = listener {
            let _ = l.await;
        }
        desk.close_locks().await;
        desk.db.close().await;
        tracing::info!("database closed");
        served
    }
}

/// Reachable from other machines, the desk must know its own address: without `public_url`
/// it would build the embed snippet agents copy into their sites from the request's `Host`
/// header, which whoever sends the request chooses.
pub fn check_public_url(config: &Config, addr: SocketAddr) -> Result<(), StartupError> {
    if config.public_url.is_none() && !addr.ip().is_loopback() {
        return Err(StartupError::PublicUrl(addr.to_string()));
    }
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Demo agents for content/demo (documented in docs/protocol.md). Existing ones are kept.
pub const DEMO_PASSWORD: &str = "fernhill-demo";
pub const DEMO_AGENTS: &[(&str, &str, &str, &[&str])] = &[
    ("ana@fernhill.example", "Ana", "agent", &["orders", "returns"]),
    ("ben@fernhill.example", "Ben", "agent", &["billing", "account", "technical"]),
    ("sam@fernhill.example", "Sam", "supervisor", &["orders", "returns", "billing", "account", "technical"]),
    ("max@fernhill.example", "Max", "manager", &["orders", "returns", "billing", "account", "technical"]),
];

pub async fn seed_demo(db: &dyn Database) -> Result<(), StartupError> {
    for (email, name, tier, departments) in DEMO_AGENTS {
        if db.agent_by_email(email).await?.is_some() {
            continue;
        }
        let password_hash =
            crate::secret::hash_password(DEMO_PASSWORD).map_err(|e| StartupError::Other(e.to_string()))?;
        db.insert_agent(&AgentRow {
            id: 0,
            email: email.to_string(),
            name: name.to_string(),
            password_hash,
            tier: tier.to_string(),
            departments: departments.iter().map(|d| d.to_string()).collect(),
            presence: "offline".into(),
            capacity: 3,
            // The demo desk serves one site: not limited is that site.
            sites: vec![],
            ticket_mail: false,
            active: true,
        })
        .await?;
    }
    Ok(())
}
