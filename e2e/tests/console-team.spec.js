// The team page (issue 20): a manager adds a colleague, who signs in with the password shown
// once and gets a chat; the manager deactivates her, her open console is signed out within
// seconds and her chat goes back to the queue. Real Chromium, real desk (playwright.config.js).
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const { handoff, signIn, audit, clearDesk, agentSession } = require('./helpers');
const path = require('path');

/** Agents made here, deactivated after each test whatever happened: an agent left online would
 * take the chats of the specs that follow. */
const made = [];
test.afterEach(async () => {
  const max = await agentSession('max@fernhill.example');
  while (made.length) await max.call('POST', `/v1/agent/admin/agents/${made.pop()}/deactivate`, {}).catch(() => {});
});

const shot = async (page, name) => {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'screenshots', `console-${name}.png`), fullPage: true });
  }
};

test('a manager adds an agent who signs in and gets a chat; deactivated, her console is signed out and the chat is queued again', async ({ page, browser }) => {
  await clearDesk();
  const stamp = String(Date.now() % 1_000_000);
  const email = `nora.${stamp}@fernhill.example`;

  // Max, the manager, adds Nora to Orders without choosing a password.
  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Team' }).click();
  await expect(page.getByRole('heading', { name: 'Team', level: 1 })).toBeVisible();
  const form = page.locator('form.add-agent');
  await form.getByLabel('Email', { exact: true }).fill(email);
  await form.getByLabel('Name', { exact: true }).fill(`Nora ${stamp}`);
  await form.getByLabel('Tier').selectOption('agent');
  await form.getByRole('group', { name: 'Departments' }).getByLabel('Orders').check();
  await form.getByLabel('Capacity', { exact: true }).fill('2');
  await form.getByRole('button', { name: 'Add an agent' }).click();
  const shown = page.locator('.created code.new-password');
  await expect(shown).toBeVisible();
  const password = (await shown.textContent()).trim();
  expect(password.length).toBeGreaterThanOrEqual(16);
  const row = page.locator('.team tbody tr', { hasText: email });
  made.push((await (await agentSession('max@fernhill.example')).get('/v1/agent/admin/agents')).find((a) => a.email === email).id);
  await expect(row).toContainText('Orders');
  await expect(row).toContainText('active');
  expect(await audit(page, AxeBuilder, 'team')).toEqual([]);
  await shot(page, 'team');

  // Nora signs in with it in her own browser and goes online; the next chat is hers.
  const nora = await (await browser.newContext()).newPage();
  await nora.goto('/console/');
  await nora.getByLabel('Email').fill(email);
  await nora.getByLabel('Password').fill(password);
  await nora.getByRole('button', { name: 'Sign in' }).click();
  await nora.getByLabel('Status').selectOption('online');
  // Online once the desk has said so (the select's class follows the desk's answer).
  await expect(nora.locator('#presence.presence-online')).toBeVisible();
  const c = await handoff({ text: 'Where is my parcel?', visitor: `team-${stamp}` });
  expect(c.handoff.status).toBe('assigned');
  expect(c.handoff.agent_name).toBe(`Nora ${stamp}`);
  await expect(nora.locator('#conversation-title')).toBeVisible();

  // Max deactivates her: her console is back at the sign-in within seconds, her chat waits.
  await row.getByRole('button', { name: `Deactivate: Nora ${stamp}` }).click();
  await expect(row).toContainText('deactivated');
  await expect(nora.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 10_000 });
  expect((await c.state()).status).toBe('queued');
  await nora.getByLabel('Email').fill(email);
  await nora.getByLabel('Password').fill(password);
  await nora.getByRole('button', { name: 'Sign in' }).click();
  await expect(nora.getByText('This account was deactivated. Please ask your manager.')).toBeVisible();

  // Audited: who did what to whom.
  const max = await agentSession('max@fernhill.example');
  const log = (await max.get('/v1/agent/admin/audit')).filter((e) => e.target === `agent:${email}`);
  expect(log.map((e) => e.action)).toEqual(['agent_deactivated', 'agent_created']);
  expect(log.every((e) => e.by === 'max@fernhill.example')).toBe(true);
  // The waiting chat goes to someone who can take it.
  await clearDesk();
});

test('an agent changes her own password: her other session ends, the new password signs in', async ({ page }) => {
  const stamp = String(Date.now() % 1_000_000);
  const email = `olga.${stamp}@fernhill.example`;
  const max = await agentSession('max@fernhill.example');
  const olga = await max.call('POST', '/v1/agent/admin/agents', { email, name: `Olga ${stamp}`, tier: 'agent', departments: ['billing'], password: 'first long password' });
  expect(olga.agent.email).toBe(email);
  made.push(olga.agent.id);
  // Another browser of hers, signed in before the change.
  const elsewhere = await agentSession(email, undefined, 'first long password');

  await page.goto('/console/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('first long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'My account' }).click();
  await expect(page.locator('.sessions li')).toHaveCount(2);
  await expect(page.locator('.sessions li', { hasText: '(this browser)' })).toHaveCount(1);
  expect(await audit(page, AxeBuilder, 'account')).toEqual([]);
  await page.getByLabel('Current password').fill('first long password');
  await page.getByLabel('New password').fill('password');
  await page.getByRole('button', { name: 'Change password' }).click();
  // The browser holds back a password under 10 characters; a common one the desk refuses.
  await page.getByLabel('New password').fill('password2026');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('.account [role=status]')).toHaveText('Choose a stronger password: at least 10 characters, not a common one, not your e-mail.');
  await page.getByLabel('Current password').fill('first long password');
  await page.getByLabel('New password').fill('a second long password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('.account [role=status]')).toHaveText('Your password was changed. Your other sessions were ended.');
  await expect(page.locator('.sessions li')).toHaveCount(1);
  expect(await elsewhere.raw('GET', '/v1/agent/me')).toBe(401);
  await agentSession(email, undefined, 'a second long password');
  await shot(page, 'account');
});
