// A desk of a test's own (the shared one must stay up for the other tests): the debug binary on a
// free port with its own data dir, e2e/desk.toml and pkg/ as static files. Used by the restart
// tests, which kill it with SIGKILL and start it again on the same port and data dir. ownDesk()
// is the same for a test that also runs through nginx in front of several instances.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const net = require('net');
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

/** Starts the desk and resolves with its process once it prints its address. */
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

/** Resolves once something accepts connections on `port` (or rejects after `ms`). */
async function listening(port, ms = 60_000) {
  const t = Date.now();
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t > ms) throw new Error(`nothing listens on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether process `pid` runs (a zombie does not). */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\s*Z/.test(stat.slice(stat.lastIndexOf(')') + 1));
  } catch (_) { return false; }
}

/**
 * The desk a restart test kills and starts again, in either mode:
 * - default: a desk of the test's own (fresh data dir, free port), one instance;
 * - E2E_CLUSTER (`cargo xtask e2e --nginx-postgres`, xtask/src/cluster.rs): the desk instances
 *   behind nginx that the xtask started on one PostgreSQL database; `base` is nginx, `kill(i)`
 *   SIGKILLs instance i (its pid file says which process), `start(i)` starts the same command
 *   line again (the xtask stops it at the end through the pid file).
 * `cluster` tells the spec which mode it is in: with several instances the desk as a whole
 * never goes away, so there is no outage to see.
 */
async function ownDesk(prefix = 'handoff-own-') {
  if (process.env.E2E_CLUSTER) {
    const c = JSON.parse(fs.readFileSync(process.env.E2E_CLUSTER, 'utf8'));
    const pid = (i) => Number(fs.readFileSync(c.instances[i].pidFile, 'utf8').trim());
    const desk = {
      cluster: true, base: c.url, instances: c.instances.length,
      async kill(i) {
        const p = pid(i);
        if (alive(p)) process.kill(p, 'SIGKILL');
        for (let t = Date.now(); alive(p) && Date.now() - t < 10_000;) await new Promise((r) => setTimeout(r, 20));
      },
      async start(i) {
        const inst = c.instances[i];
        const log = fs.openSync(inst.log, 'a');
        const child = spawn(c.bin, inst.args, { cwd: ROOT, env: { ...process.env, ...c.env }, stdio: ['ignore', log, log], detached: true });
        fs.closeSync(log);
        child.unref();
        fs.writeFileSync(inst.pidFile, String(child.pid));
        await listening(inst.port);
      },
      // Every instance up again for whatever runs next.
      async close() {
        for (let i = 0; i < c.instances.length; i++) if (!alive(pid(i))) await desk.start(i);
      },
    };
    return desk;
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let child = await startDesk(port, dataDir);
  return {
    cluster: false, base: `http://127.0.0.1:${port}`, instances: 1,
    async kill() { child.kill('SIGKILL'); },
    async start() { child = await startDesk(port, dataDir); },
    async close() { child.kill('SIGKILL'); fs.rmSync(dataDir, { recursive: true, force: true }); },
  };
}

module.exports = { BIN, ROOT, freePort, startDesk, ownDesk };
