//! Handoff's bot: everything the widget needs to answer customers from a site's own content and
//! to decide when, why and where a person must take over. Pure Rust without I/O: the same code
//! runs natively (CLI, desk, tests, benches) and in the browser.
//!
//! - [`load`] reads a content folder (given as file contents) into a validated [`model::Site`],
//!   reporting every problem with file and line.
//! - [`Engine`] compiles a site; [`Conversation`] is one customer's state.
//! - [`dialog`] runs the site owner's scripted dialog tests.
//! - [`split`] cuts a site into one bundle per locale (`handoff-bot export`); [`Site::merge`]
//!   adds a second locale to a loaded one (the widget, on a language switch).
//!
//! The `content` feature (on by default, off in the widget) holds what only the CLI and the desk
//! use: reading and checking content folders, dialog tests, content gaps, the per-locale split.
//! The widget reads exported bundles and never links any of it.

pub mod builtin;
pub mod bundle;
pub mod charcase;
#[cfg(feature = "content")]
pub mod dialog;
pub mod engine;
#[cfg(feature = "content")]
pub mod eval;
#[cfg(feature = "content")]
pub mod examples;
#[cfg(feature = "fs")]
pub mod fs;
#[cfg(feature = "content")]
pub mod gaps;
pub mod intern;
#[cfg(feature = "content")]
pub mod load;
pub mod markdown;
pub mod matcher;
mod merge;
pub mod model;
pub mod normalize;
pub mod search;
pub mod slots;
pub mod sort;
#[cfg(feature = "content")]
pub mod split;
pub mod stopwords;
pub mod strmap;
#[cfg(feature = "content")]
pub mod synonyms;
pub mod typo;
pub mod ui_text;
pub mod work;

pub use engine::{Conversation, Engine, QuickReply, Reply, Scored, Turn};
pub use handoff_protocol as protocol;
pub use model::Site;

/// A content problem, located as precisely as the content allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem { file: file.into(), line, message: message.into() }
    }

    fn render(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{}: {}", self.file, l, self.message),
            None => format!("{}: {}", self.file, self.message),
        }
    }
}

/// Reads a bundle (made by `handoff-bot export`) and compiles it: what the widget does on load.
pub fn engine_from_bundle(bundle: &str) -> Result<Engine, Vec<Problem>> {
    let site: Site = bundle::decode(bundle).map_err(|e| vec![Problem::new("bundle", None, e.to_string())])?;
    Engine::new(site)
}
