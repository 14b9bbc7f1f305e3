//! Views that are built anew instead of diffed.
//!
//! A view returned from a reactive closure (or erased with `into_any`) is updated by diffing
//! the old view against the new one, and that puts diffing code for its whole tree into the
//! wasm. The parts that use [`swap`] are small and change only on a click or a keystroke, so
//! building them afresh costs nothing a customer notices, and the wasm has only their build code.

use leptos::html;
use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};

/// Where [`swap`] shows its view.
#[derive(Clone, Copy)]
pub enum Place {
    /// At the end of this element.
    In(NodeRef<html::Div>),
    /// Just before this element.
    Before(NodeRef<html::Div>),
    /// At the end of this element's parent.
    End(NodeRef<html::Div>),
}

/// Shows the view `render` returns at `place`, and whenever a signal `render` reads changes,
/// replaces it with a freshly built one.
pub fn swap<V: Render + 'static>(place: Place, render: impl Fn() -> V + 'static) {
    swap_erased(
        place,
        Box::new(move || {
            let view = render();
            Box::new(move || Box::new(view.build()) as Box<dyn Mountable>)
        }),
    );
}

/// A view to build, made by a reactive read.
type Builder = Box<dyn FnOnce() -> Box<dyn Mountable>>;

/// The effect behind [`swap`], not generic: its code is in the wasm once for every use. Each
/// view gets its own owner (a child of the caller's, not of the effect's, which is cleaned up on
/// every run) that lives as long as it is shown.
fn swap_erased(place: Place, render: Box<dyn Fn() -> Builder>) {
    let parent = Owner::current().expect("components render inside an owner");
    let mut shown: Option<(Owner, Box<dyn Mountable>)> = None;
    Effect::new(move |_| {
        let (el, marker): (Option<web_sys::Element>, Option<web_sys::Node>) = match place {
            Place::In(el) => (el.get().map(Into::into), None),
            Place::Before(el) => (el.get().and_then(|m| m.parent_element()), el.get().map(Into::into)),
            Place::End(el) => (el.get().and_then(|m| m.parent_element()), None),
        };
        let owner = parent.child();
        let build = owner.with(&render);
        let Some(el) = el else { return };
        if let Some((_, old)) = shown.as_mut() {
            old.unmount();
        }
        let mut state = owner.with(|| untrack(build));
        state.mount(&el, marker.as_ref());
        shown = Some((owner, state));
    });
}
