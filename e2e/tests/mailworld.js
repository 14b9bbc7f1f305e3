// Real mail servers for the console's mail journey (console-mail.spec.js), started the way the
// desk's own mail tests start them (crates/desk/tests/common/smtp.rs and imap.rs), from the
// packages `cargo xtask setup` installs: aiosmtpd (PyPI) delivering into Maildirs, Dovecot
// (Debian) serving the support mailbox over IMAP. And a desk of its own on them, so the shared
// e2e desk keeps its closed SMTP port (console.spec.js lists its undelivered mail).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const DOVECOT = '/usr/sbin/dovecot';
const USER = 'support';
const PASSWORD = 'support-secret-1';

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

async function listening(port, child, what) {
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} (installed? cargo xtask setup)`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 0777: as root, Dovecot serves mail as nobody while aiosmtpd (root) delivers into it. */
function openDir(p) {
  fs.mkdirSync(p, { recursive: true });
  fs.chmodSync(p, 0o777);
}

/** aiosmtpd on `port`, delivering every mail it accepts into the Maildir `dir`. */
async function smtp(port, dir) {
  for (const sub of ['', 'tmp', 'new', 'cur']) openDir(path.join(dir, sub));
  const child = spawn('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', dir], { stdio: 'ignore' });
  await listening(port, child, 'aiosmtpd');
  return child;
}

/** A private Dovecot serving one Maildir (the support mailbox) over plain IMAP on 127.0.0.1. */
async function dovecot(dir) {
  const port = await freePort();
  for (const sub of ['', 'Maildir', 'Maildir/new', 'Maildir/cur', 'Maildir/tmp', 'home', 'base', 'state']) openDir(path.join(dir, sub));
  const root = process.getuid() === 0;
  const [uid, gid, user] = root ? [65534, 65534, 'nobody'] : [process.getuid(), process.getgid(), os.userInfo().username];
  fs.writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}:${uid}:${gid}::${dir}/home\n`);
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), `protocols = imap
listen = 127.0.0.1
instance_name = handoff-e2e-${port}
base_dir = ${dir}/base
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = ${user}
default_internal_user = ${user}
mail_location = maildir:${dir}/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`);
  const child = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  await listening(port, child, 'dovecot');
  return { child, port, maildir: path.join(dir, 'Maildir') };
}

/** A desk (the binary `cargo xtask e2e` built) on `config`; resolves with its URL. */
function desk(config, dir) {
  const file = path.join(dir, 'desk.toml');
  fs.writeFileSync(file, config);
  const bin = process.env.HANDOFF_DESK_BIN || path.join(ROOT, 'target', 'debug', 'handoff-desk');
  const log = fs.openSync(path.join(dir, 'desk.log'), 'w');
  const child = spawn(bin, ['serve', '--config', file, '--listen', '127.0.0.1:0', '--seed-demo', '--data-dir', path.join(dir, 'data'),
    '--static', path.join(ROOT, 'pkg')], { stdio: ['ignore', 'pipe', log] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the desk exited with ${code}: see ${dir}/desk.log`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (\S+)/);
      if (m) resolve({ child, url: m[1] });
    });
  });
}

/**
 * The whole world: the customer's mailbox (where the desk's mail lands), the support mailbox
 * (Dovecot) with the SMTP server that delivers into it, and a desk mailing and reading them.
 */
async function start() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-mail-e2e-'));
  fs.chmodSync(dir, 0o777);
  const customerBox = path.join(dir, 'customer');
  const customerPort = await freePort();
  const customerSmtp = await smtp(customerPort, customerBox);
  const imap = await dovecot(path.join(dir, 'support'));
  const supportPort = await freePort();
  const supportSmtp = await smtp(supportPort, imap.maildir);
  const { child, url } = await desk(`data_dir = "${dir}/data"
sweep_interval_ms = 250

[smtp]
host = "127.0.0.1"
port = ${customerPort}
tls = "none"
from = "Fernhill Outdoor <help@fernhill.example>"
reply_domain = "reply.fernhill.example"
retry_base_ms = 200
retry_max_secs = 1
poll_interval_ms = 100

[imap]
host = "127.0.0.1"
port = ${imap.port}
tls = "none"
user = "${USER}"
password = "${PASSWORD}"
poll_interval_ms = 60000
timeout_secs = 5
retry_max_secs = 1

[[site]]
content = "${path.join(ROOT, 'content', 'demo')}"
max_wait_secs = 3600
avg_handle_secs = 60
`, dir);
  const children = [child, supportSmtp, imap.child, customerSmtp];
  return {
    url,
    customerBox,
    /** The customer's mails, oldest first, read by Python's own e-mail parser. */
    mails: () => JSON.parse(execFileSync('python3', ['-c', READ_MAILDIR, path.join(customerBox, 'new')]).toString()),
    /** The customer's reply, sent by SMTP to the support domain's server. */
    send: (to, raw) => execFileSync('python3', ['-c', SEND, String(supportPort), to], { input: raw }),
    stop: async () => {
      await Promise.all(children.map((c) => new Promise((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', resolve);
        c.kill('SIGTERM');
      })));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const READ_MAILDIR = `
import email, email.policy, json, os, sys
d = sys.argv[1]
out = []
for f in sorted(os.listdir(d), key=lambda f: os.path.getmtime(os.path.join(d, f))):
    with open(os.path.join(d, f), 'rb') as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    body = m.get_body(preferencelist=('plain',))
    out.append({'to': str(m['To']), 'subject': str(m['Subject']), 'reply_to': str(m['Reply-To'] or ''),
                'message_id': str(m['Message-ID']), 'text': body.get_content() if body else ''})
print(json.dumps(out))
`;

const SEND = `
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.sendmail('customer@example.test', [sys.argv[2]], sys.stdin.buffer.read())
`;

module.exports = { start };
