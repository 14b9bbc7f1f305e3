// The console survives a desk crash: this test runs its own desk (the shared one must stay up
// for the other tests), kills it with SIGKILL while an agent has a conversation open, starts it
// again on the same port and data dir, and checks that the console reconnects by itself and
// shows what the customer wrote after the restart, with nothing acknowledged lost.
const { test, expect } = require('@playwright/test');
const os = require('os');
const fs = require('fs');
const path = require('path');

const { BIN, freePort, startDesk } = require('./own-desk');

async function call(base, method, rest, body, token) {
  const res = await fetch(`${base}${rest}`, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${rest}: ${res.status} ${text}`);
  return JSON.parse(text);
}

test('the console reconnects after the desk is killed and restarted, and nothing is lost', async ({ page }) => {
  // `cargo xtask test` builds the desk before this step; a missing binary is a failure, not a skip.
  expect(fs.existsSync(BIN), `no desk binary at ${BIN}`).toBe(true);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-restart-'));
  let desk = await startDesk(port, dataDir);
  try {
    await page.goto(`${base}/console/`);
    await page.getByLabel('Email').fill('ben@fernhill.example');
    await page.getByLabel('Password').fill('fernhill-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Status').selectOption('online');
    await expect(page.locator('.load')).toContainText('Chats 0 of');

    const c = await call(base, 'POST', '/v1/conversations', { site_key: 'demo', locale: 'de', page_url: 'https://shop.example/konto' });
    await call(base, 'POST', `/v1/conversations/${c.conversation_id}/messages`, { client_id: 'r1', text: 'Ich komme nicht in mein Konto.' }, c.token);
    const h = await call(base, 'POST', `/v1/conversations/${c.conversation_id}/handoff`, {
      reason: 'explicit', detail: 'asked for a person', department: 'account', tier: 'agent', priority: 'high', locale: 'de',
      transcript: [{ role: 'customer', text: 'Ich komme nicht in mein Konto.' }], intents: [], slots: {},
    }, c.token);
    expect(h.status).toBe('assigned');
    await expect(page.locator('#conversation-title')).toBeVisible();
    await expect(page.locator('.messages')).toContainText('Ich komme nicht in mein Konto.');

    // kill -9: no graceful shutdown, the stream just breaks.
    desk.kill('SIGKILL');
    await expect(page.getByText('Connection lost, reconnecting')).toBeVisible();
    desk = await startDesk(port, dataDir);

    // Written after the restart: it must reach the console over the re-opened stream.
    await call(base, 'POST', `/v1/conversations/${c.conversation_id}/messages`, { client_id: 'r2', text: 'Hallo? Noch da?' }, c.token);
    await expect(page.locator('.messages')).toContainText('Hallo? Noch da?', { timeout: 45_000 });
    await expect(page.getByText('Connection lost, reconnecting')).toBeHidden();
    // The message before the crash is still there, once.
    await expect(page.locator('.messages .msg-text', { hasText: 'Ich komme nicht in mein Konto.' })).toHaveCount(1);
    await expect(page.locator('.conv-list .conv-item')).toHaveCount(1);
  } finally {
    desk.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
