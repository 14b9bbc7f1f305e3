//! Loads a site's bundles (made by `handoff-bot export`, one per locale) with the browser's own
//! fetch: the visitor's locale when the widget starts, another when they switch language.
//!
//! The page names them on the widget's root element: `data-site` is the folder that holds
//! `<locale>.bundle` (`/sites/demo`), `data-locales` the site's locales and
//! `data-default-locale` its default (docs/embedding.md). embed/preload.js, inline in the page,
//! starts the first download before the wasm has arrived and leaves it on the root element as
//! `handoffBundle` ({url, text}); the widget takes that over when it picks the same bundle.

use crate::{dom, storage};
use handoff_bot::model::{best_locale, Site};
use handoff_bot::Engine;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Where a site's bundles are, from the page (see the module docs).
pub struct Source {
    folder: String,
    locales: Vec<String>,
    default: String,
}

impl Source {
    pub fn from_page() -> Result<Source, String> {
        let folder = dom::root_attr("data-site").filter(|s| !s.trim().is_empty()).ok_or("no data-site")?;
        let locales: Vec<String> = dom::root_attr("data-locales")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let default = dom::root_attr("data-default-locale")
            .filter(|d| locales.contains(d))
            .or_else(|| locales.first().cloned())
            .ok_or("no data-locales")?;
        Ok(Source { folder, locales, default })
    }

    pub fn url(&self, locale: &str) -> String {
        format!("{}/{locale}.bundle", self.folder.trim_end_matches('/'))
    }

    /// The locale the widget starts in for these preferences, best first (embed/preload.js
    /// picks the same).
    pub fn first(&self, preferred: &[String]) -> String {
        best_locale(&self.locales, &self.default, preferred.iter().map(String::as_str))
    }
}

thread_local! {
    /// The bundles the loaded site was made of, as downloaded: a language switch reads them
    /// again with the new one. (Copying the compiled site instead would link `Clone` for the whole
    /// content model, kilobytes of wasm for a copy made once per switch.)
    static TEXTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Downloads what the widget needs and compiles the site: at the start (`switch` is `None`) the
/// visitor's locale for `preferred`, from the page's early download when it has it; on a
/// language switch, that locale added to those loaded. Either way also the locales a stored
/// conversation was in: replaying it after a reload needs their texts. One function for both,
/// so the wasm holds its download steps once.
pub async fn engine(preferred: &[String], switch: Option<&str>) -> Result<Engine, String> {
    let source = Source::from_page()?;
    let mut texts = if switch.is_some() { TEXTS.with_borrow(Clone::clone) } else { Vec::new() };
    let mut wanted = vec![switch.map_or_else(|| source.first(preferred), str::to_string)];
    // Each locale is asked for once, even when its bundle turns out not to hold it.
    let mut tried: Vec<String> = Vec::new();
    loop {
        for locale in wanted {
            if !tried.contains(&locale) {
                texts.push(text(&source.url(&locale)).await?);
                tried.push(locale);
            }
        }
        let site = read(&texts)?;
        wanted = storage::locales(&site.settings.site.key)
            .into_iter()
            .filter(|l| source.locales.contains(l) && !site.has_content(l) && !tried.contains(l))
            .collect();
        if wanted.is_empty() {
            let engine = compile(site)?;
            TEXTS.set(texts);
            return Ok(engine);
        }
    }
}

/// One site from its bundles (the first one's, then each other's locale added).
fn read(texts: &[String]) -> Result<Site, String> {
    let mut site: Option<Site> = None;
    for text in texts {
        let part: Site = handoff_bot::bundle::decode(text).map_err(|e| e.to_string())?;
        match &mut site {
            None => site = Some(part),
            Some(s) => s.merge(part)?,
        }
    }
    site.ok_or_else(|| "no bundle".to_string())
}

fn compile(site: Site) -> Result<Engine, String> {
    Engine::new(site)
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))
}

/// The bundle at `url`: the page's early download when it is this one, else a fetch.
async fn text(url: &str) -> Result<String, String> {
    match preloaded(url) {
        Some(text) => {
            JsFuture::from(text).await.map_err(js)?.as_string().ok_or_else(|| format!("{url}: not text"))
        }
        None => download(url).await,
    }
}

/// The text promise embed/preload.js started for `url`, taken once.
fn preloaded(url: &str) -> Option<js_sys::Promise> {
    let root = dom::root()?;
    let key = JsValue::from_str("handoffBundle");
    let early = js_sys::Reflect::get(&root, &key).ok().filter(|v| v.is_object())?;
    let _ = js_sys::Reflect::delete_property(root.unchecked_ref::<js_sys::Object>(), &key);
    let get = |k: &str| js_sys::Reflect::get(&early, &JsValue::from_str(k)).ok();
    if get("url")?.as_string()? != url {
        return None;
    }
    get("text")?.dyn_into().ok()
}

async fn download(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(js)?.dyn_into().map_err(js)?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    Ok(JsFuture::from(resp.text().map_err(js)?)
        .await
        .map_err(js)?
        .as_string()
        .ok_or("the bundle is not text")?)
}

/// JS's own toString ("TypeError: Failed to fetch"): the release build compiles `{:?}` to
/// nothing (-Zfmt-debug=none, see xtask/src/dist.rs).
fn js(e: JsValue) -> String {
    String::from(js_sys::Object::from(e).to_string())
}
