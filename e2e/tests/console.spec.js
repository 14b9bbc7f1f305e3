// The agent console in real Chromium against a real desk (see playwright.config.js).
// Serial: the tests share one desk and build on each other's state (Ana stays online).
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const { visit, handoff, stream, agentOnline, signIn, audit, clearDesk } = require('./helpers');
const path = require('path');

test.describe.configure({ mode: 'serial' });

const shot = async (page, name) => {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'screenshots', `console-${name}.png`), fullPage: name === 'supervisor' });
  }
};

test('an agent signs in, gets a handoff, reads the context, replies and transfers', async ({ page }) => {
  await page.goto('/console/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await audit(page, AxeBuilder, 'sign-in')).toEqual([]);
  // Six interface languages; the page's lang follows.
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByLabel('Sprache').selectOption('bg');
  await expect(page.getByRole('button', { name: 'Влез' })).toBeVisible();
  await page.getByLabel('Език').selectOption('en');

  await signIn(page, 'ana@fernhill.example');
  await page.getByLabel('Status').selectOption('online');
  await expect(page.locator('.load')).toContainText('Chats 0 of');

  // A customer who visited before asks for a person; their message contains markup.
  await visit('visitor-e2e');
  const c = await handoff({ text: 'where is my order? <b>x</b> <img src=x onerror=alert(1)>' });
  expect(c.handoff.status).toBe('assigned');
  const customer = await stream(c);

  // Assigned to Ana: the conversation opens with its context.
  await expect(page.locator('#conversation-title')).toBeVisible();
  await expect(page.locator('.reason')).toHaveText('asked for a person');
  // One timeline: what the customer said to the bot, the handoff, then the live messages.
  await expect(page.locator('.messages .msg-before.msg-bot')).toContainText('Let me bring in a colleague');
  await expect(page.locator('.messages .phase.handed')).toContainText('Handed to a person: asked for a person');
  await expect(page.locator('.conv-head .language')).toHaveText('English');
  await expect(page.locator('.context')).toContainText('order_number: 12345');
  await expect(page.locator('.context')).toContainText('https://shop.example/orders/12345');
  // Markup is shown literally, never interpreted.
  await expect(page.locator('.messages .msg-customer .msg-text').first()).toHaveText('where is my order? <b>x</b> <img src=x onerror=alert(1)>');
  await expect(page.locator('.messages b, .messages img')).toHaveCount(0);
  await expect(page.locator('.conv-list .conv-item')).toHaveCount(1);
  await expect(page.locator('.history')).toContainText('bot');

  // A canned response, then Enter sends; the reply reaches the customer's stream.
  await page.getByLabel('Canned responses').selectOption({ label: 'Order status' });
  await expect(page.locator('#reply')).toHaveValue(/checking the status/);
  await page.locator('#reply').fill('Hi, I am Ana. Your parcel <i>left</i> our warehouse today.');
  await page.locator('#reply').press('Enter');
  const reply = await customer.until((e) => e.event === 'message' && e.data.message.author === 'agent');
  expect(reply.data.message.text).toBe('Hi, I am Ana. Your parcel <i>left</i> our warehouse today.');
  await expect(page.locator('.messages .msg-agent .msg-text')).toHaveText('Hi, I am Ana. Your parcel <i>left</i> our warehouse today.');

  // The customer answers: the message appears live.
  await c.post('/messages', { client_id: 'c2', text: 'Thanks! And can I pay by invoice?' });
  await expect(page.locator('.messages')).toContainText('Thanks! And can I pay by invoice?');
  // An internal note never reaches the customer.
  await page.locator('.note-box summary').click();
  await page.locator('#note').fill('Asked about invoices: billing question');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.msg-internal')).toContainText('Asked about invoices');

  expect(await audit(page, AxeBuilder, 'conversation')).toEqual([]);
  await shot(page, 'conversation');

  // Transfer to billing (functional escalation): nothing is preselected, so one click moves
  // nothing; it asks first, with a note for the colleague, and then says what it did.
  await expect(page.getByRole('button', { name: 'Transfer…' })).toBeDisabled();
  await page.getByLabel('Department').selectOption('billing');
  await page.getByRole('button', { name: 'Transfer…' }).click();
  await expect(page.locator('.confirm .question')).toHaveText('Transfer this chat to Billing? It leaves your list.');
  await expect(page.locator('#move-note')).toBeFocused();
  expect(await audit(page, AxeBuilder, 'transfer-confirm')).toEqual([]);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.confirm')).toHaveCount(0);
  expect((await c.state()).department).toBe('orders');
  await page.getByRole('button', { name: 'Transfer…' }).click();
  await page.locator('#move-note').fill('Wants to pay by invoice');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await customer.until((e) => e.event === 'transferred');
  await expect(page.locator('.done')).toHaveText('Transferred to Billing.');
  await expect(page.locator('.conv-list .conv-item')).toHaveCount(0, { timeout: 20_000 });
  expect((await c.state()).department).toBe('billing');
  expect(customer.events.some((e) => JSON.stringify(e.data).includes('invoices: billing'))).toBe(false);
  customer.close();
});

test('the queue shows waiting work with priority, wait and SLA; claim with the keyboard', async ({ page }) => {
  // Ben is online but full (capacity 0), so billing work waits in his queue.
  await agentOnline('ben@fernhill.example', 0);
  // Urgent as the bot gives it (the desk bounds priorities by the site's rules): upset about billing.
  await handoff({ department: 'billing', priority: 'urgent', reason: 'frustration', text: 'I was charged twice!', visitor: 'v-2' });
  await handoff({ department: 'billing', priority: 'low', text: 'Do you send paper invoices?', visitor: 'v-3' });
  await handoff({ department: 'technical', priority: 'high', reason: 'frustration', text: 'The app crashes at checkout', visitor: 'v-4' });

  await signIn(page, 'ben@fernhill.example');
  await expect(page.locator('.lists .conv-item')).toHaveCount(4);
  await expect(page.locator('.lists .sla').first()).toBeVisible();
  await expect(page.locator('.lists')).toContainText('Billing · agent');
  // Most urgent first within a queue.
  await expect(page.locator('.lists .conv-list').first().locator('.prio').first()).toHaveText('urgent');
  await expect(page).toHaveTitle(/^\(\d+\) Handoff console/);
  expect(await audit(page, AxeBuilder, 'queue')).toEqual([]);
  await shot(page, 'queue');

  // The network drops: the console says so, reconnects with backoff and reloads the lists.
  await page.context().setOffline(true);
  await page.evaluate(() => fetch('/v1/agent/me').catch(() => null));
  await expect(page.locator('.banner', { hasText: 'reconnecting' })).toBeVisible({ timeout: 30_000 });
  await handoff({ department: 'account', priority: 'normal', text: 'Please delete my account', visitor: 'v-5' });
  await page.context().setOffline(false);
  await expect(page.locator('.banner', { hasText: 'reconnecting' })).toBeHidden({ timeout: 30_000 });
  await expect(page.locator('.lists .conv-item')).toHaveCount(5);

  // Alt+N opens the next conversation; Alt+C claims it (Ben makes room first).
  await page.getByLabel('Capacity').fill('3');
  await page.getByLabel('Capacity').press('Tab');
  await expect(page.locator('.load')).toContainText('of 3');
  await page.getByLabel('Status').selectOption('online');
  // Raising capacity assigns waiting work at once; one of them is open or openable.
  await expect(page.locator('.lists section').first().locator('.conv-item').first()).toBeVisible();
  await page.keyboard.press('Alt+N');
  await expect(page.locator('#conversation-title')).toBeVisible();
});

test('a supervisor sees the escalation after an SLA breach, takes it over and resolves it', async ({ page }) => {
  // Ana gets an urgent chat and does not answer: the first-response SLA breaks, the chat goes
  // up to the supervisor tier.
  // An offline ticket whose receipt cannot be mailed (e2e/desk.toml's [smtp] is a closed port):
  // nobody is online yet (the test before left Ben online for billing).
  await clearDesk();
  const offline = await handoff({ department: 'billing', text: 'Where is my invoice?', visitor: 'v-mail' });
  expect(offline.handoff.status).toBe('offline');
  const filed = await offline.post('/ticket', { name: 'Eva', email: 'eva.mail@example.com', message: 'Please send the invoice again.', transcript: [] });
  expect(filed.id, JSON.stringify(filed)).toBeTruthy();
  await agentOnline('ana@fernhill.example', 3);
  const c = await handoff({ department: 'orders', priority: 'urgent', reason: 'frustration', text: 'My tent arrived torn, I need it for Friday', visitor: 'v-9' });
  expect(c.handoff.status).toBe('assigned');
  const customer = await stream(c);

  await signIn(page, 'sam@fernhill.example');
  await page.getByRole('button', { name: 'Supervisor' }).click();
  await expect(page.getByRole('heading', { name: 'Agents' })).toBeVisible();
  await expect(page.locator('.supervisor')).toContainText('Ana');
  await customer.until((e) => e.event === 'escalated', 60_000);
  const short = `#${c.id.slice(0, 6)}`;
  const row = page.locator('#escalations tr', { hasText: short }).filter({ hasText: 'sla_first_response' });
  await expect(row.first()).toBeVisible({ timeout: 20_000 });
  // Take over before the next tier's clock runs out too.
  await page.locator('#queued tr', { hasText: short }).getByRole('button', { name: 'Take over' }).click();
  await customer.until((e) => e.event === 'agent.joined' && e.data.agent_name === 'Sam');
  await expect(page.locator('#assigned tr', { hasText: short })).toContainText('Sam');
  // The receipt that could not be delivered, with why and when it is tried again.
  const mail = page.locator('#failing-mail tr', { hasText: 'eva.mail@example.com' });
  await expect(mail).toContainText('retrying at');
  await expect(mail).toContainText('receipt');
  expect((await mail.locator('td.why').textContent()).length).toBeGreaterThan(5);
  expect(await audit(page, AxeBuilder, 'supervisor')).toEqual([]);
  await shot(page, 'supervisor');

  // Open, reply and resolve.
  await page.getByRole('button', { name: 'Work' }).click();
  await page.locator('.lists section').first().locator('.conv-item', { hasText: short }).click();
  await expect(page.locator('.context')).toContainText('sla_first_response');
  await page.locator('#reply').fill('I am Sam, the team supervisor. A replacement tent ships today.');
  await page.locator('#reply').press('Enter');
  await customer.until((e) => e.event === 'message' && e.data.message.author === 'agent');
  await page.getByRole('button', { name: 'Resolve' }).click();
  await customer.until((e) => e.event === 'resolved');
  // A confirmation, not an empty action bar.
  await expect(page.locator('.done')).toHaveText('Resolved.');
  await expect(page.locator('.actions')).toHaveCount(0);
  expect((await c.state()).status).toBe('resolved');
  customer.close();
});
