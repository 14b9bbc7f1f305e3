// Settings without a restart (issue 20): a holiday a manager adds today in the console turns the
// next handoff into an offline ticket, and "Revert to file" opens again at once; a canned
// response a manager edits appears in an agent's console that was already open; the retention
// period is set in days and goes back to the file's. Every test puts the site's settings back to
// the config file afterwards (other specs share the desk).
// Real Chromium, real desk (playwright.config.js).
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const path = require('path');
const { handoff, signIn, audit, clearDesk, agentSession } = require('./helpers');

/** The whole page, or only `part` (a locator) when given. */
const shot = async (page, name, part) => {
  if (process.env.SCREENSHOTS) {
    const file = path.join(__dirname, '..', '..', 'docs', 'screenshots', `console-${name}.png`);
    await (part ? part.screenshot({ path: file }) : page.screenshot({ path: file, fullPage: true }));
  }
};

test.afterEach(async () => {
  const max = await agentSession('max@fernhill.example');
  for (const section of ['hours', 'sla', 'canned', 'retention']) {
    await max.call('DELETE', `/v1/agent/admin/sites/demo/settings/${section}`).catch(() => {});
  }
  await clearDesk();
});

/** The desk's date today in the site's time zone (the form starts from UTC). */
const todayUtc = () => new Date().toISOString().slice(0, 10);

test('a holiday added today makes the next handoff an offline ticket at once; back to the file, chats flow again', async ({ page }) => {
  const { ana, max } = await clearDesk();
  await ana.presence('online', 5);
  // Open around the clock: a handoff finds Ana.
  const before = await handoff({ text: 'Is my parcel on its way?', visitor: `holiday-before-${Date.now()}` });
  expect(before.handoff.status).toBe('assigned');
  await ana.resolve(before.id);

  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const hours = page.locator('section.settings-part', { has: page.getByRole('heading', { name: 'Hours & holidays' }) });
  await expect(hours.locator('.badge')).toHaveText('from the config file');
  await hours.getByLabel('Open around the clock').uncheck();
  // Still the whole day on every weekday until someone edits a day.
  await expect(hours.getByLabel('Time zone (e.g. Europe/Berlin)')).toHaveValue('UTC');
  await expect(hours.getByLabel('Wednesday')).toHaveValue('00:00-24:00');
  await hours.getByLabel('Holiday date').fill(todayUtc());
  await hours.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(hours.locator('.holidays time')).toHaveText([todayUtc()]);
  await expect(hours.getByText('Changes not saved yet.')).toBeVisible();
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await expect(hours.locator('#hours-status')).toHaveText('Saved.');
  await expect(hours.locator('.badge')).toHaveText('changed in the console');
  expect(await audit(page, AxeBuilder, 'settings')).toEqual([]);
  await shot(page, 'settings');

  // The desk agrees, and the next handoff is an offline ticket though Ana is online.
  const settings = await max.get('/v1/agent/admin/sites/demo/settings');
  expect(settings.hours.holidays).toEqual([todayUtc()]);
  const during = await handoff({ text: 'Is my parcel on its way?', visitor: `holiday-during-${Date.now()}` });
  expect(during.handoff.status).toBe('offline');
  expect(during.handoff.offline_reason).toBe('outside_hours');

  // Back to the file: open around the clock again at once.
  await hours.getByRole('button', { name: 'Revert to file: Hours & holidays' }).click();
  await expect(hours.locator('.badge')).toHaveText('from the config file');
  await expect(hours.getByLabel('Open around the clock')).toBeChecked();
  const after = await handoff({ text: 'Is my parcel on its way?', visitor: `holiday-after-${Date.now()}` });
  expect(after.handoff.status).toBe('assigned');
  await ana.resolve(after.id);
});

test('a bad span is refused with the reason, and SLA targets are edited in minutes', async ({ page }) => {
  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Settings' }).click();
  const hours = page.locator('section.settings-part', { has: page.getByRole('heading', { name: 'Hours & holidays' }) });
  await hours.getByLabel('Open around the clock').uncheck();
  await hours.getByLabel('Monday').fill('9-17');
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await expect(hours.locator('#hours-status')).toHaveText('Monday: “9-17” is not a time span like 09:00-17:00.');
  // A time zone the desk does not know: its 422 is shown as it words it.
  await hours.getByLabel('Monday').fill('09:00-17:00');
  await hours.getByLabel('Time zone (e.g. Europe/Berlin)').fill('Mars/Olympus');
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await expect(hours.locator('#hours-status')).toContainText('Mars/Olympus');
  await expect(hours.locator('#hours-status')).toHaveClass(/error/);

  const sla = page.locator('section.settings-part', { has: page.getByRole('heading', { name: 'SLA targets' }) });
  // e2e/desk.toml: urgent 20 s to a first answer (a third of a minute).
  await expect(sla.getByLabel('urgent: First response (minutes)')).toHaveValue('0.33');
  await sla.getByLabel('high: Resolution (minutes)').fill('45');
  await sla.getByRole('button', { name: 'Save SLA targets' }).click();
  await expect(sla.locator('#sla-status')).toHaveText('Saved.');
  const max = await agentSession('max@fernhill.example');
  const targets = (await max.get('/v1/agent/admin/sites/demo/settings')).sla;
  expect(targets.find((t) => t.priority === 'high').resolution_secs).toBe(2700);
  // Unchanged fields keep their seconds exactly.
  expect(targets.find((t) => t.priority === 'urgent').first_response_secs).toBe(20);
});

test('a canned response edited by a manager appears in an agent console that was already open', async ({ page, browser }) => {
  await clearDesk();
  const stamp = String(Date.now() % 1_000_000);
  // Ana is at work before the change.
  const anaPage = await (await browser.newContext()).newPage();
  await signIn(anaPage, 'ana@fernhill.example');
  await anaPage.getByLabel('Status').selectOption('online');
  await expect(anaPage.locator('#presence.presence-online')).toBeVisible();

  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Settings' }).click();
  const canned = page.locator('section.settings-part', { has: page.getByRole('heading', { name: 'Canned responses' }) });
  await canned.locator('#canned-dept').selectOption('orders');
  const greet = canned.locator('form.canned-item[data-key="orders/en/greet"]');
  await greet.getByLabel('Title').fill(`Welcome ${stamp}`);
  await greet.getByLabel('Text').fill(`Hello, I am looking into it right now (${stamp}).`);
  await greet.getByRole('button', { name: /^Save: / }).click();
  await expect(canned.locator('.badge')).toHaveText('changed in the console');
  await expect(canned.locator('form.canned-item[data-key="orders/en/greet"] [role=status]')).toHaveText('Saved.');
  expect(await audit(page, AxeBuilder, 'settings-canned')).toEqual([]);
  await shot(page, 'settings-canned');

  // The next chat goes to Ana; her picker offers the edited response, which inserts its text.
  const c = await handoff({ text: 'Where is my order?', visitor: `canned-${stamp}` });
  expect(c.handoff.status).toBe('assigned');
  await expect(anaPage.locator('#conversation-title')).toBeVisible();
  await expect(anaPage.locator('#canned option', { hasText: `Welcome ${stamp}` })).toHaveCount(1);
  await anaPage.locator('#canned').selectOption({ label: `Welcome ${stamp}` });
  await expect(anaPage.locator('#reply')).toHaveValue(`Hello, I am looking into it right now (${stamp}).`);

  // A new one, added in Settings, reaches her too; then back to the file.
  await canned.getByLabel('Id (lowercase letters, digits, -)').fill(`late-${stamp}`);
  await canned.locator('#new-canned-dept').selectOption('orders');
  await canned.locator('#new-canned-locale').selectOption('en');
  await canned.locator('#new-canned-title').fill(`Late parcel ${stamp}`);
  await canned.locator('#new-canned-text').fill('Parcels run a day late this week.');
  await canned.getByRole('button', { name: 'Add a canned response' }).click();
  await expect(canned.locator('#add-canned-status')).toHaveText('Saved.');
  await expect(canned.locator(`form.canned-item[data-key="orders/en/late-${stamp}"]`)).toBeVisible();
  await canned.getByRole('button', { name: 'Revert to file: Canned responses' }).click();
  await expect(canned.locator('.badge')).toHaveText('from the config file');
  await expect(canned.locator(`form.canned-item[data-key="orders/en/late-${stamp}"]`)).toHaveCount(0);
  await expect(greet.getByLabel('Title')).toHaveValue('Greeting');
});

test('the retention period is set in days, checked in the console, and goes back to the file', async ({ page }) => {
  const max = await agentSession('max@fernhill.example');
  // e2e/desk.toml sets no retention_days: kept until erased.
  const file = await max.get('/v1/agent/admin/sites/demo/settings');
  expect(file.retention_days).toBeNull();
  expect(file.sources.retention).toBe('file');

  await signIn(page, 'max@fernhill.example');
  await page.getByRole('button', { name: 'Settings' }).click();
  // Found by its id: the heading changes with the language below.
  const retention = page.locator('section.settings-part[aria-labelledby="retention-h"]');
  await expect(retention.getByRole('heading', { name: 'Retention period' })).toBeVisible();
  await expect(retention.locator('.badge')).toHaveText('from the config file');
  await expect(retention.getByText('Every ten minutes the desk deletes for good')).toBeVisible();
  const keep = retention.getByLabel('Keep until erased');
  const days = retention.getByLabel('Delete resolved conversations and answered tickets after');
  await expect(keep).toBeChecked();
  await expect(days).toBeDisabled();

  // No period proposed: one must be typed, from 1 to 3650 days.
  await keep.uncheck();
  await expect(days).toBeEnabled();
  await expect(retention.getByText('Changes not saved yet.')).toBeVisible();
  await retention.getByRole('button', { name: 'Save retention period' }).click();
  await expect(retention.locator('#retention-status')).toHaveText('Enter a number of days from 1 to 3650.');
  await expect(retention.locator('#retention-status')).toHaveClass(/error/);
  await days.fill('0');
  await retention.getByRole('button', { name: 'Save retention period' }).click();
  await expect(retention.locator('#retention-status')).toHaveText('Enter a number of days from 1 to 3650.');
  expect((await max.get('/v1/agent/admin/sites/demo/settings')).retention_days).toBeNull();

  await days.fill('30');
  await retention.getByRole('button', { name: 'Save retention period' }).click();
  await expect(retention.locator('#retention-status')).toHaveText('Saved.');
  await expect(retention.locator('.badge')).toHaveText('changed in the console');
  await expect(retention.getByText('Changes not saved yet.')).toHaveCount(0);
  const saved = await max.get('/v1/agent/admin/sites/demo/settings');
  expect(saved.retention_days).toBe(30);
  expect(saved.sources.retention).toBe('console');
  expect(await audit(page, AxeBuilder, 'settings-retention')).toEqual([]);

  // In German, as it is now (afresh: the outcome above stays in the words it was said in).
  await page.locator('#language').selectOption('de');
  await page.reload();
  await page.getByRole('button', { name: 'Einstellungen' }).click();
  await expect(retention.getByRole('heading', { name: 'Aufbewahrungsfrist' })).toBeVisible();
  await expect(retention.locator('.badge')).toHaveText('in der Konsole geändert');
  await expect(retention.getByLabel('Erledigte Gespräche und beantwortete Anfragen nach')).toHaveValue('30');
  await shot(page, 'settings-retention', retention);
  await page.locator('#language').selectOption('en');

  // Back to the file: kept until erased again.
  await retention.getByRole('button', { name: 'Revert to file: Retention period' }).click();
  await expect(retention.locator('#retention-revert-status')).toHaveText('Back to the config file.');
  await expect(retention.locator('.badge')).toHaveText('from the config file');
  await expect(keep).toBeChecked();
  await expect(days).toBeDisabled();
  const back = await max.get('/v1/agent/admin/sites/demo/settings');
  expect(back.retention_days).toBe(file.retention_days);
  expect(back.sources.retention).toBe('file');
});

test('Settings in German and Bulgarian; a supervisor may change only canned responses', async ({ page }) => {
  await signIn(page, 'max@fernhill.example');
  await page.locator('#language').selectOption('de');
  await page.getByRole('button', { name: 'Einstellungen' }).click();
  await expect(page.getByRole('heading', { name: 'Einstellungen', level: 1 })).toBeVisible();
  await page.getByLabel('Rund um die Uhr geöffnet').uncheck();
  expect(await audit(page, AxeBuilder, 'settings-de')).toEqual([]);
  await shot(page, 'settings-de');
  await page.locator('#language').selectOption('bg');
  await expect(page.getByRole('heading', { name: 'Настройки', level: 1 })).toBeVisible();
  await shot(page, 'settings-bg');
  await page.locator('#language').selectOption('en');

  // Sam, a supervisor: hours and SLA are read-only, the canned responses of his departments not.
  const sam = await (await page.context().browser().newContext()).newPage();
  await signIn(sam, 'sam@fernhill.example');
  await sam.getByRole('button', { name: 'Settings' }).click();
  await expect(sam.getByText('Only managers can change this section.').first()).toBeVisible();
  await expect(sam.getByRole('button', { name: 'Save hours' })).toBeDisabled();
  await expect(sam.getByRole('button', { name: 'Save SLA targets' })).toBeDisabled();
  await expect(sam.locator('form.canned-item[data-key="orders/en/greet"]').getByRole('button', { name: /^Save: / })).toBeEnabled();
});
