// Runbook 00 end to end on the simulated toolchain, as a real process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mutatingCalls, newStateDir, runRunbook, ROOT } from './harness.ts';

const oneLineReason = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('✖ ') && !l.includes('('))
    .pop() ?? '';

test('00-setup --simulate --yes: starts the cluster, enables metrics-server, creates the namespace, writes both reports', async () => {
  const stateDir = newStateDir();
  // the entry point itself (through tsx), as `npx zx runbooks/00-setup.mjs` runs it; most tests use its bundle
  const r = await runRunbook('00-setup', ['--yes'], { stateDir, entry: 'source' });
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(r.json.result, 'passed');
  assert.equal(r.json.simulated, true);
  const ids = r.json.checks.map((c: { id: string }) => c.id);
  for (const id of [
    'SETUP-TOOL-DOCKER',
    'SETUP-TOOL-HELM',
    'SETUP-DOCKER',
    'SAFE-CONTEXT',
    'SETUP-CLUSTER',
    'SETUP-NODE',
    'SETUP-METRICS',
    'SETUP-NAMESPACE',
  ])
    assert.ok(ids.includes(id), `missing check ${id}`);
  assert.match(r.markdown, /^# 00 · Setup.*SIMULATED RUN/m);
  assert.match(r.markdown, /## Checks\n\n\| id \| check \| expected \| measured \| result \| remedy \|/);
  assert.match(r.markdown, /## Command transcript/);
  assert.match(r.markdown, /minikube start -p minikube --cpus=2 --memory=4096 --driver=docker/);
  const argvs = r.calls.map((c) => c.argv.join(' '));
  assert.ok(argvs.some((a) => a.startsWith('minikube start -p minikube')));
  assert.ok(argvs.some((a) => a.startsWith('minikube addons enable metrics-server')));
  assert.ok(argvs.some((a) => a.startsWith('kubectl create namespace todo-app')));

  // Idempotent: a second run starts nothing and creates nothing.
  const again = await runRunbook('00-setup', ['--yes'], { stateDir });
  assert.equal(again.exitCode, 0, again.stdout);
  const newCalls = again.calls.slice(r.calls.length).map((c) => c.argv.join(' '));
  assert.ok(
    !newCalls.some((a) => a.startsWith('minikube start') || a.startsWith('kubectl create') || a.startsWith('minikube addons enable')),
    newCalls.join('\n'),
  );
  assert.match(again.markdown, /already existed/);
});

test('optional AI tools missing are reported as skipped, not failures', async () => {
  const r = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), faults: 'missing=kubectl-ai,missing=kagent' });
  assert.equal(r.exitCode, 0, r.stdout);
  const ai = r.json.checks.find((c: { id: string }) => c.id === 'SETUP-TOOL-KUBECTL-AI');
  assert.equal(ai.status, 'skip');
  assert.match(ai.remedy, /kubectl-ai/);
});

test('a missing required tool fails with an install hint', async () => {
  const r = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), faults: 'missing=helm' });
  assert.equal(r.exitCode, 1);
  assert.match(r.stdout, /helm installed: not found on PATH/);
  assert.match(r.json.remedy, /helm/);
});

for (const [fault, reason] of [
  ['docker-down', /Docker daemon reachable/],
  ['minikube-start-fails', /minikube cluster running/],
  ['context=gke_prod', /kube-context/],
] as const) {
  test(`SIM_FAULTS=${fault}: exit 1 with a one-line reason and remedy on screen and in the report`, async () => {
    const r = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), faults: fault });
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(oneLineReason(r.stdout), reason);
    assert.match(r.stdout, /\n {2}→ \S/);
    assert.equal(r.json.result, 'failed');
    assert.match(r.json.reason, reason);
    assert.ok(r.json.remedy.length > 10);
    assert.match(r.markdown, /\*\*What to do:\*\*/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });
}

test('a foreign kube-context is refused and left untouched: no mutating call at all', async () => {
  const r = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), faults: 'context=gke_prod' });
  assert.equal(r.exitCode, 1);
  assert.match(r.json.remedy, /--context gke_prod/);
  assert.deepEqual(mutatingCalls(r.calls), []);
});

test('naming the foreign context explicitly lets the run go on', async () => {
  const r = await runRunbook('00-setup', ['--yes', '--context', 'gke_prod'], { stateDir: newStateDir(), faults: 'context=gke_prod' });
  assert.equal(r.exitCode, 0, r.stdout.slice(-3000));
  assert.equal(r.json.result, 'passed');
  assert.equal(r.json.checks.find((c: { id: string }) => c.id === 'SAFE-CONTEXT').status, 'pass');
  const argvs = r.calls.map((c) => c.argv.join(' '));
  assert.ok(
    argvs.includes('kubectl create namespace todo-app --context gke_prod --request-timeout=20s'),
    'it went on to act on the context it was given',
  );
});

test('a stopped cluster is started; an existing running one is not started again', async () => {
  const stateDir = newStateDir();
  const r = await runRunbook('00-setup', ['--yes'], { stateDir, faults: 'minikube-stopped' });
  assert.equal(r.exitCode, 0, r.stdout);
  assert.equal(r.calls.filter((c) => c.argv[1] === 'start').length, 1);
});

test('bad input exits 2 with one line and a remedy, before any tool runs', async () => {
  for (const args of [['--bogus'], ['--namespace', 'Bad_NS'], ['--timeout', 'abc'], ['--profile', '../etc']]) {
    const stateDir = newStateDir();
    const r = await runRunbook('00-setup', ['--yes', ...args], { stateDir });
    assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stdout, /^✖ .+\n {2}→ .+/m);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
    assert.deepEqual(r.calls, [], 'no tool was called');
  }
  const missingEnv = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), env: { ENV_FILE: 'no-such.env' } });
  assert.equal(missingEnv.exitCode, 2);
  assert.match(missingEnv.stdout, /env file no-such\.env does not exist/);
  const badFault = await runRunbook('00-setup', ['--yes'], { stateDir: newStateDir(), faults: 'no-such-fault' });
  assert.equal(badFault.exitCode, 2);
});

test('--help prints usage and exits 0 without touching anything', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/zx/build/cli.js'), join(ROOT, 'runbooks/00-setup.mjs'), '--help'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: npx zx runbooks\/00-setup\.mjs \[options\]/);
  assert.match(r.stdout, /--simulate/);
  assert.match(r.stdout, /Exit codes: 0/);
});

test('with stdin closed and no TTY nothing waits: a question gets its non-interactive answer', async () => {
  // No --yes: stdin is not a terminal, so the run must not wait for an answer.
  const r = await runRunbook('00-setup', [], { stateDir: newStateDir(), timeoutMs: 60_000 });
  assert.equal(r.exitCode, 0, r.stdout);
  assert.match(r.markdown, /non-interactive/);
});
