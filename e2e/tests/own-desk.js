// A desk of a test's own (the shared one must stay up for the other tests): the debug binary on a
// free port with its own data dir, e2e/desk.toml and pkg/ as static files. Used by the restart
// tests, which kill it with SIGKILL and start it again on the same port and data dir.
const { spawn } = require('child_process');
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

module.exports = { BIN, ROOT, freePort, startDesk };
