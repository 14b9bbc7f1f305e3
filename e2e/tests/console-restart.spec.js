// The console survives a desk crash: this test runs its own desk (the shared one must stay up
// for the other tests), kills it with SIGKILL while an agent has a conversation open, starts it
// again on the same port and data dir, and checks that the console reconnects by itself and
// shows what the customer wrote after the restart, with nothing acknowledged lost.
const { test, expect } = require('@playwright/test');
const { spawn } = require('child_process');
const net = require('net');
const os = require('os');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const BIN = path.join(TARGET, 'debug', 'handoff-desk');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts the desk and resolves once it prints its address. */
function startDesk(port, dataDir) {
  const child = spawn(BIN, ['serve', '--config', 'e2e/desk.toml', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--static', path.join(ROOT, 'pkg'), '--seed-demo'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the desk did not start in 30 s')), 30_000);
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('listening on')) { clearTimeout(timer); resolve(child); }
    });
    child.on('exit', (code) => reject(new Error(`the desk exited with ${code}`)));
  });
}

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
