// The widget page's side of embedding (served at /embed/frame.js). In frame mode (the loader's
// iframe) it opens the widget at once and speaks postMessage with exactly one host origin, the
// one the desk checked and wrote into data-host-origin; in page mode (/help/<site>) it only
// opens the portal. Messages: {handoff: 1, type, value}; anything else is ignored.
(() => {
  'use strict';
  const root = document.getElementById('handoff-root');
  if (!root) return;
  const mode = root.dataset.mode;
  const host = mode === 'frame' ? root.dataset.hostOrigin : null;
  let shown = true;
  let unread = 0;
  const launcher = () => root.querySelector('.hf-launcher');
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
  let wasOpen = false;
  let loaded = false;
  let started = false;
  const watch = new MutationObserver((records) => {
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
      shown = false;
      post('close');
    }
    if (wasOpen && !now && mode === 'page') open();
    wasOpen = now;
    // Unread counts only what arrives after the widget loaded (not its greeting).
    const wasLoaded = loaded;
    loaded = !!root.querySelector('.hf-locale');
    if (shown || !wasLoaded) return;
    const before = unread;
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && n.matches('.hf-msg:not(.hf-msg--customer)')) unread += 1;
      }
    }
    if (unread !== before) post('unread', unread);
  });
  watch.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-expanded'] });
  if (!host) return;
  window.addEventListener('message', (e) => {
    if (e.origin !== host || e.source !== window.parent) return;
    const m = e.data;
    if (!m || m.handoff !== 1 || typeof m.type !== 'string') return;
    if (m.type === 'open') {
      shown = true;
      if (unread) {
        unread = 0;
        post('unread', 0);
      }
      open();
    } else if (m.type === 'close') {
      shown = false;
    } else if (m.type === 'locale') {
      setLocale(m.value);
    } else if (m.type === 'department' && typeof m.value === 'string') {
      root.dataset.department = m.value;
    }
  });
})();
