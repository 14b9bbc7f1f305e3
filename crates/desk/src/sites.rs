//! The sites a desk serves: each site's validated content (departments, tiers, priorities from
//! its `site.toml`, loaded with handoff-bot) joined with its operational config.

use crate::config::SiteConfig;
use crate::db::AgentRow;
use crate::policy::HandoffPolicy;
use crate::site_settings::{canned_problems, InForce};
use crate::sla::SlaPolicy;
use handoff_bot::{Engine, Site};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock, RwLock};

#[derive(Debug)]
pub struct LoadedSite {
    pub key: String,
    pub content: Site,
    pub config: SiteConfig,
    /// Tier ids, lowest first (the hierarchical escalation path).
    pub tiers: Vec<String>,
    /// What a handoff may ask for (tier and priority), from the site's rules.
    pub policy: HandoffPolicy,
    /// The desk serves only this site: agents whose site list is empty serve it.
    only: bool,
    /// The site's bot, compiled on first use (insights ask it whether a gap is still one).
    engine: OnceLock<Option<Arc<Engine>>>,
    /// Hours, SLA targets and canned responses in force (the file's, or saved in the console).
    in_force: RwLock<Arc<InForce>>,
}

impl LoadedSite {
    /// The compiled bot of the site's content (`None` if it does not compile).
    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.get_or_init(|| Engine::new(self.content.clone()).ok().map(Arc::new)).clone()
    }

    /// Whether the agent serves this site: it is on their list, or their list is empty and the
    /// desk serves no other site. One desk serving two sites never shows one site's work to the
    /// other's agents.
    pub fn served_by(&self, agent: &AgentRow) -> bool {
        if agent.sites.is_empty() {
            self.only
        } else {
            agent.sites.contains(&self.key)
        }
    }

    pub fn tier_level(&self, tier: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t == tier)
    }

    pub fn has_department(&self, id: &str) -> bool {
        self.content.department(id).is_some()
    }

    /// Priorities are listed lowest first; a higher index is served first.
    pub fn priority_rank(&self, priority: &str) -> usize {
        self.content.settings.site.priorities.iter().position(|p| p == priority).unwrap_or(0)
    }

    pub fn sla(&self, priority: &str) -> SlaPolicy {
        self.settings().sla(priority)
    }

    /// Hours, SLA targets and canned responses in force now.
    pub fn settings(&self) -> Arc<InForce> {
        // A poisoned lock still holds a whole InForce: it is only ever replaced, never edited.
        self.in_force.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `f` in force (after a save, or when another instance's save was read).
    pub fn set_settings(&self, f: InForce) {
        *self.in_force.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(f);
    }

    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.config.allowed_origins.iter().any(|o| o == "*" || o == origin.trim_end_matches('/'))
    }
}

#[derive(Debug, Default)]
pub struct Sites {
    by_key: HashMap<String, LoadedSite>,
}

impl Sites {
    /// Loads and validates every site's content. On failure returns every problem, each as
    /// `dir/file:line: message`, so an operator can fix them all in one go.
    pub fn load(configs: &[SiteConfig]) -> Result<Sites, Vec<String>> {
        let mut problems = Vec::new();
        let mut by_key = HashMap::new();
        for config in configs {
            match load_one(&config.content) {
                Ok(site) => {
                    let key = site.settings.site.key.clone();
                    for p in config.sla.keys() {
                        if !site.settings.site.priorities.contains(p) {
                            problems.push(format!(
                                "{}: sla.{p}: not a priority of site {key:?} (priorities: {})",
                                config.content.display(),
                                site.settings.site.priorities.join(", ")
                            ));
                        }
                    }
                    let mut ids = std::collections::HashSet::new();
                    for c in &config.canned {
                        let at = format!("{}: canned {:?}", config.content.display(), c.id);
                        problems.extend(canned_problems(&site, c).into_iter().map(|e| format!("{at}: {e}")));
                        if !ids.insert((&c.department, &c.id, &c.locale)) {
                            problems
                                .push(format!("{at}: given twice for {:?} in {:?}", c.department, c.locale));
                        }
                    }
                    let tiers = site.settings.tiers.iter().map(|t| t.id.clone()).collect();
                    let loaded = LoadedSite {
                        in_force: RwLock::new(Arc::new(InForce::from_file(config))),
                        key: key.clone(),
                        policy: HandoffPolicy::new(&site),
                        content: site,
                        config: config.clone(),
                        tiers,
                        only: false,
                        engine: OnceLock::new(),
                    };
                    if by_key.insert(key.clone(), loaded).is_some() {
                        problems.push(format!("site key {key:?} is configured twice"));
                    }
                }
                Err(mut p) => problems.append(&mut p),
            }
        }
        if by_key.len() == 1 {
            by_key.values_mut().for_each(|s| s.only = true);
        }
        if problems.is_empty() {
            Ok(Sites { by_key })
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, key: &str) -> Option<&LoadedSite> {
        self.by_key.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &LoadedSite> {
        self.by_key.values()
    }

    /// Every origin any site accepts (for CORS preflights, which do not name the site).
    pub fn any_origin_allowed(&self, origin: &str) -> bool {
        self.by_key.values().any(|s| s.origin_allowed(origin))
    }
}

fn load_one(dir: &Path) -> Result<Site, Vec<String>> {
    let files = handoff_bot::fs::read_folder(dir).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
    handoff_bot::load::load(&files)
        .map_err(|ps| ps.iter().map(|p| format!("{}/{p}", dir.display()).replace("//", "/")).collect())
}
