// `cargo xtask bench embed`: what a customer pays on a site that embeds Handoff, measured in real
// Chromium on loopback against a real desk (DESK_URL): the loader's bytes on page load, then the
// bytes and the time from a click on the launcher to an interactive widget (its language picker
// usable inside the frame). Every run is a fresh browser context (cold cache). Prints a table.
// The host page is on 127.0.0.1:18181, an allowed origin of e2e/desk.toml.
const { chromium } = require('playwright-core');
const http = require('http');

const DESK = process.env.DESK_URL;
const RUNS = Number(process.env.EMBED_RUNS || 7);
const PORT = 18181;
if (!DESK) throw new Error('DESK_URL is not set (cargo xtask bench embed starts a desk)');

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script async src="${DESK}/embed.js" data-site="demo"></script></head>
<body><h1>Shop</h1><p>A host page with only the snippet.</p></body></html>`;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

(async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.url === '/' ? page : '');
  });
  await new Promise((ok) => server.listen(PORT, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const rows = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      const tab = await ctx.newPage();
      const client = await ctx.newCDPSession(tab);
      await client.send('Network.enable');
      // Bytes on the wire (compressed, with headers) per phase, from the browser's own count.
      let phase = 'load';
      const bytes = { load: 0, click: 0 };
      const wasm = { load: 0, click: 0 };
      const urls = new Map();
      client.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
      client.on('Network.loadingFinished', (e) => {
        bytes[phase] += e.encodedDataLength;
        if (/\.wasm/.test(urls.get(e.requestId) || '')) wasm[phase] += 1;
      });
      await tab.goto(`http://127.0.0.1:${PORT}/`, { waitUntil: 'networkidle' });
      const launcher = tab.locator('handoff-launcher .hl-btn');
      await launcher.waitFor({ state: 'visible' });
      // Frames' requests go through the page's CDP session only when attached; the widget's
      // iframe is out-of-process only for other sites, and 127.0.0.1 ports share a site.
      phase = 'click';
      const t0 = Date.now();
      await launcher.click();
      const frame = tab.frameLocator('handoff-launcher iframe');
      await frame.locator('.hf-locale select').waitFor({ state: 'visible', timeout: 30_000 });
      const ms = Date.now() - t0;
      await tab.waitForLoadState('networkidle');
      rows.push({ ms, load: bytes.load, click: bytes.click, wasmBeforeClick: wasm.load, wasmAfterClick: wasm.click });
      await ctx.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const kb = (b) => (b / 1024).toFixed(1);
  console.log(`runs: ${RUNS} (fresh context each, cold cache, loopback)`);
  console.log(`page load with the snippet: ${kb(median(rows.map((r) => r.load)))} KiB on the wire (host page + loader), wasm requests before the click: ${Math.max(...rows.map((r) => r.wasmBeforeClick))}`);
  console.log(`click -> interactive widget: median ${median(rows.map((r) => r.ms))} ms, min ${Math.min(...rows.map((r) => r.ms))} ms, max ${Math.max(...rows.map((r) => r.ms))} ms`);
  console.log(`bytes after the click: median ${kb(median(rows.map((r) => r.click)))} KiB on the wire (frame page, wasm, glue, CSS, site bundle), wasm requests: ${rows[0].wasmAfterClick}`);
})().catch((e) => { console.error(e); process.exit(1); });
