//! `handoff-desk`: serve the desk, or manage agents.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use handoff_desk::config::Config;
use handoff_desk::db::AgentRow;
use handoff_desk::sites::Sites;
use handoff_desk::startup::{self, Application};
use std::io::Read;
use std::path::PathBuf;

/// The Handoff desk: serve the agent side of conversations, or manage agents.
#[derive(Debug, Parser)]
#[command(
    name = "handoff-desk",
    version,
    after_help = "environment: HANDOFF_DATA_DIR, HANDOFF_LISTEN, HANDOFF_STATIC_DIR, HANDOFF_PUBLIC_URL,\n\
                  HANDOFF_SWEEP_INTERVAL_MS, HANDOFF_LOG_FORMAT (text|json), HANDOFF_SECURE_COOKIES,\n\
                  HANDOFF_TRUSTED_PROXIES, HANDOFF_METRICS_TOKEN, RUST_LOG"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the desk (the customer API, the agent console's API, the widget and embed files).
    Serve {
        #[command(flatten)]
        config: ConfigArgs,
        /// Create the demo agents (password fernhill-demo) unless they exist.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Write a demo history: seeds the demo agents and N days of conversations; nothing if
    /// already seeded, --force rewrites it.
    SeedHistory {
        #[command(flatten)]
        config: ConfigArgs,
        /// The site to seed (default: the first by key).
        #[arg(long)]
        site: Option<String>,
        /// How many days of history.
        #[arg(long, default_value_t = 120)]
        days: u32,
        /// Rewrite a history seeded before.
        #[arg(long)]
        force: bool,
    },
    /// Copy this desk's SQLite database into an empty PostgreSQL database, then point
    /// `database_url` at it (docs/operations.md). Stop the desk first: what it writes after the
    /// copy starts is not copied.
    MigrateTo {
        #[command(flatten)]
        config: ConfigArgs,
        /// The target, postgres://user:password@host:port/database: it must exist and be empty
        /// (the desk's tables are created in it).
        target: String,
    },
    /// Manage agents.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AgentCommand {
    /// Add an agent (the password from --password-stdin, or --password).
    Add {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Comma-separated department ids, e.g. orders,returns.
        #[arg(long)]
        departments: String,
        /// A human tier of the site, e.g. agent, supervisor, manager.
        #[arg(long)]
        tier: String,
        /// Read the password from standard input (one line).
        #[arg(long, conflicts_with = "password")]
        password_stdin: bool,
        /// The password on the command line (visible to other local users: prefer stdin).
        #[arg(long)]
        password: Option<String>,
        #[arg(long, default_value_t = 3)]
        capacity: u32,
        /// Comma-separated keys of the sites the agent serves; without it an agent serves every
        /// site only while the desk serves one.
        #[arg(long, default_value = "")]
        sites: String,
    },
    /// Set the sites an agent serves ("" for not limited).
    Sites {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        email: String,
        /// Comma-separated site keys.
        #[arg(long)]
        sites: String,
    },
}

/// Where the configuration comes from; every command takes these.
#[derive(Debug, Args)]
struct ConfigArgs {
    /// The desk's config file (handoff.toml).
    #[arg(long)]
    config: PathBuf,
    /// Overrides data_dir (and HANDOFF_DATA_DIR).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Overrides listen (and HANDOFF_LISTEN), e.g. 127.0.0.1:8090.
    #[arg(long)]
    listen: Option<String>,
    /// Overrides static_dir (and HANDOFF_STATIC_DIR): the built widget and console.
    #[arg(long = "static")]
    static_dir: Option<PathBuf>,
}

/// File, then environment, then flags: the most specific wins.
fn load_config(args: &ConfigArgs) -> Result<Config> {
    let mut config = Config::load(&args.config)?;
    config.apply_env(|k| std::env::var(k).ok())?;
    if let Some(d) = &args.data_dir {
        config.data_dir = d.clone();
    }
    if let Some(l) = &args.listen {
        config.listen = l.clone();
    }
    if let Some(s) = &args.static_dir {
        config.static_dir = Some(s.clone());
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<()> {
    // Usage errors exit 2 with a message; --help and --version print and exit 0.
    match Cli::parse().command {
        Command::Serve { config, seed_demo } => serve(&config, seed_demo).await,
        Command::SeedHistory { config, site, days, force } => {
            seed_history(&config, site.as_deref(), days, force).await
        }
        Command::Agent {
            command:
                AgentCommand::Add {
                    config,
                    email,
                    name,
                    departments,
                    tier,
                    password_stdin,
                    password,
                    capacity,
                    sites,
                },
        } => {
            let new = NewAgent { email, name, departments, tier, capacity, sites };
            agent_add(&config, new, password_stdin, password).await
        }
        Command::MigrateTo { config, target } => migrate_to(&config, &target).await,
        Command::Agent { command: AgentCommand::Sites { config, email, sites } } => {
            agent_sites(&config, &email, &sites).await
        }
    }
}

async fn migrate_to(args: &ConfigArgs, target: &str) -> Result<()> {
    use handoff_desk::config::{redacted, DatabaseUrl};
    use handoff_desk::db::{postgres::Postgres, sqlite::Sqlite, Lifecycle};
    let config = load_config(args)?;
    let DatabaseUrl::Sqlite(file) = config.database() else {
        bail!("this desk's database is not SQLite: migrate-to copies an SQLite desk into PostgreSQL");
    };
    let DatabaseUrl::Postgres(url) = DatabaseUrl::parse(target, std::path::Path::new("."))? else {
        bail!("the target must be a postgres:// URL");
    };
    if !file.exists() {
        bail!("{}: no database to copy", file.display());
    }
    // Both schemas current first, so that every column has its place on the other side.
    Sqlite::open_file(&file).await.context("opening the SQLite database")?.close().await;
    let pg = Postgres::connect(&url).await.with_context(|| format!("connecting to {}", redacted(&url)))?;
    let copied = handoff_desk::db::migrate_to::sqlite_to_postgres(&file, pg.pool()).await;
    pg.close().await;
    let copied = copied?;
    for (table, n) in &copied.tables {
        println!("{table}: {n} rows");
    }
    println!("copied {} into {}; set database_url to it and start the desk", file.display(), redacted(&url));
    Ok(())
}

async fn serve(args: &ConfigArgs, seed_demo: bool) -> Result<()> {
    let config = load_config(args)?;
    handoff_desk::telemetry::init(config.log_json);
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(startup::StartupError::Content(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!("refusing to start: {} content problem(s)", problems.len());
        }
        Err(e) => return Err(e.into()),
    };
    if seed_demo {
        startup::seed_demo(app.desk().db.as_ref()).await?;
        tracing::info!(password = startup::DEMO_PASSWORD, "demo agents seeded");
    }
    let addr = app.local_addr()?;
    tracing::info!(%addr, "handoff desk listening");
    // Tests and scripts read this line to find the port when listening on port 0.
    println!("listening on http://{addr}");
    app.run_until(startup::shutdown_signal()).await?;
    Ok(())
}

async fn seed_history(args: &ConfigArgs, site: Option<&str>, days: u32, force: bool) -> Result<()> {
    let config = load_config(args)?;
    let sites =
        Sites::load(&config.sites).map_err(|p| anyhow::anyhow!("invalid site content:\n{}", p.join("\n")))?;
    let key = match site {
        Some(k) => k.to_string(),
        None => {
            let mut keys: Vec<&str> = sites.iter().map(|s| s.key.as_str()).collect();
            keys.sort_unstable();
            keys.first().context("no site configured")?.to_string()
        }
    };
    let site = sites.get(&key).with_context(|| format!("no site {key:?} configured"))?;
    let db = startup::open_db(&config).await?;
    startup::seed_demo(db.as_ref()).await?;
    let now = handoff_desk::desk::now_ms();
    let report = handoff_desk::desk::seed::seed_history(db.as_ref(), site, days, now, force).await;
    db.close().await;
    let report = report?;
    if report.already_seeded {
        println!("seed-history: site {key:?} already has a seeded history (--force rewrites it)");
    } else {
        if report.deleted > 0 {
            println!("seed-history: deleted the {} conversations seeded before", report.deleted);
        }
        println!(
            "seed-history: wrote {} conversations over {days} days for site {key:?} in {:.1} s",
            report.conversations,
            report.elapsed.as_secs_f64()
        );
    }
    Ok(())
}

struct NewAgent {
    email: String,
    name: String,
    departments: String,
    tier: String,
    capacity: u32,
    sites: String,
}

async fn agent_add(
    args: &ConfigArgs,
    new: NewAgent,
    password_stdin: bool,
    password: Option<String>,
) -> Result<()> {
    let config = load_config(args)?;
    let NewAgent { email, name, tier, capacity, .. } = &new;
    let (email, name, tier, capacity) = (email.as_str(), name.as_str(), tier.as_str(), *capacity);
    let departments: Vec<String> =
        new.departments.split(',').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
    let password = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s.trim_end_matches(['\n', '\r']).to_string()
    } else {
        password.context("missing --password-stdin or --password")?
    };
    if password.chars().count() < 8 {
        bail!("the password needs at least 8 characters");
    }
    // Tier and departments must exist on at least one configured site, or nobody could route to them.
    let sites =
        Sites::load(&config.sites).map_err(|p| anyhow::anyhow!("invalid site content:\n{}", p.join("\n")))?;
    if !sites.iter().any(|s| s.tier_level(tier).is_some_and(|l| l > 0)) {
        bail!("tier {tier:?} is not a human tier of any configured site");
    }
    for d in &departments {
        if !sites.iter().any(|s| s.has_department(d)) {
            bail!("department {d:?} does not exist on any configured site");
        }
    }
    if departments.is_empty() {
        bail!("--departments needs at least one department");
    }
    let sites_served = site_keys(&new.sites, &sites)?;
    let db = startup::open_db(&config).await?;
    let password_hash = handoff_desk::secret::hash_password(&password)?;
    let id = db
        .insert_agent(&AgentRow {
            id: 0,
            email: email.to_string(),
            name: name.to_string(),
            password_hash,
            tier: tier.to_string(),
            departments,
            presence: "offline".into(),
            capacity,
            sites: sites_served.clone(),
            ticket_mail: false,
            active: true,
        })
        .await?;
    db.close().await;
    println!("agent {id} added: {email}");
    warn_unlimited(&sites_served, &sites);
    Ok(())
}

/// `--sites k1,k2`: keys of configured sites (none given: an empty list, see `AgentRow::sites`).
fn site_keys(list: &str, sites: &Sites) -> Result<Vec<String>> {
    let keys: Vec<String> = list.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
    for k in &keys {
        if sites.get(k).is_none() {
            bail!("site {k:?} is not configured");
        }
    }
    Ok(keys)
}

fn warn_unlimited(served: &[String], sites: &Sites) {
    if served.is_empty() && sites.iter().count() > 1 {
        eprintln!(
            "note: this desk serves several sites and the agent has no --sites: they serve none \
             until `handoff-desk agent sites` gives them some"
        );
    }
}

async fn agent_sites(args: &ConfigArgs, email: &str, list: &str) -> Result<()> {
    let config = load_config(args)?;
    let sites =
        Sites::load(&config.sites).map_err(|p| anyhow::anyhow!("invalid site content:\n{}", p.join("\n")))?;
    let keys = site_keys(list, &sites)?;
    let db = startup::open_db(&config).await?;
    let found = db.set_agent_sites(email, &keys).await;
    db.close().await;
    if !found? {
        bail!("no agent with email {email:?}");
    }
    println!(
        "agent {email} serves: {}",
        if keys.is_empty() { "(not limited)".into() } else { keys.join(", ") }
    );
    warn_unlimited(&keys, &sites);
    Ok(())
}
