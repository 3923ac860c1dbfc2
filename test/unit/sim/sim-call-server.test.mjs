// The call server (sim/lib/simd.mjs) with the real fast client (sim/client): calls after the first
// are run by the server and answer exactly as calls run as their own processes; stdin, signals,
// the working folder and abandoned calls behave as they do for a process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answers, callSocketPath } from '../../../sim/lib/simd-control.mjs';
import { installFixture, machine } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// test/run.mjs hands the built client over; run alone, the file builds it (Go is needed)
const built =
  process.env.SIM_CLIENT && process.env.SIM_CLIENT !== '0'
    ? { status: 0, stdout: process.env.SIM_CLIENT, stderr: '' }
    : spawnSync('bash', [join(ROOT, 'sim/client/build.sh')], { encoding: 'utf8' });
const CLIENT = built.status === 0 ? built.stdout.trim().split('\n').pop() : '';
const skip = !CLIENT && `the fast client is not built here: ${(built.stderr || '').trim()}`;

const clientMachine = (useClient) => machine({ client: useClient ? CLIENT : false });
const realSleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Until the call server of the machine answers (the first call starts it as it ends). */
async function serverUp(m) {
  for (let i = 0; i < 100; i++) {
    if (await answers(callSocketPath(m.stateDir))) return;
    await realSleep(50);
  }
  assert.fail('the call server did not come up');
}

/** A machine with the client, its cluster started and its call server up. */
async function runningWithServer() {
  const m = await clientMachine(true);
  assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
  await serverUp(m);
  return m;
}

const SAME = [
  ['minikube', ['status', '-p', 'minikube', '-o', 'json']],
  ['kubectl', ['config', 'current-context']],
  ['kubectl', ['get', 'namespaces', '-o', 'name']],
  ['kubectl', ['get', 'pods', '-n', 'nope']],
  ['helm', ['list', '-A', '-o', 'json']],
  ['kubectl', ['get', 'pods', '--bogus']],
];

test('calls after the first are run by the call server, and answer exactly as calls run as processes', { skip }, async () => {
  const fast = await clientMachine(true);
  const slow = await clientMachine(false);
  try {
    for (const m of [fast, slow]) assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    await serverUp(fast);
    assert.equal(await answers(callSocketPath(slow.stateDir)), false, 'no server without the client');
    for (const [tool, args] of SAME) {
      const a = fast.run(tool, args);
      const b = slow.run(tool, args);
      assert.deepEqual(
        { code: a.code, stdout: a.stdout.replaceAll(fast.stateDir, 'S'), stderr: a.stderr },
        { code: b.code, stdout: b.stdout.replaceAll(slow.stateDir, 'S'), stderr: b.stderr },
        `${tool} ${args.join(' ')}`,
      );
    }
    const served = fast.calls().filter((c) => c.server);
    assert.equal(served.length, SAME.length, 'every call after the first was the server’s');
    assert.equal(slow.calls().filter((c) => c.server).length, 0);
  } finally {
    fast.cleanup();
    slow.cleanup();
  }
});

test('stdin is read only when the call asks for it, and reaches it whole', { skip }, async () => {
  const m = await runningWithServer();
  try {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n';
    const r = m.run('kubectl', ['apply', '-f', '-'], { input: ns });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/from-stdin created/);
    const envFile = 'A=1\nB=two words\n';
    const s = m.run('kubectl', ['create', 'secret', 'generic', 's1', '-n', 'from-stdin', '--from-env-file=/dev/stdin'], { input: envFile });
    assert.equal(s.code, 0, s.stderr);
    const data = m.json('kubectl', ['get', 'secret', 's1', '-n', 'from-stdin', '-o', 'json']).data;
    assert.equal(Buffer.from(data.B, 'base64').toString(), 'two words');
    assert.ok(
      m
        .calls()
        .slice(-3)
        .every((c) => c.server),
    );
  } finally {
    m.cleanup();
  }
});

test('a relative path is read from the call’s working folder; a call from another folder runs as a process', { skip }, async () => {
  const m = await runningWithServer();
  const other = mkdtempSync(join(tmpdir(), 'sim-callsrv-cwd-'));
  try {
    writeFileSync(join(other, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: relative\n');
    const r = m.run('kubectl', ['apply', '-f', 'ns.yaml'], { cwd: other });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/relative created/);
    assert.equal(m.calls().at(-1).server, undefined, 'sent back: the server runs in another folder');
    assert.equal(m.run('kubectl', ['get', 'ns', 'relative', '-o', 'name']).stdout, 'namespace/relative\n');
    assert.equal(m.calls().at(-1).server, true);
  } finally {
    m.cleanup();
    rmSync(other, { recursive: true, force: true });
  }
});

function get(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', (e) => resolve(e.code));
    req.end();
  });
}

async function forward(m) {
  const pod = m.json('kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json', '-l', 'app.kubernetes.io/component=backend']).items[0]
    .metadata.name;
  const pf = m.spawn('kubectl', ['port-forward', `pod/${pod}`, ':8000', '-n', 'todo-app']);
  let out = '';
  pf.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 200 && !/Forwarding from 127\.0\.0\.1:\d+/.test(out); i++) await realSleep(50);
  return { pf, port: Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)[1]) };
}

test('a port-forward run by the server: Ctrl-C exits 0, SIGTERM 143, and its port closes with it', { skip }, async () => {
  const m = await clientMachine(true);
  try {
    assert.equal(installFixture(m).code, 0);
    await serverUp(m);
    for (const [sig, want] of [
      ['SIGINT', 0],
      ['SIGTERM', 143],
    ]) {
      const { pf, port } = await forward(m);
      assert.equal(await get(port), 200);
      const exited = once(pf, 'exit');
      pf.kill(sig);
      const [code] = await exited;
      assert.equal(code, want, sig);
      assert.equal(await get(port), 'ECONNREFUSED', `${sig}: the port is closed`);
    }
    assert.ok(
      m
        .calls()
        .filter((c) => c.argv[1] === 'port-forward')
        .every((c) => c.server),
    );
  } finally {
    m.cleanup();
  }
});

test('a call killed while it waits dies of the signal and lets the clock go: the next call answers', { skip }, async () => {
  const m = await runningWithServer();
  try {
    // Gordon without a terminal waits until it is killed, holding its call open (and, unless
    // released, virtual time still: the next call's sleeps would never end).
    const ai = m.spawn('docker', ['ai', 'hello'], { env: { SIM_GORDON: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    await realSleep(500);
    const exited = once(ai, 'exit');
    ai.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.deepEqual({ code, signal }, { code: null, signal: 'SIGTERM' });
    const started = Date.now();
    const r = m.run('kubectl', ['get', 'nodes']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - started < 10_000, 'the next call was not held by the killed one');
  } finally {
    m.cleanup();
  }
});
