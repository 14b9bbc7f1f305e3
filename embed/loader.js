/* Handoff embed loader, served as /embed.js: see docs/embedding.md. */
(() => {
  'use strict';
  const w = window, d = document, me = d.currentScript, pre = w.Handoff || {};
  if (pre.loaded) return;
  const ds = (me && me.dataset) || {};
  const opt = (k) => (ds[k] != null ? ds[k] : pre[k]);
  const flag = (k) => ![undefined, null, false, 'false'].includes(opt(k));
  const site = opt('site');
  const desk = new URL(pre.desk || (me && me.src) || '/', location.href).origin;
  const warn = (m) => console.warn('Handoff: ' + m);
  if (!site) return warn('no data-site');
  const q = Array.from(pre.q || []);
  const ons = {};
  let frame, box, btn, badge, opened = false, ready = false, live = false, focusIn = false;
  let label = 'Help & chat', unread = 0, blocked = null;
  let locale = opt('locale'), dept = opt('department'), who = null, reset = false;
  const emit = (e, v) => (ons[e] || []).forEach((f) => { try { f(v); } catch (x) { console.error(x); } });
  const send = (type, value) => frame && frame.contentWindow.postMessage({ handoff: 1, type, value }, desk);
  const load = () => {
    if (frame) return;
    const u = new URL('/widget/' + encodeURIComponent(site), desk);
    u.searchParams.set('origin', location.origin);
    if (locale) u.searchParams.set('locale', locale);
    if (dept) u.searchParams.set('department', dept);
    if (reset) u.searchParams.set('reset', '');
    frame = d.createElement('iframe');
    frame.className = 'hl-frame';
    frame.title = 'Help & chat';
    frame.hidden = true;
    frame.src = u.href;
    box.appendChild(frame);
  };
  const name = () => btn.setAttribute('aria-label', unread ? `${label} (${unread})` : label);
  const show = (on) => {
    opened = on;
    if (frame) frame.hidden = !on;
    btn.setAttribute('aria-expanded', on);
    emit(on ? 'open' : 'close');
  };
  const api = {
    open() { load(); if (ready) send('open', location.href); show(true); },
    close() { send('close'); show(false); },
    toggle() { opened ? api.close() : api.open(); },
    setLocale(l) { locale = l; send('locale', l); },
    setDepartment(v) { dept = v; send('department', v); },
    identify(v) { who = v; send('identify', v); },
    reset() {
      who = null;
      badge.hidden = true;
      if (frame) send('reset');
      else { reset = true; load(); }
    },
    on(e, f) { (ons[e] = ons[e] || []).push(f); if (e === 'ready' && live) f(); },
  };
  const call = (c, ...a) => (api[c] ? api[c](...a) : warn('unknown command ' + c));
  const H = (...a) => (live ? call(...a) : q.push(a));
  H.loaded = true;
  H.q = q;
  w.Handoff = H;
  w.addEventListener('message', (e) => {
    const m = e.data;
    if (e.origin !== desk || !frame || e.source !== frame.contentWindow || !m || m.handoff !== 1) return;
    if (m.type === 'ready') {
      ready = true;
      send(opened ? 'open' : 'close', location.href);
      if (dept) send('department', dept);
      if (who) send('identify', who);
      if (focusIn) {
        frame.focus();
        send('focus');
      }
    } else if (m.type === 'close') {
      // Escape or the close button in the widget: focus comes back to where it left from.
      const inside = box.activeElement === frame;
      show(false);
      if (inside || focusIn) btn.focus();
      focusIn = false;
    } else if (m.type === 'label' && m.value && typeof m.value.text === 'string') {
      // The launcher's name in the visitor's language, as the widget writes it.
      label = m.value.text.slice(0, 80);
      btn.lang = String(m.value.lang || '').slice(0, 12);
      name();
    }
    else if (['message', 'handoff', 'resolved', 'identify'].includes(m.type)) {
      emit(m.type, m.value);
      if (m.value && m.value.ok === false) warn('identify refused: ' + m.value.error);
    } else if (m.type === 'unread' && typeof m.value === 'number') {
      unread = m.value;
      badge.textContent = m.value;
      badge.hidden = !m.value;
      name();
      emit('unread', m.value);
    }
  });
  const right = opt('position') !== 'left' ? 'right' : 'left';
  const color = /^#[0-9a-f]{3,8}$/i.test(opt('color') || '') ? opt('color') : '#254d32';
  const css = new CSSStyleSheet();
  css.replaceSync(`:host{all:initial!important;display:contents!important}
*{box-sizing:border-box}[hidden]{display:none!important}
.hl-btn{all:initial;position:fixed;${right}:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;background:${color};color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.hl-btn:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.hl-badge{all:initial;position:absolute;top:-4px;${right}:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}
.hl-frame{all:initial;position:fixed;${right}:20px;bottom:88px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 108px);border:0;border-radius:12px;background:#fff;box-shadow:0 16px 48px rgba(15,23,42,.25)}
@media (max-width:480px),(max-height:500px){.hl-frame{inset:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0}}`);
  const start = () => {
    const el = d.createElement('handoff-launcher');
    box = el.attachShadow({ mode: 'open' });
    box.adoptedStyleSheets = [css];
    btn = d.createElement('button');
    btn.className = 'hl-btn';
    btn.type = 'button';
    btn.setAttribute('aria-label', 'Help & chat');
    btn.setAttribute('aria-expanded', 'false');
    btn.innerHTML = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
    badge = d.createElement('span');
    badge.className = 'hl-badge';
    badge.hidden = true;
    btn.appendChild(badge);
    btn.onclick = (e) => {
      api.toggle();
      // Opened from the keyboard (a click with no pointer, detail 0): focus moves into the widget
      // and comes back on Escape. A tap does not focus the field: that would pop up the
      // phone's keyboard over the articles.
      focusIn = opened && !e.detail;
      if (focusIn) {
        frame.focus();
        if (ready) send('focus');
      }
    };
    box.appendChild(btn);
    (d.body || d.documentElement).appendChild(el);
    live = true;
    emit('ready');
    q.splice(0).forEach((a) => call(...a));
    if (flag('open') && !opened) api.open();
    if (flag('prefetch') && !frame) (w.requestIdleCallback || setTimeout)(load);
  };
  // A Content-Security-Policy on this page that leaves the desk out: say which directive the
  // site owner must change, not "desk unreachable", which sends them to the wrong machine.
  d.addEventListener('securitypolicyviolation', (e) => {
    if (blocked || !String(e.blockedURI).startsWith(desk)) return;
    blocked = e.effectiveDirective || e.violatedDirective;
    warn(`not shown: add ${desk} to this page's Content-Security-Policy ${blocked}`);
  });
  fetch(new URL('/v1/sites/' + encodeURIComponent(site) + '/embed-check', desk), { credentials: 'omit' })
    .then((r) => (r.ok ? start() : r.json().then((b) => warn(`not shown: ${b.message} (add ${location.origin} to the site's allowed_origins)`))))
    // The violation event is a task queued before the fetch fails: wait one turn for it.
    .catch((e) => setTimeout(() => blocked || warn(`desk ${desk} unreachable: ${e}`), 0));
})();
