// The after-hours path end to end with real mail servers (issue 21), in German and Bulgarian:
// the customer leaves a ticket in the widget -> the receipt reaches their mailbox -> the agent
// answers in the console -> the answer reaches their mailbox -> the customer's reply, sent by
// SMTP to the support domain, comes back through Dovecot -> it shows in the agent's console
// within seconds. The servers and a desk of its own come from mailworld.js.
const { test, expect } = require('@playwright/test');
const mailworld = require('./mailworld');
const { PASSWORD } = require('./helpers');

const LANGS = [
  {
    locale: 'de',
    person: 'Ich möchte mit einem Menschen sprechen',
    ticketDone: /Ihre Ticketnummer ist \d+/,
    message: 'Meine Bestellung FH-104233 ist nicht angekommen.',
    receipt: 'Wir haben Ihre Nachricht erhalten – Fernhill Outdoor',
    answer: 'Ihre Bestellung ist unterwegs und kommt morgen.',
    answerSubject: 'Re: Ihre Nachricht – Fernhill Outdoor',
    reply: 'Danke! Bitte liefern Sie an die Packstation.',
  },
  {
    locale: 'bg',
    person: 'Искам да говоря с човек',
    ticketDone: /Номерът на заявката ви е \d+/,
    message: 'Поръчката ми FH-104234 не е пристигнала.',
    receipt: 'Получихме вашето съобщение – Fernhill Outdoor',
    answer: 'Поръчката ви е на път и пристига утре.',
    answerSubject: 'Re: Вашето съобщение – Fernhill Outdoor',
    reply: 'Благодаря! Моля, доставете я до офис на куриера.',
  },
];

let world;
test.beforeAll(async () => {
  world = await mailworld.start();
});
test.afterAll(async () => world?.stop());

/** Waits until the customer's mailbox holds a mail with this subject. */
async function mailWith(subject) {
  let found;
  await expect.poll(() => (found = world.mails().find((m) => m.subject === subject)), { timeout: 30_000 }).toBeTruthy();
  return found;
}

for (const l of LANGS) {
  test(`after hours in ${l.locale}: ticket, receipt, answer from the console, the customer's mailed reply back in the console`, async ({ browser }) => {
    // The customer, in the widget on the desk's help page: nobody is online, so a ticket.
    const customer = await browser.newPage();
    await customer.goto(`${world.url}/help/demo`);
    await customer.locator('.hf-locale select').selectOption(l.locale);
    await expect(customer.locator('.hf-widget')).toHaveAttribute('lang', l.locale);
    await customer.locator('.hf-tab').nth(1).click();
    const box = customer.locator('textarea.hf-textarea');
    await box.fill(l.person);
    await box.press('Enter');
    const form = customer.locator('form.hf-ticket');
    await expect(form).toBeVisible();
    const email = `jana.${l.locale}@example.test`;
    await form.locator('input[name=name]').fill('Jana');
    await form.locator('input[name=email]').fill(email);
    await form.locator('textarea[name=message]').fill(l.message);
    await form.locator('button[type=submit]').click();
    await expect(customer.locator('.hf-msg--system', { hasText: l.ticketDone })).toHaveCount(1);

    // The receipt, in the customer's language, with the address a reply goes to.
    const receipt = await mailWith(l.receipt);
    expect(receipt.to).toBe(email);
    expect(receipt.text).toContain(l.message);
    expect(receipt.reply_to).toMatch(/^reply\+[0-9a-f]{32}@reply\.fernhill\.example$/);

    // Ana answers in the console, then goes online.
    const agent = await browser.newPage();
    await agent.goto(`${world.url}/console/`);
    await agent.getByLabel('Email').fill('ana@fernhill.example');
    await agent.getByLabel('Password').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('button', { name: 'Offline tickets' }).click();
    const card = agent.locator('.ticket', { hasText: email });
    await expect(card).toBeVisible();
    await card.getByLabel('Answer').fill(l.answer);
    await card.getByRole('button', { name: 'Save answer and close' }).click();
    await expect(card).toContainText('Answered by Ana');
    const answer = await mailWith(l.answerSubject);
    expect(answer.text).toContain(l.answer);
    expect(answer.reply_to).toBe(receipt.reply_to);
    await agent.getByRole('button', { name: 'Work' }).click();
    await agent.getByLabel('Status').selectOption('online');

    // The customer replies from their mail program: the quote and signature stay out.
    const raw = [
      `From: Jana <${email}>`, `To: ${answer.reply_to}`, `Subject: ${l.answerSubject}`,
      `Message-ID: <reply-${l.locale}-${Date.now()}@example.test>`, `In-Reply-To: ${answer.message_id}`,
      'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
      l.reply, '', '-- ', 'Jana', '', ...answer.text.split('\n').map((line) => `> ${line}`), '',
    ].join('\r\n');
    const sent = Date.now();
    world.send(answer.reply_to, Buffer.from(raw, 'utf8'));

    // Back with Ana, who answered it: in her console within seconds, without the quote.
    await expect(agent.locator('.messages .msg-customer', { hasText: l.reply })).toBeVisible({ timeout: 15_000 });
    expect(Date.now() - sent).toBeLessThan(15_000);
    await expect(agent.locator('.messages .msg-customer', { hasText: l.answer })).toHaveCount(0);
    await expect(agent.locator('.messages .msg-customer', { hasText: 'Jana' })).toHaveCount(0);
    await agent.getByLabel('Status').selectOption('offline');
    await customer.close();
    await agent.close();
  });
}
