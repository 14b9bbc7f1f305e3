//! The widget's views. Each file renders one part; the logic they call is in [`crate::widget`].

pub mod article_view;
pub mod chat;
pub mod composer;
pub mod handoff;
pub mod launcher;
pub mod locale_picker;
pub mod message;
pub mod panel;
pub mod portal;
pub mod rich;
pub mod shell;
pub mod swap;
