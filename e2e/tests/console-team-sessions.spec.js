// A manager's view of an agent's sessions (issue 20): on the Team screen, "Sessions" under an
// agent lists where they are signed in, and "End" signs that browser out at once.
// Real Chromium, real desk (playwright.config.js).
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const path = require('path');
const { signIn, audit, agentSession } = require('./helpers');

/** Agents made here, deactivated after each test whatever happened. */
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

test('a manager lists an agent\'s sessions and ends one: that browser is signed out', async ({ page }) => {
  const stamp = String(Date.now() % 1_000_000);
  const email = `pia.${stamp}@fernhill.example`;
  const max = await agentSession('max@fernhill.example');
  const pia = await max.call('POST', '/v1/agent/admin/agents', { email, name: `Pia ${stamp}`, tier: 'agent', departments: ['billing'], password: 'a long first password' });
  made.push(pia.agent.id);
  // Pia is signed in somewhere (a shared computer, say).
  const elsewhere = await agentSession(email, undefined, 'a long first password');
  expect(await elsewhere.raw('GET', '/v1/agent/me')).toBe(200);

  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Team' }).click();
  const toggle = page.getByRole('button', { name: `Sessions of Pia ${stamp}` });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const region = page.getByRole('region', { name: `Sessions of Pia ${stamp}` });
  await expect(region.locator('li')).toHaveCount(1);
  await expect(region.locator('li')).toContainText('signed in');
  expect(await audit(page, AxeBuilder, 'team-sessions')).toEqual([]);
  await shot(page, 'team-sessions');
  await region.getByRole('button', { name: /^End: / }).click();
  await expect(region).toContainText('Not signed in anywhere.');
  expect(await elsewhere.raw('GET', '/v1/agent/me')).toBe(401);
  await toggle.click();
  await expect(region).toBeHidden();
});
