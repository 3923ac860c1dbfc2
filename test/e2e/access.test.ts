// The access runbook end to end on the simulated toolchain: --once proves localhost answers as the
// NodePort does and ends; --replace-pod shows the forward come back on the same URL; left running,
// a pod deleted by someone else is followed to its replacement on the same URL, and Ctrl-C ends
// it with exit 0, the ports closed and no pod touched; a busy port is refused (exit 2) before any
// forward; an unhealthy release stops it before any forward.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestReport, mutatingCalls, newStateDir, readCalls, runRunbook, startRunbook, type RunOutcome } from './harness.ts';

const env = {
  POSTGRES_PASSWORD: 'pg-Pa55word-access-77',
  BETTER_AUTH_SECRET: 'auth-secret-access-0123456789abcdefghij',
  OPENAI_API_KEY: 'sk-access-Qw3Er5Ty7Ui9',
};
const ANY_PORTS = ['--frontend-port', '0', '--backend-port', '0'];
const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`.slice(-5000);
const status = (r: { json: any }, id: string) => r.json?.checks.find((c: { id: string }) => c.id === id);
let stateDir = '';

function sim(tool: string, args: string[]) {
  return spawnSync(join(stateDir, 'bin', tool), args, {
    env: { ...process.env, SIM_STATE_DIR: stateDir, SIM_FAULTS: '' },
    encoding: 'utf8',
  });
}
const podNames = (component: string): string[] =>
  JSON.parse(
    sim('kubectl', [
      'get',
      'pods',
      '-n',
      'todo-app',
      '-l',
      `app.kubernetes.io/component=${component}`,
      '-o',
      'json',
      '--context',
      'minikube',
    ]).stdout,
  )
    .items.filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => p.metadata.name);

before(async () => {
  stateDir = newStateDir();
  for (const id of ['00-setup', '01-build', '02-load', '03-install']) {
    const r = await runRunbook(id, ['--yes', ...(id === '03-install' ? ['--no-screenshot'] : [])], { stateDir, env, timeoutMs: 600_000 });
    assert.equal(r.exitCode, 0, `${id}:\n${show(r)}`);
  }
});

after(() => {
  if (!stateDir) return;
  sim('minikube', ['delete', '-p', 'minikube']);
  rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

test('--once: both forwards open, localhost answers as the NodePort does, and the run ends with nothing changed', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('access', ['--once', ...ANY_PORTS], { stateDir, env });
  assert.equal(r.exitCode, 0, show(r));
  for (const id of ['ACCESS-FORWARD-FRONTEND', 'ACCESS-FORWARD-BACKEND', 'ACCESS-SAME-FRONTEND', 'ACCESS-SAME-BACKEND', 'ACCESS-END'])
    assert.equal(status(r, id)?.status, 'pass', `${id}: ${status(r, id)?.measured}`);
  assert.match(status(r, 'ACCESS-SAME-BACKEND').measured, /\/health 200 .*\/api\/todos 200/);
  assert.match(r.stdout, /Frontend: http:\/\/127\.0\.0\.1:\d+ {3}Backend: http:\/\/127\.0\.0\.1:\d+/);
  const changes = mutatingCalls(r.calls.slice(start)).filter((c) => c.argv[1] !== 'port-forward');
  assert.deepEqual(changes, [], 'nothing but port-forwards');
  // every forward goes to one named pod, on 127.0.0.1 only
  for (const c of r.calls.slice(start).filter((c) => c.argv[1] === 'port-forward')) {
    assert.match(c.argv[2]!, /^pod\/todo-chatbot-(frontend|backend)-/);
    assert.deepEqual(c.argv.slice(4, 6), ['--address', '127.0.0.1']);
  }
});

test('--replace-pod: the backend forward comes back on the same URL, bound to the replacement', async () => {
  const before = podNames('backend');
  const r = await runRunbook('access', ['--once', '--replace-pod', ...ANY_PORTS], { stateDir, env });
  assert.equal(r.exitCode, 0, show(r));
  const reconnect = status(r, 'ACCESS-RECONNECT-BACKEND');
  assert.equal(reconnect?.status, 'pass', reconnect?.measured);
  const [, lost, replacement] = /pod (\S+) → (\S+) in/.exec(reconnect.measured) ?? [];
  assert.ok(before.includes(lost!), `${lost} was a backend pod`);
  assert.ok(podNames('backend').includes(replacement!), `${replacement} is the backend pod now`);
  assert.equal(status(r, 'ACCESS-SAME-BACKEND-AFTER')?.status, 'pass');
  const url = /backend on localhost: (http:\/\/127\.0\.0\.1:\d+)/.exec(r.stdout)?.[1];
  assert.ok(url && r.stdout.includes(`re-established to pod ${replacement} on ${url}`), 'the same URL');
  assert.match(status(r, 'ACCESS-END').measured, /changes by this run: kubectl delete pod/);
});

test('left open: a pod deleted by someone else is followed on the same URL; Ctrl-C ends it, exit 0, ports closed, pods untouched', async () => {
  const reportDir = mkdtempSync(join(tmpdir(), 'e2e-access-'));
  const { child, exited, waitFor, out } = await startRunbook('access', ANY_PORTS, { stateDir, env, reportDir, entry: 'source' });
  const [, frontendUrl] = await waitFor(/frontend on localhost: (http:\/\/127\.0\.0\.1:\d+) → pod/, 180_000);
  const [, url, pod] = await waitFor(/backend on localhost: (http:\/\/127\.0\.0\.1:\d+) → pod (\S+)/, 60_000);
  await waitFor(/press Ctrl-C to end/, 60_000);
  assert.equal((await fetch(`${url}/health`)).status, 200);
  assert.equal(sim('kubectl', ['delete', 'pod', pod!, '-n', 'todo-app', '--wait=false', '--context', 'minikube']).status, 0);
  const [, replacement] = await waitFor(
    new RegExp(`backend: forward re-established to pod (\\S+) on ${url!.replace(/\./g, '\\.')}`),
    180_000,
  );
  assert.notEqual(replacement, pod);
  assert.equal((await fetch(`${url}/health`)).status, 200, 'the same URL answers from the new pod');
  const podsBefore = [...podNames('frontend'), ...podNames('backend'), ...podNames('mcp')].sort();
  const mark = readCalls(stateDir).length;
  child.kill('SIGINT');
  assert.equal(await exited, 0, out().slice(-3000));
  const { json } = latestReport(reportDir, 'access');
  assert.equal(json.result, 'passed');
  assert.equal(status({ json }, 'ACCESS-END')?.status, 'pass');
  assert.match(status({ json }, 'ACCESS-END').measured, /ports closed; changes by this run: none/);
  assert.match(out(), /ending: Ctrl-C/);
  for (const u of [url!, frontendUrl!]) await assert.rejects(fetch(u), `${u} is closed`);
  assert.deepEqual([...podNames('frontend'), ...podNames('backend'), ...podNames('mcp')].sort(), podsBefore);
  assert.deepEqual(
    mutatingCalls(readCalls(stateDir).slice(mark)).filter((c) => c.argv[1] !== 'port-forward'),
    [],
  );
  rmSync(reportDir, { recursive: true, force: true });
});

test('a local port already in use: exit 2 before any forward, naming the port and the remedy', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('access', ['--once', '--frontend-port', String(port), '--backend-port', '0'], { stateDir, env });
    assert.equal(r.exitCode, 2, show(r));
    assert.match(r.stdout + r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is not free \\(EADDRINUSE\\); nothing was started`));
    assert.match(r.stdout + r.stderr, /--frontend-port <port>/);
    assert.deepEqual(mutatingCalls(r.calls.slice(start)), []);
    const bad = await runRunbook('access', ['--once', '--backend-port', 'eighty'], { stateDir, env });
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stdout + bad.stderr, /--backend-port "eighty" is not a port/);
  } finally {
    blocker.close();
  }
});

test('an unhealthy release (probe-fail=backend): exit 1 before any forward, naming the pod', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('access', ['--once', ...ANY_PORTS], { stateDir, env, faults: 'probe-fail=backend' });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'DRILL-PRECONDITION')?.status, 'fail');
  assert.match(status(r, 'DRILL-PRECONDITION').measured, /backend 0\/1 Ready/);
  assert.ok(!r.calls.slice(start).some((c) => c.argv[1] === 'port-forward'), 'no forward opened');
});
