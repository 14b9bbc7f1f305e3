// Data protection (issue 20): a manager exports one customer in the console (a summary, the JSON
// as a download naming their conversation), then erases them after confirming; the API then
// finds nothing of them but the audit lines, and the insights totals are unchanged.
// Real Chromium, real desk (playwright.config.js).
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { signIn, audit, clearDesk, agentSession } = require('./helpers');

const BASE = () => process.env.DESK_URL || 'http://127.0.0.1:18091';
const SECRET = 'e2e-identity-secret-0123456789'; // e2e/desk.toml
const sign = (userId) => crypto.createHmac('sha256', SECRET).update(userId).digest('hex');
const DAY = 24 * 3600 * 1000;

const shot = async (page, name) => {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'screenshots', `console-${name}.png`), fullPage: true });
  }
};

async function json(res) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A signed-in customer of the demo site (the host site vouched for the user id), handed to
 * Orders and served by `agent`: their words, the agent's answer, resolved and rated. */
async function servedCustomer(agent, who, said) {
  const started = await json(await fetch(`${BASE()}/v1/conversations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site_key: 'demo', locale: 'de', page_url: `https://shop.example/account?u=${who.user_id}`, customer: { ...who, signature: sign(who.user_id) } }),
  }));
  const c = { id: started.conversation_id, token: started.token };
  const post = async (rest, body) => json(await fetch(`${BASE()}/v1/conversations/${c.id}${rest}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify(body),
  }));
  await post('/messages', { client_id: `m-${Date.now()}`, text: said });
  const st = await post('/handoff', {
    reason: 'explicit', detail: 'wants a person', department: 'orders', tier: 'agent', priority: 'normal', locale: 'de',
    transcript: [{ role: 'customer', text: said }, { role: 'bot', text: 'Ich hole eine Kollegin dazu.' }],
    intents: [], slots: { street: said }, page_url: `https://shop.example/account?u=${who.user_id}`,
  });
  expect(st.status).toBe('assigned');
  await agent.reply(c.id, `Gern, ${who.name}, das erledige ich.`);
  await agent.resolve(c.id);
  await post('/rating', { score: 5, comment: `Danke, sagt ${who.name}` });
  return c;
}

/** The insights figures an erasure must not change (the comments it removes aside). */
async function figures(max, query) {
  const v = await max.get(`/v1/agent/insights?${query}`);
  if (v.quality) delete v.quality.comments;
  return { containment: v.containment, flow: v.flow, speed: v.speed, quality: v.quality, trends: v.trends, articles: v.articles_before_handoff };
}

test('a manager exports a customer, downloads the JSON, erases them; the API finds nothing of them but the audit', async ({ page }) => {
  const { ana, max } = await clearDesk();
  await ana.presence('online', 3);
  const stamp = String(Date.now() % 1_000_000);
  const who = { user_id: `u-privacy-${stamp}`, name: `Jana Dvořák ${stamp}`, email: `jana.${stamp}@example.com` };
  const said = `Meine Adresse ist Lindenweg ${stamp}`;
  const c = await servedCustomer(ana, who, said);
  await ana.presence('offline');
  const rfc = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const query = `site=demo&from=${encodeURIComponent(rfc(Date.now() - DAY))}&to=${encodeURIComponent(rfc(Date.now() + DAY))}`;
  const before = await figures(max, query);
  // What the desk holds of her before: her words in the export.
  const first = await max.call('POST', '/v1/agent/privacy/export', { site_key: 'demo', user_id: who.user_id });
  expect(first.conversations.map((x) => x.conversation_id)).toEqual([c.id]);
  expect(JSON.stringify(first)).toContain(said);

  // Max, the manager, in the console: Data protection, by her verified user id.
  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Data protection' }).click();
  await expect(page.getByRole('heading', { name: 'Data protection', level: 1 })).toBeVisible();
  await page.getByLabel('Find the customer by').selectOption('user_id');
  await page.getByLabel('Verified user id').fill(who.user_id);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const summary = page.locator('.export');
  await expect(summary.locator('dt', { hasText: 'Conversations' }).locator('xpath=following-sibling::dd')).toHaveText('1');
  await expect(summary.locator('dt', { hasText: 'Messages' }).locator('xpath=following-sibling::dd')).not.toHaveText('0');
  expect(await audit(page, AxeBuilder, 'privacy')).toEqual([]);
  await shot(page, 'privacy-export');

  // The download: JSON, named after the site, with her conversation in it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    summary.getByRole('link', { name: /Download JSON/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('customer-export-demo.json');
  const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(file.site_key).toBe('demo');
  expect(file.conversations.map((x) => x.conversation_id)).toEqual([c.id]);
  expect(JSON.stringify(file)).toContain(said);
  expect(file.conversations[0].customer.user_id).toBe(who.user_id);

  // Erase asks first (in the page, not a browser dialog); Cancel leaves everything as it was.
  await page.getByRole('button', { name: 'Erase…' }).click();
  const ask = page.getByRole('group', { name: /Erase everything about this customer/ });
  await expect(ask).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  expect((await max.call('POST', '/v1/agent/privacy/export', { site_key: 'demo', user_id: who.user_id })).conversations).toHaveLength(1);
  await page.getByRole('button', { name: 'Erase…' }).click();
  expect(await audit(page, AxeBuilder, 'privacy-confirm')).toEqual([]);
  await shot(page, 'privacy-confirm');
  await page.getByRole('button', { name: 'Erase for good' }).click();
  const report = page.locator('.erased');
  await expect(report.locator('dt', { hasText: 'Conversations' }).locator('xpath=following-sibling::dd')).toHaveText('1');
  await expect(report).toContainText('Erased at');
  await shot(page, 'privacy-erased');

  // Through the API: nothing of her by any selector, no trace in her conversation, an audit
  // line that says it happened (not what), and the same insights totals.
  for (const selector of [{ user_id: who.user_id }, { email: who.email }]) {
    const again = await max.call('POST', '/v1/agent/privacy/export', { site_key: 'demo', ...selector });
    expect([again.conversations, again.tickets, again.mail]).toEqual([[], [], []]);
  }
  const detail = await max.detail(c.id);
  const text = JSON.stringify(detail);
  for (const trace of [said, who.name, who.email, who.user_id, `Lindenweg ${stamp}`]) expect(text).not.toContain(trace);
  const erasures = detail.audit.filter((a) => a.kind === 'erasure');
  expect(erasures).toHaveLength(1);
  expect(erasures[0].agent_id).toBe(max.agent.id);
  expect(await figures(max, query)).toEqual(before);
  // The administrative audit has the request on record: who, when, which site; not whom.
  const log = await max.get('/v1/agent/admin/audit');
  const line = log.find((e) => /eras/.test(e.action) && e.by === 'max@fernhill.example');
  expect(line, `no erasure in the admin audit: ${log.slice(0, 5).map((e) => e.action).join(', ')}`).toBeTruthy();
  for (const trace of [who.name, who.email, who.user_id, said]) expect(JSON.stringify(line)).not.toContain(trace);
});

test('the Data protection screen in German and Bulgarian, and a value is needed first', async ({ page }) => {
  await signIn(page, 'max@fernhill.example');
  await page.locator('#language').selectOption('de');
  await page.getByRole('button', { name: 'Datenschutz' }).click();
  await expect(page.getByRole('heading', { name: 'Datenschutz', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Löschen…' }).click();
  await expect(page.locator('#privacy-outcome')).toContainText('Geben Sie zuerst an, wie der Kunde zu finden ist.');
  await page.getByLabel('Kunden finden über').selectOption('email');
  await page.getByLabel('E-Mail-Adresse').fill('niemand@example.com');
  await page.getByRole('button', { name: 'Exportieren' }).click();
  await expect(page.locator('.export')).toContainText('Zu diesem Kunden ist auf dieser Website nichts gespeichert.');
  expect(await audit(page, AxeBuilder, 'privacy-de')).toEqual([]);
  await shot(page, 'privacy-de');
  await page.locator('#language').selectOption('bg');
  await expect(page.getByRole('heading', { name: 'Защита на данните', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Изтрий…' }).click();
  await expect(page.getByRole('button', { name: 'Изтрий окончателно' })).toBeVisible();
  await shot(page, 'privacy-bg');
  await page.getByRole('button', { name: 'Отказ' }).click();
  await page.locator('#language').selectOption('en');
});
