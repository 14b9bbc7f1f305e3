// The console's Insights page (issue 7) in real Chromium against a real desk: a small history
// made through the customer and agent APIs, then the page's figures, charts, tables, CSV links,
// empty and error states, who may see it, and an axe audit.
// The desk is shared with the other specs: every exact figure is checked as a difference
// against the desk's own answer before the history was made, and the page against the desk's
// answer for the same query.
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const { visit, handoff, signIn, audit, clearDesk } = require('./helpers');
const fs = require('fs');
const path = require('path');

test.describe.configure({ mode: 'serial' });

const shot = async (page, name) => {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'screenshots', `${name}.png`), fullPage: true });
  }
};

const BASE = () => process.env.DESK_URL || 'http://127.0.0.1:18091';

/** A conversation handed off with the given handoff request as it is. */
async function handoffRaw(visitor, request) {
  const res = await fetch(`${BASE()}/v1/conversations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site_key: 'demo', locale: 'en', visitor_id: visitor }),
  });
  const started = await res.json();
  const h = await fetch(`${BASE()}/v1/conversations/${started.conversation_id}/handoff`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${started.token}` },
    body: JSON.stringify(request),
  });
  expect(h.ok).toBe(true);
  return { id: started.conversation_id };
}

const DAY = 86_400_000;
const date = (ms) => new Date(ms).toISOString().slice(0, 10);
// The page's default period: the last 30 days up to today (UTC), both inclusive.
const today = () => date(Date.now());
const monthAgo = () => date(Date.now() - 29 * DAY);
const query = () => `site=demo&from=${monthAgo()}&to=${today()}&bucket=day`;

test('a supervisor reads the escalation insights of a known history', async ({ page }) => {
  const { ana, sam } = await clearDesk();
  const before = await sam.get(`/v1/agent/insights?${query()}`);

  // The history: one visit the bot handled alone; a handoff Ana answers, resolves, and the
  // customer rates; a handoff the bot did not understand, which Ana escalates to a supervisor.
  await ana.presence('online', 5);
  await visit('visitor-insights-1');
  const a = await handoff({ text: 'my parcel is late', visitor: 'visitor-insights-2' });
  expect(a.handoff.status).toBe('assigned');
  await ana.reply(a.id, 'It leaves the warehouse today.');
  await ana.resolve(a.id);
  await a.post('/rating', { score: 4, comment: 'Quick and kind, thank you' });
  // The bot did not understand this one: its transcript line has no intent (a content gap),
  // and the customer had read an article first.
  const word = () => `qz${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6)}x`;
  const gapText = `Do you take ${word()} ${word()} ${word()}?`;
  const b = await handoffRaw('visitor-insights-3', {
    reason: 'fallback', detail: 'no intent matched', department: 'orders', tier: 'agent', priority: 'normal', locale: 'en',
    transcript: [{ role: 'customer', text: gapText }, { role: 'bot', text: 'Sorry, I did not get that.' }],
    article: 'payment-methods',
  });
  const note = `needs a refund approval, run ${Date.now() % 1e6}`;
  await ana.call('POST', `/v1/agent/conversations/${b.id}/escalate`, { note });
  await ana.presence('offline');

  const after = await sam.get(`/v1/agent/insights?${query()}`);
  const diff = (f) => f(after) - f(before);
  expect(diff((i) => i.containment.started)).toBe(3);
  expect(diff((i) => i.containment.handed_off)).toBe(2);
  expect(diff((i) => i.containment.handoffs_by_reason.explicit)).toBe(1);
  expect(diff((i) => i.containment.handoffs_by_reason.fallback)).toBe(1);
  expect(diff((i) => i.flow.escalations)).toBe(1);
  expect(diff((i) => i.quality.ratings)).toBe(1);
  expect(after.quality.comments[0].comment).toBe('Quick and kind, thank you');
  const gap = after.gaps.find((g) => g.examples.some((e) => e.text === gapText));
  expect(gap.locale).toBe('en');
  expect(gap.examples.find((e) => e.text === gapText).conversation_id).toBe(b.id);
  expect(diff((i) => (i.articles_before_handoff.find((a) => a.article === 'payment-methods') || { count: 0 }).count)).toBe(1);
  const esc = after.flow.tiers.find((e) => e.from === 'agent' && e.to === 'supervisor');
  expect(esc.reasons[note]).toBe(1);

  await signIn(page, 'sam@fernhill.example');
  await page.getByRole('button', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { name: 'Insights', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Period', { exact: true })).toHaveValue('30');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(monthAgo());
  await expect(page.getByLabel('To', { exact: true })).toHaveValue(today());

  // The headline figures are the desk's, with their change against the previous period.
  const cur = after.trends.current;
  const kpi = (id) => page.locator(`.kpi[data-figure="${id}"]`);
  await expect(kpi('started').locator('.kpi-value')).toHaveText(String(cur.started));
  await expect(kpi('handoff_rate').locator('.kpi-sub')).toHaveText(`${cur.handed_off} / ${cur.started}`);
  await expect(kpi('contained').locator('.kpi-value')).toHaveText(String(cur.contained));
  await expect(kpi('escalations').locator('.kpi-value')).toHaveText(String(cur.escalations));
  await expect(kpi('rating').locator('.kpi-sub')).toHaveText(`n = ${cur.ratings}`);
  // Every change has an arrow (or =) and a sentence for screen readers, not colour alone.
  for (const id of ['started', 'escalations']) {
    await expect(kpi(id).locator('.delta [aria-hidden="true"]')).toHaveText(/^[▲▼=–] /);
    await expect(kpi(id).locator('.delta .sr-only')).toHaveText(/previous period/);
  }

  // Charts with their numbers as tables.
  const trend = page.locator('svg.chart[role="img"]').first();
  await expect(trend).toHaveAttribute('aria-label', new RegExp(`${cur.started} conversations and ${cur.handed_off} handed to a person`));
  await expect(page.locator('#table-trends tbody tr')).toHaveCount(30);
  await expect(page.locator('#table-trends caption')).toHaveText('Over time');
  const todayRow = page.locator('#table-trends tbody tr').last();
  await expect(todayRow.locator('th')).toHaveText(today());

  const flow = page.locator('svg.flow').first();
  await expect(flow).toBeVisible();
  await expect(flow).toHaveAttribute('role', 'img');
  await expect(flow).toHaveAttribute('aria-label', new RegExp(`^Flow diagram: Virtual assistant to Support agent: \\d+; .*Support agent to Team supervisor: ${esc.count}`));
  await expect(flow.locator('.flow-edge')).toHaveCount(after.flow.tiers.length);
  const escRow = page.locator('#table-flow-tiers tbody tr', { hasText: note });
  await expect(escRow.locator('td').nth(2)).toHaveText(String(esc.count));

  const reasons = page.locator('#table-reasons');
  await expect(reasons.locator('tr', { hasText: 'the bot did not understand' }).locator('td')).toHaveText(String(after.containment.handoffs_by_reason.fallback));
  await expect(page.locator('#table-ratings tbody tr', { has: page.locator('th', { hasText: /^4$/ }) }).locator('td')).toHaveText(String(after.quality.distribution[3]));
  await expect(page.locator('.comments')).toContainText('Quick and kind, thank you');
  await expect(page.locator('#table-sla-priority')).toBeVisible();
  // The content gap with its example, and the article read before the handoff.
  await expect(page.locator('#table-gaps tbody tr', { hasText: gapText }).locator('th')).toHaveText(gap.label);
  await expect(page.locator('#table-articles-before tr', { hasText: 'payment-methods' })).toBeVisible();

  // A CSV link downloads its table.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV: Handoffs by reason' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('reason,handoffs');
  expect(csv).toContain(`fallback,${after.containment.handoffs_by_reason.fallback}`);
  const flowCsv = await page.getByRole('link', { name: 'Download CSV: Escalation flow' }).getAttribute('href');
  expect(flowCsv).toBe(`/v1/agent/insights.csv?table=flow&${query()}`);

  expect(await audit(page, AxeBuilder, 'insights')).toEqual([]);
  await shot(page, 'console-insights');

  // Filters go to the desk: only the fallback handoffs.
  await page.getByLabel('Handoff reason', { exact: true }).selectOption('fallback');
  const onlyFallback = await sam.get(`/v1/agent/insights?${query()}&reason=fallback`);
  await expect(kpi('started').locator('.kpi-value')).toHaveText(String(onlyFallback.trends.current.started));
  await page.getByLabel('Handoff reason', { exact: true }).selectOption('');

  // Weekly buckets, and a period picked by hand.
  await page.getByLabel('Group by', { exact: true }).selectOption('week');
  await expect(page.locator('#table-trends tbody tr').first()).toBeVisible();
  await page.getByLabel('Period', { exact: true }).selectOption('7');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(date(Date.now() - 6 * DAY));

  // The empty state: a period long before any conversation.
  await page.getByLabel('From', { exact: true }).fill('2001-01-01');
  await page.getByLabel('To', { exact: true }).fill('2001-01-07');
  await page.getByLabel('To', { exact: true }).press('Tab');
  await expect(page.locator('#insights-empty')).toHaveText('No conversations in this period.');
  await expect(page.getByLabel('Period', { exact: true })).toHaveValue('custom');

  // The error state, and trying again.
  await page.route('**/v1/agent/insights?*', (route) => route.fulfill({
    status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'invalid_date', message: 'the period is odd' }),
  }));
  await page.getByLabel('Period', { exact: true }).selectOption('30');
  await expect(page.locator('.insights-error')).toContainText('The figures could not be loaded: the period is odd');
  await page.unroute('**/v1/agent/insights?*');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(kpi('started').locator('.kpi-value')).toHaveText(String(cur.started));

  // In another language.
  await page.locator('#language').selectOption('de');
  await expect(page.getByRole('heading', { name: 'Auswertung', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'CSV herunterladen: Übergaben nach Grund' })).toBeVisible();
  expect(await audit(page, AxeBuilder, 'insights-de')).toEqual([]);
  await shot(page, 'console-insights-de');
  await page.locator('#language').selectOption('en');
  // Leave the desk as the other specs expect it: nothing waiting (the escalation is queued).
  await clearDesk();
});

test('an agent has no Insights page, and the desk refuses them the figures', async ({ page }) => {
  await signIn(page, 'ana@fernhill.example');
  await expect(page.getByRole('button', { name: 'Work' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Insights' })).toHaveCount(0);
  const res = await page.request.get(`/v1/agent/insights?${query()}`);
  expect(res.status()).toBe(403);
  expect((await res.json()).error).toBe('not_supervisor');
});
