// The customer's side over plain HTTP (as the widget would speak it) and a small SSE reader.
const BASE = () => process.env.DESK_URL || 'http://127.0.0.1:18091';
const PASSWORD = 'fernhill-demo';

async function json(res) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Starts a conversation, says something, and hands it off like the widget's bot would. */
async function handoff({ department = 'orders', priority = 'normal', text = 'where is my order?', visitor = 'visitor-e2e', reason = 'explicit' } = {}) {
  const started = await json(await fetch(`${BASE()}/v1/conversations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site_key: 'demo', locale: 'en', page_url: 'https://shop.example/orders/12345', visitor_id: visitor }),
  }));
  const c = { id: started.conversation_id, token: started.token };
  c.post = async (rest, body) => json(await fetch(`${BASE()}/v1/conversations/${c.id}${rest}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify(body),
  }));
  c.state = async () => json(await fetch(`${BASE()}/v1/conversations/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } }));
  await c.post('/messages', { client_id: `m-${Date.now()}-${Math.random()}`, text });
  c.handoff = await c.post('/handoff', {
    reason, detail: 'customer asked for a person', department, tier: 'agent', priority, locale: 'en',
    transcript: [
      { role: 'customer', text, intent: 'order_status' },
      { role: 'bot', text: 'Let me bring in a colleague who can check that for you.' },
    ],
    intents: [{ intent: 'order_status', confidence: 0.92, turn: 0 }],
    slots: { order_number: '12345' },
    page_url: 'https://shop.example/orders/12345',
  });
  return c;
}

/** A conversation that only talked to the bot (an earlier visit of the same visitor). */
async function visit(visitor) {
  const started = await json(await fetch(`${BASE()}/v1/conversations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site_key: 'demo', locale: 'en', visitor_id: visitor }),
  }));
  return started.conversation_id;
}

/** Reads a customer event stream; `until(pred)` waits for a matching event. */
async function stream(c) {
  const ctrl = new AbortController();
  const res = await fetch(`${BASE()}/v1/conversations/${c.id}/events`, { headers: { authorization: `Bearer ${c.token}` }, signal: ctrl.signal });
  const events = [];
  (async () => {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
            else if (line.startsWith('id: ')) ev.id = Number(line.slice(4));
          }
          if (ev.event) events.push(ev);
        }
      }
    } catch (_) { /* aborted */ }
  })();
  return {
    events,
    close: () => ctrl.abort(),
    async until(pred, ms = 20_000) {
      const t = Date.now();
      while (Date.now() - t < ms) {
        const e = events.find(pred);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no matching event; got ${JSON.stringify(events)}`);
    },
  };
}

/** An agent session over HTTP (for agents the test only needs online, not in a browser). */
async function agentOnline(email, capacity) {
  const res = await fetch(`${BASE()}/v1/agent/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = await json(res);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  await json(await fetch(`${BASE()}/v1/agent/presence`, {
    method: 'PUT', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.csrf_token },
    body: JSON.stringify({ presence: 'online', capacity }),
  }));
  return body.agent;
}

async function signIn(page, email) {
  await page.goto('/console/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.topbar').waitFor();
}

async function audit(page, AxeBuilder, name) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    console.log(name, JSON.stringify(bad.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target).slice(0, 5), help: v.help })), null, 1));
  }
  return bad;
}

module.exports = { visit, handoff, stream, agentOnline, signIn, audit, PASSWORD };

/** A signed-in agent over HTTP (cookie + CSRF token), optionally against another desk. */
async function agentSession(email, base = BASE(), password = PASSWORD) {
  const res = await fetch(`${base}/v1/agent/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  const body = await json(res);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const s = { agent: body.agent };
  s.call = async (method, rest, data) => json(await fetch(`${base}${rest}`, {
    method,
    headers: { 'content-type': 'application/json', cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': body.csrf_token }) },
    body: data === undefined ? undefined : JSON.stringify(data),
  }));
  s.get = (rest) => s.call('GET', rest);
  /** The status alone, for a call expected to fail. */
  s.raw = async (method, rest) => (await fetch(`${base}${rest}`, { method, headers: { cookie } })).status;
  s.presence = (presence, capacity) => s.call('PUT', '/v1/agent/presence', capacity === undefined ? { presence } : { presence, capacity });
  s.detail = (id) => s.get(`/v1/agent/conversations/${id}`);
  s.reply = (id, text) => s.call('POST', `/v1/agent/conversations/${id}/messages`, { text });
  s.resolve = (id) => s.call('POST', `/v1/agent/conversations/${id}/resolve`);
  return s;
}

const DEMO_AGENTS = ['ana@fernhill.example', 'ben@fernhill.example', 'sam@fernhill.example', 'max@fernhill.example'];

/**
 * A clean slate whatever ran before: every demo agent offline with nothing assigned and no
 * conversation waiting in any queue (the manager, who can take everything, takes what waits
 * and resolves it). Returns the signed-in sessions by first name.
 */
async function clearDesk(base = BASE()) {
  const sessions = {};
  for (const email of DEMO_AGENTS) {
    const s = await agentSession(email, base);
    await s.presence('offline');
    for (const c of await s.get('/v1/agent/conversations')) await s.resolve(c.conversation_id);
    sessions[email.split('@')[0]] = s;
  }
  const { max } = sessions;
  for (let round = 0; round < 10 && (await max.get('/v1/agent/queue')).length; round++) {
    await max.presence('online', 100);
    for (const c of await max.get('/v1/agent/conversations')) await max.resolve(c.conversation_id);
  }
  await max.presence('offline', max.agent.capacity);
  return sessions;
}

module.exports.agentSession = agentSession;
module.exports.clearDesk = clearDesk;
