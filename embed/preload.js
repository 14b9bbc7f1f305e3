// Starts the download of the visitor's site bundle while the widget's wasm is still on its way
// (inline right after the widget's root element: in the desk's widget page, and in index.html
// through Trunk). Without it the bundle would start only once the wasm runs, a round trip and
// a download later. The widget (src/fetch.rs) takes the download over from `handoffBundle` when
// it picks the same bundle, else fetches its own: the download only saves time, never decides.
// It also remembers the language the visitor picks (below).
// It picks the locale as the widget does: the preferences of Options::preferred in src/lib.rs
// (data-locale, the visitor's earlier pick in localStorage, the browser's, then <html lang>)
// matched by handoff_bot::model::best_locale.
// tests/page.rs runs this file next to the Rust and checks that they agree.
(() => {
  'use strict';
  const root = document.getElementById('handoff-root');
  if (!root) return;
  const ds = root.dataset;
  // The language the visitor picked in the widget before, remembered in localStorage (for every
  // site on this desk: it is the person's language). Kept here rather than in the wasm, where it
  // cost about 280 B brotli more: read into data-chosen-locale (src/dom.rs page_locales reads
  // it), and written when the widget's language picker changes.
  const KEY = 'handoff-widget:locale';
  let chosen = '';
  try {
    chosen = localStorage.getItem(KEY) || '';
  } catch (e) {
    // Storage blocked by the browser's settings: nothing is remembered.
  }
  if (chosen.length > 16) chosen = '';
  ds.chosenLocale = chosen;
  root.addEventListener('change', (e) => {
    if (!e.target.closest('.hf-locale')) return;
    try {
      localStorage.setItem(KEY, e.target.value);
    } catch (err) {
      // As above.
    }
  });
  const locales = (ds.locales || '').split(' ').filter(Boolean);
  if (!ds.site || !ds.site.trim() || !locales.length) return;
  const lang = (document.documentElement.getAttribute('lang') || '').trim();
  const wanted = [ds.locale || '', chosen, ...(navigator.languages || []), lang];
  let locale = locales.includes(ds.defaultLocale) ? ds.defaultLocale : locales[0];
  for (const w of wanted) {
    // Only A-Z is lowered, as Rust's to_ascii_lowercase does.
    let base = String(w).split(/[-_]/)[0].replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (base === 'fil') base = 'tl';
    if (locales.includes(base)) {
      locale = base;
      break;
    }
  }
  const url = `${ds.site.replace(/\/+$/, '')}/${locale}.bundle`;
  const text = fetch(url).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))));
  // The widget reports a failed download; a download it does not use must not print one.
  text.catch(() => {});
  root.handoffBundle = { url, text };
})();
