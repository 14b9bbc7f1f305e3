// The widget page's side of embedding (served at /embed/frame.js). In frame mode (the loader's
// iframe) it opens the widget at once and speaks postMessage with exactly one host origin, the
// one the desk checked and wrote into data-host-origin; in page mode (/help/<site>) it only
// opens the portal. Messages: {handoff: 1, type, value}; anything else is ignored.
// It runs before the widget's module script (deferred, earlier in the page), so a `?reset`
// frame forgets the previous customer's conversation before the widget reads it.
(() => {
  'use strict';
  const root = document.getElementById('handoff-root');
  if (!root) return;
  const mode = root.dataset.mode;
  const host = mode === 'frame' ? root.dataset.hostOrigin : null;
  const site = decodeURIComponent(location.pathname.split('/')[2] || '');
  // The widget keeps its conversation in sessionStorage under `handoff-widget:` (src/storage.rs).
  // Forgetting it also withdraws a handoff still waiting for a person (queued, or an offline
  // form not sent): the customer who asked has gone, so no agent should pick it up. The desk
  // refuses once a person has it (409), and then the conversation stays with them.
  const forget = () => {
    for (const k of Object.keys(sessionStorage)) {
      if (!k.startsWith('handoff-widget:')) continue;
      // Stored fields are separated by U+001F; the desk's conversation is `d<id>U+001E<token>`.
      const desk = (sessionStorage.getItem(k) || '').split('\x1f').filter((f) => f[0] === 'd' && f.includes('\x1e')).pop();
      if (desk) {
        const [id, token] = desk.slice(1).split('\x1e');
        fetch(`/v1/conversations/${encodeURIComponent(id)}/cancel`, {
          method: 'POST', keepalive: true, headers: { authorization: `Bearer ${token}` },
        }).catch(() => {});
      }
      sessionStorage.removeItem(k);
    }
  };
  if (new URLSearchParams(location.search).has('reset')) forget();
  let visible = true;
  let unread = 0;
  const launcher = () => root.querySelector('.hf-launcher');
  // Host events from what the widget shows: a message, the handoff area, the rating form.
  const shown = (sel) => {
    const el = root.querySelector(sel);
    return !!el && !el.hidden;
  };
  let handingOff = false;
  let rating = false;
  const isOpen = () => launcher()?.getAttribute('aria-expanded') === 'true';
  const post = (type, value) => {
    if (host && window.parent !== window) window.parent.postMessage({ handoff: 1, type, value }, host);
  };
  const open = () => {
    const b = launcher();
    if (b && !isOpen()) b.click();
  };
  const setLocale = (l) => {
    const sel = root.querySelector('.hf-locale select');
    if (!sel || typeof l !== 'string' || ![...sel.options].some((o) => o.value === l)) return;
    sel.value = l;
    sel.dispatchEvent(new Event('change', { bubbles: true }));
  };
  // The host's launcher is named in the visitor's language: the widget's own launcher text.
  let label = '';
  const relabel = () => {
    const text = root.querySelector('.hf-launcher-text')?.textContent || '';
    const lang = root.querySelector('.hf-widget')?.lang || '';
    if (!text || text + lang === label) return;
    label = text + lang;
    post('label', { text, lang });
  };
  // Opened from the keyboard on the host page: focus starts where the visitor types, as soon
  // as the widget shows that field (on the first open it is still loading).
  let wantFocus = false;
  const focusIn = () => {
    const field = root.querySelector('.hf-panel :is(input:not([type=hidden]), textarea)');
    field?.focus();
    wantFocus = !field;
  };
  let wasOpen = false;
  let loaded = false;
  let started = false;
  const watch = new MutationObserver((records) => {
    relabel();
    if (wantFocus) focusIn();
    const b = launcher();
    if (!b) return;
    if (!started) {
      started = true;
      open();
      wasOpen = isOpen();
      loaded = !!root.querySelector('.hf-locale');
      post('ready');
      return;
    }
    const now = isOpen();
    if (wasOpen && !now && mode === 'frame') {
      visible = false;
      post('close');
    }
    const h = shown('.hf-handoff');
    if (h && !handingOff) post('handoff');
    handingOff = h;
    const r = shown('.hf-rating');
    if (r && !rating) post('resolved');
    rating = r;
    if (wasOpen && !now && mode === 'page') open();
    wasOpen = now;
    // Unread counts only what arrives after the widget loaded (not its greeting).
    const wasLoaded = loaded;
    loaded = !!root.querySelector('.hf-locale');
    if (!wasLoaded) return;
    const before = unread;
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1 || !n.matches('.hf-msg')) continue;
        // Who wrote it, never what: the host page does not get to read the conversation.
        const from = (n.className.match(/hf-msg--(\w+)/) || [])[1];
        post('message', { from });
        if (!visible && from !== 'customer') unread += 1;
      }
    }
    if (unread !== before) post('unread', unread);
  });
  watch.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-expanded', 'hidden', 'lang'] });
  if (!host) return;
  // The desk says at once whether it believes the identity (a wrong signature is refused); the
  // widget sends the accepted one with the conversation it starts, where it is checked again.
  const identify = (who) => {
    delete root.dataset.customer;
    fetch('/v1/sites/' + encodeURIComponent(site) + '/identify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(who),
    })
      .then((r) => r.json().then((b) => {
        if (r.ok) root.dataset.customer = JSON.stringify(who);
        post('identify', r.ok ? { ok: true, verified: b.verified } : { ok: false, error: b.error, message: b.message });
      }))
      .catch(() => post('identify', { ok: false, error: 'desk_unreachable' }));
  };
  window.addEventListener('message', (e) => {
    if (e.origin !== host || e.source !== window.parent) return;
    const m = e.data;
    if (!m || m.handoff !== 1 || typeof m.type !== 'string') return;
    // The host page's address comes with open (and the first close): the agent sees where the
    // customer is, not this frame's URL. The desk takes at most 2,048 characters of it (a longer
    // page_url would refuse the conversation); location.href is ASCII, so code units are characters.
    if ((m.type === 'open' || m.type === 'close') && typeof m.value === 'string') root.dataset.page = m.value.slice(0, 2048);
    if (m.type === 'open') {
      visible = true;
      if (unread) {
        unread = 0;
        post('unread', 0);
      }
      open();
    } else if (m.type === 'close') {
      visible = false;
    } else if (m.type === 'focus') {
      focusIn();
    } else if (m.type === 'locale') {
      setLocale(m.value);
    } else if (m.type === 'department' && typeof m.value === 'string') {
      root.dataset.department = m.value;
    } else if (m.type === 'identify' && m.value && typeof m.value === 'object') {
      identify(m.value);
    } else if (m.type === 'reset') {
      forget();
      location.reload();
    }
  });
})();
