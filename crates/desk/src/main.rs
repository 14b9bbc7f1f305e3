//! `handoff-desk`: serve the desk, or manage agents.

use anyhow::{bail, Context, Result};
use handoff_desk::config::Config;
use handoff_desk::db::AgentRow;
use handoff_desk::sites::Sites;
use handoff_desk::startup::{self, Application};
use std::io::Read;
use std::path::Path;

const USAGE: &str = "usage:
  handoff-desk serve --config handoff.toml [--data-dir DIR] [--listen ADDR] [--static DIR] [--seed-demo]
  handoff-desk seed-history --config handoff.toml [--site KEY] [--days N] [--force] [--data-dir DIR]
                         (a demo history: seeds the demo agents and N days, default 120, of
                          conversations; nothing if already seeded, --force rewrites it)
  handoff-desk agent add --config handoff.toml --email E --name N --departments a,b --tier T
                         (--password-stdin | --password P) [--capacity N] [--sites k1,k2]
                         [--data-dir DIR]
  handoff-desk agent sites --config handoff.toml --email E --sites k1,k2 [--data-dir DIR]
                         (the sites an agent serves; without --sites an agent serves every
                          site only while the desk serves one)

environment: HANDOFF_DATA_DIR, HANDOFF_LISTEN, HANDOFF_STATIC_DIR, HANDOFF_SWEEP_INTERVAL_MS,
             HANDOFF_LOG_FORMAT (text|json), HANDOFF_SECURE_COOKIES, RUST_LOG";

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn has(args: &[String], name: &str) -> bool {
    args.iter().any(|a| a == name)
}

/// File, then environment, then flags: the most specific wins.
fn load_config(args: &[String]) -> Result<Config> {
    let path = flag(args, "--config").context(format!("missing --config\n{USAGE}"))?;
    let mut config = Config::load(Path::new(path))?;
    config.apply_env(|k| std::env::var(k).ok())?;
    if let Some(d) = flag(args, "--data-dir") {
        config.data_dir = d.into();
    }
    if let Some(l) = flag(args, "--listen") {
        config.listen = l.into();
    }
    if let Some(s) = flag(args, "--static") {
        config.static_dir = Some(s.into());
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (args.first().map(String::as_str), args.get(1).map(String::as_str)) {
        (Some("serve"), _) => serve(&args).await,
        (Some("agent"), Some("add")) => agent_add(&args).await,
        (Some("agent"), Some("sites")) => agent_sites(&args).await,
        (Some("seed-history"), _) => seed_history(&args).await,
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

async fn serve(args: &[String]) -> Result<()> {
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
    if has(args, "--seed-demo") {
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

async fn seed_history(args: &[String]) -> Result<()> {
    let config = load_config(args)?;
    let sites =
        Sites::load(&config.sites).map_err(|p| anyhow::anyhow!("invalid site content:\n{}", p.join("\n")))?;
    let key = match flag(args, "--site") {
        Some(k) => k.to_string(),
        None => {
            let mut keys: Vec<&str> = sites.iter().map(|s| s.key.as_str()).collect();
            keys.sort_unstable();
            keys.first().context("no site configured")?.to_string()
        }
    };
    let site = sites.get(&key).with_context(|| format!("no site {key:?} configured"))?;
    let days: u32 = flag(args, "--days").unwrap_or("120").parse().context("--days must be a number")?;
    let db = startup::open_db(&config).await?;
    startup::seed_demo(db.as_ref()).await?;
    let now = handoff_desk::desk::now_ms();
    let report =
        handoff_desk::desk::seed::seed_history(db.as_ref(), site, days, now, has(args, "--force")).await;
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

async fn agent_add(args: &[String]) -> Result<()> {
    let config = load_config(args)?;
    let email = flag(args, "--email").context("missing --email")?;
    let name = flag(args, "--name").context("missing --name")?;
    let tier = flag(args, "--tier").context("missing --tier")?;
    let departments: Vec<String> = flag(args, "--departments")
        .context("missing --departments")?
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let capacity: u32 =
        flag(args, "--capacity").unwrap_or("3").parse().context("--capacity must be a number")?;
    let password = if has(args, "--password-stdin") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s.trim_end_matches(['\n', '\r']).to_string()
    } else {
        flag(args, "--password").context("missing --password-stdin or --password")?.to_string()
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
    let sites_served = site_keys(args, &sites)?;
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
        })
        .await?;
    db.close().await;
    println!("agent {id} added: {email}");
    warn_unlimited(&sites_served, &sites);
    Ok(())
}

/// `--sites k1,k2`: keys of configured sites (none given: an empty list, see `AgentRow::sites`).
fn site_keys(args: &[String], sites: &Sites) -> Result<Vec<String>> {
    let keys: Vec<String> = flag(args, "--sites")
        .unwrap_or("")
        .split(',')
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
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

async fn agent_sites(args: &[String]) -> Result<()> {
    let config = load_config(args)?;
    let email = flag(args, "--email").context("missing --email")?;
    if flag(args, "--sites").is_none() {
        bail!("missing --sites (comma-separated site keys; \"\" for not limited)");
    }
    let sites =
        Sites::load(&config.sites).map_err(|p| anyhow::anyhow!("invalid site content:\n{}", p.join("\n")))?;
    let keys = site_keys(args, &sites)?;
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
