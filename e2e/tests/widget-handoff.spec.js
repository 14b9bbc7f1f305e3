// The customer widget's handoff to a live agent (issue 5) in real Chromium against a real desk:
// the demo shop page the desk serves at / (pkg/index.html), the widget talking to the desk
// same-origin, and the agent's side over the agent API with a real session. Every test starts
// from a clean desk (clearDesk: all demo agents offline, nothing assigned, nothing waiting), so
// the order of tests and of spec files does not matter.
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const os = require('os');
const fs = require('fs');
const path = require('path');
const { agentSession, clearDesk, audit, signIn } = require('./helpers');

test.use({ viewport: { width: 1000, height: 800 } });

const ROOT = path.join(__dirname, '..', '..');

const shot = async (page, name) => {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshots', `widget-handoff-${name}.png`) });
  }
};

/** Browser console errors and page errors, printed when a test fails. */
function watchConsole(page) {
  const lines = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') lines.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && testInfo.consoleLines?.length) {
    console.log(`browser console of "${testInfo.title}":\n${testInfo.consoleLines.join('\n')}`);
  }
});

const log = (page) => page.locator('.hf-log');
const status = (page) => page.locator('.hf-handoff .hf-status').first();
const system = (page, text) => page.locator('.hf-log .hf-msg--system', { hasText: text });

/** Opens the demo shop page, the widget and its chat, in `locale`. */
async function openChat(page, locale = 'en', base = '') {
  await page.goto(`${base}/`);
  await page.locator('.hf-launcher').click();
  if (locale !== 'en') {
    await page.locator('.hf-locale select').selectOption(locale);
    await expect(page.locator('.hf-widget')).toHaveAttribute('lang', locale);
  }
  await page.locator('.hf-tab').nth(1).click();
  await expect(page.locator('textarea.hf-textarea')).toBeVisible();
}

async function say(page, text) {
  const box = page.locator('textarea.hf-textarea');
  await box.fill(text);
  await box.press('Enter');
  await expect(page.locator('.hf-msg--customer', { hasText: text }).last()).toBeVisible();
}

/** The texts of every line in the chat log, in order. */
const lines = (page) => page.locator('.hf-log > .hf-msg').evaluateAll((els) => els.map((e) => e.textContent.trim()));

/** No line of the log appears twice (system lines like "I'm back" can legitimately repeat, so only messages). */
async function expectNoDuplicates(page) {
  const texts = await page.locator('.hf-log > .hf-msg--customer, .hf-log > .hf-msg--agent').evaluateAll((els) => els.map((e) => e.textContent.trim()));
  expect(texts.length, 'messages in the log').toBeGreaterThan(0);
  expect(texts.filter((t, i) => texts.indexOf(t) !== i), `duplicated lines in ${JSON.stringify(texts)}`).toEqual([]);
}

/** How often the desk stored a customer message with exactly this text. */
async function customerCopies(agent, id, text) {
  const d = await agent.detail(id);
  return d.messages.filter((m) => m.author === 'customer' && m.text === text).length;
}

/** The one conversation assigned to (or, with `queue`, waiting for) this agent. */
async function onlyConversation(agent, { queue = false } = {}) {
  let list = [];
  await expect.poll(async () => (list = await agent.get(queue ? '/v1/agent/queue' : '/v1/agent/conversations')).length).toBe(1);
  return list[0].conversation_id;
}

test('a normal load of the shop page and the widget prints nothing in the browser console', async ({ page }) => {
  const lines = watchConsole(page);
  await openChat(page);
  await say(page, 'Where is my order?');
  await expect(page.locator('.hf-msg--bot').last()).not.toHaveText(/^$/);
  expect(lines).toEqual([]);
});

test('German: queued, an agent joins and replies live (as text), the customer answers once', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  // Ana is the only orders agent online and she is full: the handoff waits in the queue.
  await ana.presence('online', 0);

  await openChat(page, 'de');
  await say(page, 'Wo ist meine Bestellung?');
  await expect(page.locator('.hf-msg--bot').last()).not.toHaveText(/^$/);
  await say(page, 'Ich möchte mit einem Menschen sprechen');
  await expect(status(page)).toContainText('Wir suchen jemanden aus dem Bereich Bestellungen');
  await expect(status(page)).toContainText('Sie sind Nummer 1 in der Warteschlange.');
  await expect(status(page)).toContainText(/Geschätzte Wartezeit: etwa \d+ Min\./);
  await expect(page.locator('.hf-cancel')).toHaveText('Nicht mehr warten');
  await shot(page, 'queued');

  const id = await onlyConversation(ana, { queue: true });
  // Ana makes room: the waiting conversation is hers at once.
  await ana.presence('online', 1);
  await expect(system(page, 'Ana (Bestellungen) ist jetzt im Chat.')).toHaveCount(1);
  await expect(page.locator('.hf-cancel')).toBeHidden();

  const reply = 'Hallo, hier ist Ana. Ihr Paket ist <b>x</b> unterwegs.';
  await ana.reply(id, reply);
  const agentMsg = page.locator('.hf-msg--agent', { hasText: 'hier ist Ana' });
  await expect(agentMsg).toHaveCount(1);
  await expect(agentMsg.locator('.hf-author')).toContainText('Ana');
  await expect(agentMsg).toContainText(reply);
  await expect(log(page).locator('b')).toHaveCount(0);

  const answer = 'Danke! Die Bestellnummer ist FH-123456.';
  await say(page, answer);
  await expect(page.locator('.hf-msg--customer', { hasText: answer }).locator('.hf-pending')).toBeHidden();
  await expect.poll(() => customerCopies(ana, id, answer)).toBe(1);
  // Nothing arrives twice, also a moment later.
  await page.waitForTimeout(500);
  expect(await customerCopies(ana, id, answer)).toBe(1);
  await expectNoDuplicates(page);

  await shot(page, 'joined');
});

test('a reload keeps the conversation and the stream resumes; a message sent while away shows on return', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 1);

  await openChat(page);
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  await expect(status(page)).toContainText('You are chatting with Ana (Orders).');
  const id = await onlyConversation(ana);
  await ana.reply(id, 'Hi, this is Ana. Let me look.');
  await expect(page.locator('.hf-msg--agent', { hasText: 'Let me look.' })).toHaveCount(1);
  await say(page, 'It is order FH-123456.');
  await expect(page.locator('.hf-pending:visible')).toHaveCount(0);
  const before = await lines(page);

  await page.reload();
  await page.locator('.hf-launcher').click();
  await page.locator('.hf-tab').nth(1).click().catch(() => {});
  await expect(page.locator('.hf-msg--agent', { hasText: 'Let me look.' })).toBeVisible();
  await expect(status(page)).toContainText('You are chatting with Ana (Orders).');
  expect(await lines(page)).toEqual(before);

  // Live after the reload.
  await ana.reply(id, 'Found it: it ships today.');
  await expect(page.locator('.hf-msg--agent', { hasText: 'Found it: it ships today.' })).toHaveCount(1);
  expect(await lines(page)).toHaveLength(before.length + 1);

  // Away (another page in the same tab), the agent writes; back, it is there.
  await page.goto('about:blank');
  await ana.reply(id, 'Tracking number: 00340434.');
  await page.goto('/');
  await page.locator('.hf-launcher').click();
  await page.locator('.hf-tab').nth(1).click().catch(() => {});
  await expect(page.locator('.hf-msg--agent', { hasText: 'Tracking number: 00340434.' })).toHaveCount(1);
  await expect(page.locator('.hf-msg--agent')).toHaveCount(3);
  await expect(page.locator('.hf-msg--customer', { hasText: 'It is order FH-123456.' })).toHaveCount(1);
  await expectNoDuplicates(page);
  expect(await customerCopies(ana, id, 'It is order FH-123456.')).toBe(1);
});

// ---- The desk restarted mid-conversation (its own desk, like console-restart.spec.js) ----

const { BIN, freePort, startDesk, ownDesk } = require('./own-desk');

// The whole journey in one browser: the customer in the widget, the agent in the console, the
// desk restarted mid-conversation. On its own desk by default; `cargo xtask e2e --nginx-postgres`
// runs only this test (--grep "journey:") through nginx in front of two desks on PostgreSQL,
// where the restart is each instance in turn SIGKILLed and started again, so that the one
// holding the widget's or the console's stream certainly goes, while the other carries on.
test('journey: widget handoff, the agent replies in the console, the desk restarts, nothing lost or doubled', async ({ page, context }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const desk = await ownDesk('handoff-journey-');
  const base = desk.base;
  let agent;
  try {
    await clearDesk(base);
    // The agent's console, in a second tab.
    agent = await context.newPage();
    agent.on('pageerror', (e) => testInfo.consoleLines.push(`console pageerror: ${e.message}`));
    await agent.goto(`${base}/console/`);
    await agent.getByLabel('Email').fill('ana@fernhill.example');
    await agent.getByLabel('Password').fill('fernhill-demo');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByLabel('Status').selectOption('online');
    await expect(agent.locator('.load')).toContainText('Chats 0 of');

    // The customer asks the widget's bot for a person; Ana gets the chat in her console.
    await openChat(page, 'en', base);
    await say(page, 'Where is my order?');
    await say(page, 'I want to talk to a person');
    await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
    await expect(agent.locator('#conversation-title')).toBeVisible();
    // What the customer told the bot comes along as the handoff's transcript.
    await expect(agent.locator('.messages .msg-before.msg-customer')).toContainText(['I want to talk to a person']);
    await expect(agent.locator('.conv-list .conv-item')).toHaveCount(1);

    // Ana replies in the console; the widget shows it live.
    const reply = async (text) => {
      await agent.locator('#reply').fill(text);
      await agent.locator('#reply').press('Enter');
      await expect(page.locator('.hf-msg--agent', { hasText: text })).toHaveCount(1, { timeout: 45_000 });
    };
    // The customer writes in the widget; the console shows it live, once.
    const customerSays = async (text) => {
      await say(page, text);
      await expect(page.locator('.hf-msg--customer', { hasText: text }).locator('.hf-pending')).toBeHidden({ timeout: 45_000 });
      await expect(agent.locator('.messages .msg-customer .msg-text', { hasText: text })).toHaveCount(1, { timeout: 45_000 });
    };
    await reply('Hi, Ana here. Let me look at your order.');
    await customerSays('It is order FH-123456.');
    const before = await lines(page);

    // The restart: kill -9, no graceful shutdown; the streams just break.
    for (let i = 0; i < desk.instances; i++) {
      await desk.kill(i);
      const whileDown = `Still there? (${i + 1})`;
      if (desk.cluster) {
        // The other instance serves on through nginx: no outage to wait out.
        await customerSays(whileDown);
        await reply(`Yes, still here (${i + 1}).`);
        await desk.start(i);
        // As an operator restarting one instance after another would: nginx (max_fails=1
        // fail_timeout=5s in docs/nginx-desk.conf) sends nothing to the restarted instance for
        // 5 s; killing the next one sooner leaves no live upstream for that long (502s).
        if (i + 1 < desk.instances) await page.waitForTimeout(5_500);
      } else {
        await expect(page.locator('.hf-reconnecting')).toBeVisible({ timeout: 30_000 });
        await expect(agent.getByText('Connection lost, reconnecting')).toBeVisible();
        await say(page, whileDown);
        await expect(page.locator('.hf-msg--customer', { hasText: whileDown }).locator('.hf-pending')).toHaveText('Not sent yet');
        await desk.start(i);
        await expect(page.locator('.hf-reconnecting')).toBeHidden({ timeout: 45_000 });
        await expect(page.locator('.hf-msg--customer', { hasText: whileDown }).locator('.hf-pending')).toBeHidden({ timeout: 45_000 });
        await expect(agent.locator('.messages .msg-customer .msg-text', { hasText: whileDown })).toHaveCount(1, { timeout: 45_000 });
        await expect(agent.getByText('Connection lost, reconnecting')).toBeHidden({ timeout: 45_000 });
        await reply(`Yes, still here (${i + 1}).`);
      }
    }
    // After the restart, both ways once more.
    await customerSays('Great, when does it arrive?');
    await reply('Tomorrow before noon.');

    // Nothing lost, nothing doubled, in order, on both sides.
    await page.waitForTimeout(500);
    await expectNoDuplicates(page);
    await expect(system(page, 'joined the chat')).toHaveCount(1);
    const after = await lines(page);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBe(before.length + 2 * desk.instances + 2);
    // The messages after the handoff (the bot's part of the timeline comes before them).
    const consoleTexts = await agent.locator('.messages .msg:not(.msg-before) .msg-text').evaluateAll((els) => els.map((e) => e.textContent.trim()));
    expect(consoleTexts.filter((t, i) => consoleTexts.indexOf(t) !== i), `duplicates in the console: ${JSON.stringify(consoleTexts)}`).toEqual([]);
    const expected = ['Hi, Ana here. Let me look at your order.', 'It is order FH-123456.'];
    for (let i = 0; i < desk.instances; i++) expected.push(`Still there? (${i + 1})`, `Yes, still here (${i + 1}).`);
    expected.push('Great, when does it arrive?', 'Tomorrow before noon.');
    expect(consoleTexts.slice(-expected.length)).toEqual(expected);
    await expect(agent.locator('.conv-list .conv-item')).toHaveCount(1);
    // And the desk stored each customer message once.
    const ana = await agentSession('ana@fernhill.example', base);
    const id = (await ana.get('/v1/agent/conversations'))[0].conversation_id;
    for (const text of ['It is order FH-123456.', 'Still there? (1)', 'Great, when does it arrive?']) {
      expect(await customerCopies(ana, id, text), text).toBe(1);
    }
    await agent.close();
  } catch (e) {
    // Playwright's own failure screenshot shows the widget's tab; this one the console's.
    if (agent && !agent.isClosed()) await agent.screenshot({ path: testInfo.outputPath('console-tab.png') }).catch(() => {});
    throw e;
  } finally {
    await desk.close();
  }
});

test('the desk is killed and restarted: the widget reconnects, the pending message is delivered once, nothing lost', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  expect(fs.existsSync(BIN), `no desk binary at ${BIN}`).toBe(true);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-widget-restart-'));
  let desk = await startDesk(port, dataDir);
  try {
    const ana = await agentSession('ana@fernhill.example', base);
    await ana.presence('online', 2);
    await openChat(page, 'en', base);
    await say(page, 'I want to talk to a person');
    await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
    const id = await onlyConversation(ana);
    await ana.reply(id, 'Hi, Ana here. How can I help?');
    await expect(page.locator('.hf-msg--agent', { hasText: 'Ana here' })).toHaveCount(1);
    await say(page, 'My parcel is late.');
    await expect(page.locator('.hf-pending:visible')).toHaveCount(0);
    const before = await lines(page);

    // kill -9: no graceful shutdown, the stream just breaks.
    desk.kill('SIGKILL');
    await expect(page.locator('.hf-reconnecting')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.hf-reconnecting')).toHaveText('Connection lost. Reconnecting…');
    const offline = 'Are you still there?';
    await say(page, offline);
    const pending = page.locator('.hf-msg--customer', { hasText: offline }).locator('.hf-pending');
    await expect(pending).toBeVisible();
    await expect(pending).toHaveText('Not sent yet');
    await shot(page, 'reconnecting');

    desk = await startDesk(port, dataDir);
    await expect(page.locator('.hf-reconnecting')).toBeHidden({ timeout: 45_000 });
    await expect(pending).toBeHidden({ timeout: 45_000 });
    await expect.poll(() => customerCopies(ana, id, offline), { timeout: 30_000 }).toBe(1);

    // The agent's messages resume.
    await ana.reply(id, 'Yes, still here: your parcel arrives tomorrow.');
    await expect(page.locator('.hf-msg--agent', { hasText: 'arrives tomorrow' })).toHaveCount(1);
    await page.waitForTimeout(500);
    expect(await customerCopies(ana, id, offline)).toBe(1);
    expect(await customerCopies(ana, id, 'My parcel is late.')).toBe(1);
    await expect(page.locator('.hf-msg--customer', { hasText: offline })).toHaveCount(1);
    await expect(page.locator('.hf-msg--agent')).toHaveCount(2);
    await expect(system(page, 'joined the chat')).toHaveCount(1);
    await expectNoDuplicates(page);
    // Everything from before the crash is still there, in order, followed by what came after.
    const after = await lines(page);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBe(before.length + 2);
  } finally {
    desk.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('SLA: an urgent chat the agent does not answer is passed on to the next tier in time', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 3);

  await openChat(page);
  // A damaged delivery is high priority; an upset customer moves it up to urgent (returns).
  await say(page, 'My tent arrived damaged');
  await expect(page.locator('.hf-msg--bot', { hasText: 'order number' })).toBeVisible();
  await say(page, 'THIS IS PATHETIC!!! I NEED IT NOW');
  await expect(system(page, 'Ana (Returns & refunds) joined the chat.')).toHaveCount(1);
  const joined = Date.now();
  const id = await onlyConversation(ana);
  expect((await ana.detail(id)).summary.priority).toBe('urgent');

  // desk.toml: urgent first response 20 s, sweep 250 ms (plus a little for the stream).
  await expect(system(page, 'Your request was passed on to a more senior colleague.')).toHaveCount(1, { timeout: 20_000 + 250 + 5_000 });
  expect(Date.now() - joined).toBeLessThan(20_000 + 250 + 5_000);
  await expect(status(page)).toBeVisible();
  await expect(status(page)).not.toContainText('You are chatting with Ana');
});

test('offline: nobody online, the customer leaves a ticket; the agent sees it with the transcript', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();

  await openChat(page);
  await say(page, 'Where is my order?');
  await say(page, 'I want to talk to a person');
  const form = page.locator('form.hf-ticket');
  await expect(form).toBeVisible();
  await expect(status(page)).toContainText('Leave us a message');
  // One calm line per step: the reason, then where it stands; no promise that "anything you
  // write is kept" above "nobody is available", no internal tier name.
  await expect(page.locator('.hf-msg--system').last()).toHaveText(/You asked to talk to a person\.$/);
  await expect(page.locator('.hf-chat')).not.toContainText('kept for them');
  await expect(page.locator('.hf-chat')).not.toContainText('Support agent');
  await shot(page, 'offline');

  await form.locator('input[name=name]').fill('Jana Nováková');
  await form.locator('input[name=email]').fill('jana@example.cz');
  await form.locator('textarea[name=message]').fill('Please call me back about order FH-123456.');
  await form.locator('button[type=submit]').click();
  const done = system(page, /ticket number is \d+/);
  await expect(done).toHaveCount(1);
  const number = Number((await done.textContent()).match(/ticket number is (\d+)/)[1]);
  await expect(form).toBeHidden();
  await expect(page.locator('.hf-msg--bot', { hasText: "I'm back. How can I help?" })).toBeVisible();

  const ticket = (await ana.get('/v1/agent/tickets')).find((t) => t.id === number);
  expect(ticket, `ticket ${number} in GET /v1/agent/tickets`).toBeTruthy();
  expect(ticket.name).toBe('Jana Nováková');
  expect(ticket.email).toBe('jana@example.cz');
  expect(ticket.message).toBe('Please call me back about order FH-123456.');
  expect(ticket.status).toBe('open');
  const transcript = ticket.transcript.map((l) => `${l.role}: ${l.text}`);
  expect(transcript).toContain('customer: Where is my order?');
  expect(transcript).toContain('customer: I want to talk to a person');
  expect(ticket.transcript.some((l) => l.role === 'bot')).toBe(true);
});

test('rating: the agent resolves, the customer rates 4 with a comment, the desk stores it, the bot is back', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 1);

  await openChat(page);
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  const id = await onlyConversation(ana);
  await ana.reply(id, 'Your order ships today.');
  await expect(page.locator('.hf-msg--agent', { hasText: 'ships today' })).toHaveCount(1);
  await ana.resolve(id);

  const form = page.locator('form.hf-rating');
  await expect(form).toBeVisible();
  await expect(page.locator('textarea.hf-textarea')).toBeVisible();
  await shot(page, 'rating');
  // This shop page is not the desk's own (pkg/index.html): no `data-mail`, no offer of a copy.
  await expect(form.getByLabel('E-mail me a copy of this chat (optional)')).toBeHidden();
  await form.locator('label.hf-star').nth(3).click();
  await expect(form.locator('input[name=score][value="4"]')).toBeChecked();
  await form.locator('textarea[name=comment]').fill('Quick and friendly.');
  await form.locator('button[type=submit]').click();
  await expect(system(page, 'Thank you for your feedback.')).toHaveCount(1);
  await expect(form).toBeHidden();
  await expect(page.locator('.hf-msg--bot', { hasText: "I'm back. How can I help?" })).toBeVisible();

  await expect.poll(async () => (await ana.detail(id)).audit.filter((a) => a.kind === 'rating').map((a) => a.reason)).toEqual(['4']);
});

test('a copy by e-mail: offered on the desk\'s page, the address checked as the desk checks it, queued for the customer', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana, sam } = await clearDesk();
  await ana.presence('online', 1);
  await page.goto('/help/demo');
  await page.locator('.hf-tab').nth(1).click();
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  const id = await onlyConversation(ana);
  await ana.reply(id, 'Your order ships today.');
  await ana.resolve(id);

  const form = page.locator('form.hf-rating');
  const copy = form.getByLabel('E-mail me a copy of this chat (optional)');
  await expect(copy).toBeVisible();
  await expect(copy).toHaveAttribute('autocomplete', 'email');
  // No dot in the domain: the browser holds the form back, as the desk would refuse it.
  await copy.fill('jana@example');
  await form.locator('button[type=submit]').click();
  await expect(form).toBeVisible();
  expect(await copy.evaluate((i) => i.validity.valid)).toBe(false);
  // The copy alone, without stars.
  await copy.fill('jana.copy@example.com');
  await shot(page, 'copy');
  await form.locator('button[type=submit]').click();
  await expect(system(page, 'A copy of this chat is on its way to jana.copy@example.com.')).toHaveCount(1);
  await expect(system(page, 'Thank you for your feedback.')).toHaveCount(0);
  await expect(form).toBeHidden();
  // e2e/desk.toml's SMTP server is a closed port: the queued copy is listed as failing mail.
  await expect.poll(async () => (await sam.get('/v1/agent/supervisor/mail'))
    .filter((m) => m.kind === 'transcript' && m.conversation_id === id).map((m) => m.to)).toEqual(['jana.copy@example.com']);
  expect((await ana.detail(id)).audit.filter((a) => a.kind === 'rating')).toHaveLength(0);
});

test('typing both ways: the agent\'s typing shows in the widget, the customer\'s in the console, and both go away', async ({ page, context }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  await clearDesk();
  const desk = await context.newPage();
  await signIn(desk, 'ana@fernhill.example');
  await desk.getByLabel('Status').selectOption('online');

  await openChat(page);
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  await expect(desk.locator('#conversation-title')).toBeVisible();

  // The agent types: the widget says so (the event has no id and must not be taken for one
  // already seen), and the reply replaces it.
  const typing = page.locator('.hf-typing');
  await expect(typing).toBeHidden();
  await desk.locator('#reply').pressSequentially('Let me check that', { delay: 30 });
  await expect(typing).toBeVisible();
  await shot(page, 'agent-typing');
  await desk.locator('#reply').press('Enter');
  await expect(page.locator('.hf-msg--agent', { hasText: 'Let me check that' })).toHaveCount(1);
  await expect(typing).toBeHidden();

  // The customer types: the console says so, and stops saying it once they pause.
  const customerTyping = desk.locator('.typing');
  await expect(customerTyping).toHaveCount(0);
  await page.locator('textarea.hf-textarea').pressSequentially('My order number is', { delay: 30 });
  await expect(customerTyping).toHaveText('The customer is typing…');
  await shot(desk, 'console-customer-typing');
  await expect(customerTyping).toHaveCount(0, { timeout: 15_000 });
  // Typing again and sending: the message arrives and nothing says "typing" after it.
  await page.locator('textarea.hf-textarea').pressSequentially(' 12345', { delay: 30 });
  await expect(customerTyping).toHaveText('The customer is typing…');
  await page.locator('textarea.hf-textarea').press('Enter');
  await expect(desk.locator('.messages')).toContainText('My order number is 12345');
  await expect(customerTyping).toHaveCount(0);
});

test('cancel: "Stop waiting" while queued goes back to the bot and leaves the queue', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 0);

  await openChat(page);
  await say(page, 'I want to talk to a person');
  await expect(status(page)).toContainText('You are number 1 in the queue.');
  await expect(status(page)).toContainText('Finding a person from Orders');
  // Only while it waits in the queue is the promise true.
  await expect(status(page)).toContainText('Anything you write now is kept for them.');
  const id = await onlyConversation(ana, { queue: true });

  await page.locator('.hf-cancel').click();
  await expect(page.locator('.hf-handoff')).toBeHidden();
  await expect(page.locator('.hf-msg--bot', { hasText: "I'm back. How can I help?" })).toBeVisible();
  await expect.poll(async () => (await ana.get('/v1/agent/queue')).map((c) => c.conversation_id)).not.toContain(id);
  expect((await ana.detail(id)).summary.status).toBe('bot');
  // The bot answers again.
  await say(page, 'How much is shipping?');
  await expect(page.locator('.hf-msg--bot').last()).toContainText(/shipping|EUR/i);
});

// axe-core (WCAG 2.1 A/AA, serious and critical, as the console's specs) in every handoff state.
async function auditState(page, state, found) {
  const bad = await audit(page, AxeBuilder, `widget ${state}`);
  for (const v of bad) found.push(`${state}: ${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Once found by this test: axe's scrollable-region-focusable (WCAG 2.1.1) on the scrolling log
// (now focusable) and on a squeezed handoff area (now never squeezed).
test('axe: no accessibility violations while queued, with an agent, offline and rating', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const found = [];
  const { ana } = await clearDesk();
  await ana.presence('online', 0);

  await openChat(page);
  await say(page, 'Where is my order?');
  await say(page, 'I want to talk to a person');
  await expect(status(page)).toContainText('You are number 1 in the queue.');
  await auditState(page, 'queued', found);

  const id = await onlyConversation(ana, { queue: true });
  await ana.presence('online', 1);
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  await ana.reply(id, 'Hi, Ana here.');
  await expect(page.locator('.hf-msg--agent')).toHaveCount(1);
  await auditState(page, 'joined', found);

  await ana.resolve(id);
  await expect(page.locator('form.hf-rating')).toBeVisible();
  await auditState(page, 'rating', found);
  await page.locator('form.hf-rating').getByRole('button', { name: 'Skip' }).click();
  await expect(page.locator('form.hf-rating')).toBeHidden();

  await ana.presence('offline');
  await say(page, 'I want to talk to a person');
  await expect(page.locator('form.hf-ticket')).toBeVisible();
  await auditState(page, 'offline', found);

  expect(found).toEqual([]);
});

// Once found by this test: the handoff area shrank with the log, clipping the queue line and
// hiding "Stop waiting" and the forms' buttons; now the log gives way instead.
test('the handoff area shows its status and controls without scrolling', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 0);
  await openChat(page);
  await say(page, 'Where is my order?');
  await say(page, 'I want to talk to a person');
  await expect(status(page)).toContainText('You are number 1 in the queue.');
  await expect(status(page)).toBeInViewport({ ratio: 1 });
  await expect(page.locator('.hf-cancel')).toBeInViewport({ ratio: 1 });

  const id = await onlyConversation(ana, { queue: true });
  await ana.presence('online', 1);
  await ana.reply(id, 'Hi, Ana here.');
  await expect(page.locator('.hf-msg--agent')).toHaveCount(1);
  await ana.resolve(id);
  const rating = page.locator('form.hf-rating');
  await expect(rating).toBeVisible();
  await expect(rating.locator('button[type=submit]')).toBeInViewport({ ratio: 1 });
  await rating.getByRole('button', { name: 'Skip' }).click();

  await ana.presence('offline');
  await say(page, 'I want to talk to a person');
  const form = page.locator('form.hf-ticket');
  await expect(form).toBeVisible();
  await expect(form.locator('button[type=submit]')).toBeInViewport({ ratio: 1 });
});

test('hand-back: the agent gives the conversation back to the bot, which answers again', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 1);
  await openChat(page);
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1);
  const id = await onlyConversation(ana);
  await ana.reply(id, 'Your order is in the warehouse; the assistant can tell you about delivery times.');
  await expect(page.locator('.hf-msg--agent')).toHaveCount(1);

  await ana.call('POST', `/v1/agent/conversations/${id}/handback`, { note: 'delivery times are in the FAQ' });
  await expect(system(page, 'Our team handed the conversation back to the assistant.')).toHaveCount(1);
  await expect(page.locator('.hf-msg--bot', { hasText: "I'm back. How can I help?" })).toBeVisible();
  await expect(page.locator('.hf-handoff')).toBeHidden();
  // The bot, not the desk, answers the next message.
  await say(page, 'How much is shipping?');
  await expect(page.locator('.hf-msg--bot').last()).toContainText(/shipping|EUR/i);
  expect(await customerCopies(ana, id, 'How much is shipping?')).toBe(0);
});

test('desk unreachable at the handoff: the ticket form shows at once, and the handoff goes through when the desk answers again', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 1);
  await openChat(page);
  // The network to the desk's API fails (as when the desk is down or the customer offline).
  await page.route('**/v1/**', (route) => route.abort('connectionrefused'));
  await say(page, 'I want to talk to a person');
  await expect(status(page)).toContainText('We cannot reach our team right now. We keep trying.');
  await expect(page.locator('.hf-reconnecting')).toBeVisible();
  await expect(page.locator('form.hf-ticket')).toBeVisible();
  expect(await audit(page, AxeBuilder, 'widget unreachable')).toEqual([]);
  // The network is back: the widget's retries reach the desk and Ana takes the chat.
  await page.unroute('**/v1/**');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.locator('.hf-reconnecting')).toBeHidden();
  await expect(page.locator('form.hf-ticket')).toBeHidden();
  const id = await onlyConversation(ana);
  await say(page, 'Thanks for getting back to me.');
  await expect.poll(() => customerCopies(ana, id, 'Thanks for getting back to me.')).toBe(1);
});

test('the answer to the start is lost: the retry gets the same conversation, no orphan (client_key)', async ({ page }, testInfo) => {
  testInfo.consoleLines = watchConsole(page);
  const { ana } = await clearDesk();
  await ana.presence('online', 1);
  await openChat(page);
  // The desk starts the conversation, but its answer never reaches the widget.
  const started = [];
  await page.route('**/v1/conversations', async (route) => {
    const body = route.request().postDataJSON();
    const answer = await route.fetch();
    started.push({ key: body.client_key, id: (await answer.json()).conversation_id });
    await route.abort('connectionreset');
  }, { times: 1 });
  await say(page, 'I want to talk to a person');
  await expect(system(page, 'Ana (Orders) joined the chat.')).toHaveCount(1, { timeout: 30_000 });
  expect(started).toHaveLength(1);
  expect(started[0].key, 'the widget sends a random start key').toMatch(/^[0-9a-f-]{36}$/);
  // The retry with the same key answered with the conversation the lost start made.
  expect(await onlyConversation(ana)).toBe(started[0].id);
});
