// The agent console under its Content-Security-Policy (issue 14): the desk sends /console/ with
// a strict policy and no framing; the console must still run whole, with not one violation.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./helpers');

test('the console runs under its strict CSP without a violation and refuses framing', async ({ page, request }) => {
  const res = await request.get('/console/');
  const csp = res.headers()['content-security-policy'] || '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  expect(res.headers()['x-frame-options']).toBe('DENY');

  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  page.on('pageerror', (e) => violations.push(String(e)));

  // A supervisor sees every page: work, the overview (bars with style widths) and Insights.
  await signIn(page, 'sam@fernhill.example');
  await page.getByRole('button', { name: 'Supervisor' }).click();
  await expect(page.getByRole('heading', { name: 'Agents' })).toBeVisible();
  await page.getByRole('button', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { name: 'Insights', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Work' }).click();
  await expect(page.locator('.topbar')).toBeVisible();
  expect(violations).toEqual([]);
});
