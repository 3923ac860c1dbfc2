// The main path end to end on the simulated toolchain: 00 → 01 → 02 → 03, idempotency, secret
// hygiene across every artifact, and the diagnosis of each failure the catalogue can cause.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { newStateDir, runRunbook, readCalls, mutatingCalls } from './harness.ts';

const SECRETS = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-7781',
  BETTER_AUTH_SECRET: 'auth-secret-e2e-0123456789abcdefghijkl',
  OPENAI_API_KEY: 'sk-e2e-Tk9Xq2Lm5Vb8Nc1Zr4Wy7',
};
const env = { ...SECRETS };

let prepared = ''; // a state with the cluster up and the images on the node (00 → 02); 03 then installs into it
let preInstall = ''; // a copy of that state taken before 03, for the tests that need a cluster without a release
let reportDir = '';
let firstBuild: { checks: Array<{ id: string; status: string; measured: string; value?: number }> } | undefined; // 01's report, images built

function simKubectl(stateDir: string, args: string[]): string {
  const r = spawnSync(join(stateDir, 'bin', 'kubectl'), [...args, '--context', 'minikube'], {
    env: { ...process.env, SIM_STATE_DIR: stateDir },
    encoding: 'utf8',
  });
  return r.stdout;
}

function copyState(): string {
  const dir = newStateDir();
  cpSync(preInstall, dir, { recursive: true });
  return dir;
}

before(async () => {
  prepared = newStateDir();
  for (const id of ['00-setup', '01-build', '02-load']) {
    const r = await runRunbook(id, ['--yes'], { stateDir: prepared, env });
    reportDir = r.reportDir;
    if (id === '01-build') firstBuild = r.json;
    assert.equal(r.exitCode === 0 || id === '01-build', true, `${id}: ${r.stdout}`);
  }
  preInstall = newStateDir();
  cpSync(prepared, preInstall, { recursive: true });
});

test('01-build: three images with content tags, sizes and a layer audit; a second run reuses them', async () => {
  const stateDir = copyState();
  const r = await runRunbook('01-build', ['--yes'], { stateDir, env });
  const checks: Array<{ id: string; status: string; measured: string }> = r.json.checks;
  for (const c of ['FRONTEND', 'BACKEND', 'MCP']) {
    assert.equal(checks.find((x) => x.id === `BUILD-${c}`)?.status, 'pass');
    assert.ok(
      checks.some((x) => x.id === `SIZE-${c}`),
      `size check for ${c}`,
    );
    assert.equal(checks.find((x) => x.id === `SECRETS-LAYERS-${c}`)?.status, 'pass');
  }
  assert.match(r.markdown, /already built from these exact inputs/);
  const builds = r.calls.slice(readCalls(preInstall).length).filter((c) => c.argv[0] === 'docker' && c.argv[1] === 'build');
  assert.equal(builds.length, 0, 'nothing rebuilt when the inputs did not change');
  assert.match(r.json.environment['build target'], /minikube's Docker/);
});

test('01-build: each image build is timed against 5 minutes, next to its size budget; a reused image is not judged', async () => {
  const ids = firstBuild!.checks.map((c) => c.id);
  for (const c of ['FRONTEND', 'BACKEND', 'MCP']) {
    const time = firstBuild!.checks.find((x) => x.id === `BUILD-TIME-${c}`);
    assert.ok(time, `build time check for ${c}`);
    assert.equal(time.status, 'pass', time.measured);
    assert.ok(typeof time.value === 'number' && time.value > 0 && time.value <= 300_000, `${c}: ${time.value} ms`);
    assert.equal(ids.indexOf(`SIZE-${c}`), ids.indexOf(`BUILD-TIME-${c}`) + 1, 'the build time sits right before the size budget');
  }
  const again = await runRunbook('01-build', ['--yes'], { stateDir: copyState(), env });
  const reused = again.json.checks.find((x: { id: string }) => x.id === 'BUILD-TIME-BACKEND');
  assert.equal(reused.status, 'skip');
  assert.match(reused.measured, /not built in this run/);
});

test('02-load: the images built inside minikube are already on the node with their exact tags', async () => {
  const r = await runRunbook('02-load', ['--yes'], { stateDir: copyState(), env });
  assert.equal(r.exitCode, 0, r.stdout);
  assert.match(r.stdout, /already on the node with its exact tag; nothing to load/);
  assert.ok(!r.calls.some((c) => c.argv[1] === 'image' && c.argv[2] === 'load'));
});

test('03-install: every pod Ready with its time, three smoke checks with response times, access URLs; a rerun is revision 2 with the same objects', async () => {
  const stateDir = prepared; // the live state: its node server answers the smoke checks
  const r = await runRunbook('03-install', ['--yes'], { stateDir, env });
  assert.equal(r.exitCode, 0, r.stdout);
  const checks: Array<{ id: string; status: string; measured: string; value?: number }> = r.json.checks;
  const ready = checks.filter((c) => c.id.startsWith('READY-'));
  assert.equal(ready.length, 4, 'frontend, backend, mcp, postgresql');
  for (const c of ready) {
    assert.equal(c.status, 'pass');
    assert.match(c.measured, /Ready in \d+(\.\d)? s/);
  }
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-BACKEND-READY', 'SMOKE-FRONTEND', 'SMOKE-MCP']) {
    const c = checks.find((x) => x.id === id)!;
    assert.equal(c.status, 'pass', `${id}: ${c.measured}`);
    assert.ok(typeof c.value === 'number' && c.value > 0, `${id} has a response time`);
  }
  assert.match(r.markdown, /Frontend: http:\/\/127\.\d+\.\d+\.\d+:30080 {3}Backend: http:\/\/127\.\d+\.\d+\.\d+:30081/);
  assert.match(r.markdown, /add_task, list_tasks, complete_task, delete_task/);
  // The deploying prompt of docs/ai-prompts.md is shown for the person to run, never sent.
  assert.match(
    r.markdown,
    /### kubectl-ai prompt "deploy-release" \(deploying\)[^\n]*run it yourself\n\n`+\n#[^\n]*\n#[^\n]*\nkubectl-ai --llm-provider gemini --model \S+ 'Using the kube-context "minikube"[^']*helm upgrade todo-chatbot helm\/todo-chatbot --reuse-values/,
  );
  assert.ok(!r.calls.some((c) => c.argv[0] === 'kubectl-ai' && c.argv[1] !== 'version'), '03 never asks kubectl-ai');
  // The deployed system drawn from the live objects: every running pod by name, the Services' ports.
  const picture = checks.find((c) => c.id === 'SYSTEM-PICTURE')!;
  assert.equal(picture.status, 'pass', picture.measured);
  assert.match(
    picture.measured,
    /4 of 4 parts complete .*Secret todo-chatbot-secrets read by backend, frontend, mcp, postgresql; ConfigMap todo-chatbot-config/,
  );
  const diagram = /### The deployed system[^\n]*\n\n```mermaid\n([\s\S]*?)\n```/.exec(r.markdown)?.[1];
  assert.ok(diagram, 'a mermaid diagram in the report');
  const running = JSON.parse(simKubectl(stateDir, ['get', 'pods', '-n', 'todo-app', '-o', 'json'])).items.filter(
    (p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp,
  );
  assert.ok(running.length >= 4);
  for (const p of running) assert.ok(diagram.includes(`pod ${p.metadata.name}<br/>`), `pod ${p.metadata.name} drawn`);
  for (const port of [
    ':3000 → pod :3000, node port :30080',
    ':8000 → pod :8000, node port :30081',
    ':8001 → pod :8001',
    ':5432 → pod :5432',
  ])
    assert.ok(diagram.includes(port), `${port} drawn`);

  const manifestBefore = spawnSync(
    join(stateDir, 'bin', 'helm'),
    ['get', 'manifest', 'todo-chatbot', '-n', 'todo-app', '--kube-context', 'minikube'],
    { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' },
  ).stdout;
  const again = await runRunbook('03-install', ['--yes'], { stateDir, env });
  assert.equal(again.exitCode, 0, again.stdout);
  const list = JSON.parse(
    spawnSync(join(stateDir, 'bin', 'helm'), ['list', '-n', 'todo-app', '-o', 'json', '--kube-context', 'minikube'], {
      env: { ...process.env, SIM_STATE_DIR: stateDir },
      encoding: 'utf8',
    }).stdout,
  );
  assert.equal(list.length, 1);
  assert.equal(list[0].revision, '2');
  const manifestAfter = spawnSync(
    join(stateDir, 'bin', 'helm'),
    ['get', 'manifest', 'todo-chatbot', '-n', 'todo-app', '--kube-context', 'minikube'],
    { env: { ...process.env, SIM_STATE_DIR: stateDir }, encoding: 'utf8' },
  ).stdout;
  assert.equal(manifestAfter, manifestBefore, 'the same objects');
});

test('secret values appear in no argv, output, report or ConfigMap, and reach the Secret unchanged', async () => {
  const stateDir = prepared;
  const calls = readFileSync(join(stateDir, 'calls.jsonl'), 'utf8');
  const reports = readdirSync(reportDir)
    .map((f) => readFileSync(join(reportDir, f), 'utf8'))
    .join('\n');
  const configMaps = simKubectl(stateDir, ['get', 'configmaps', '-n', 'todo-app', '-o', 'json']);
  const secret = JSON.parse(simKubectl(stateDir, ['get', 'secret', 'todo-chatbot-secrets', '-n', 'todo-app', '-o', 'json']));
  for (const [key, value] of Object.entries(SECRETS)) {
    const b64 = Buffer.from(value).toString('base64');
    assert.ok(!calls.includes(value) && !calls.includes(b64), `${key} in calls.jsonl`);
    assert.ok(!reports.includes(value) && !reports.includes(b64), `${key} in a report`);
    assert.ok(!configMaps.includes(value) && !configMaps.includes(b64), `${key} in a ConfigMap`);
    assert.equal(Buffer.from(secret.data[key], 'base64').toString('utf8'), value, `${key} in the Secret`);
  }
  assert.ok(!calls.includes('--set secrets.'), 'secrets never travel through --set');
  assert.ok(!existsSync(join(reportDir, 'secrets.yaml')));
});

test('03-install --reproducibility-check: uninstall and reinstall give the same objects', async () => {
  const r = await runRunbook('03-install', ['--yes', '--reproducibility-check', '--no-screenshot'], { stateDir: prepared, env });
  assert.equal(r.exitCode, 0, r.stdout);
  const repro = r.json.checks.find((c: { id: string }) => c.id === 'REPRO');
  assert.equal(repro.status, 'pass');
  assert.match(repro.measured, /identical \(\d+ objects\)/);
  const argvs = r.calls.map((c) => c.argv.slice(0, 2).join(' '));
  assert.ok(argvs.includes('helm uninstall'));
});

test('without a terminal and without the secrets, 03 exits 2 naming the missing one, before anything changes', async () => {
  const stateDir = copyState();
  const before = readCalls(stateDir).length;
  const r = await runRunbook('03-install', [], {
    stateDir,
    env: { POSTGRES_PASSWORD: '', BETTER_AUTH_SECRET: '', OPENAI_API_KEY: '', DATABASE_URL: '' },
  });
  assert.equal(r.exitCode, 2, r.stdout);
  assert.match(r.stdout, /✖ POSTGRES_PASSWORD is not set/);
  assert.equal(readCalls(stateDir).length, before);
});

test('an auth secret that is too short exits 2 before anything changes', async () => {
  const stateDir = copyState();
  const before = readCalls(stateDir).length;
  const r = await runRunbook('03-install', ['--yes'], { stateDir, env: { ...env, BETTER_AUTH_SECRET: 'too-short' } });
  assert.equal(r.exitCode, 2);
  assert.match(r.stdout, /✖ BETTER_AUTH_SECRET is too short \(9 characters; at least 32 required\)/);
  assert.match(r.stdout, /→ generate one: openssl rand -base64 32/);
  assert.equal(readCalls(stateDir).length, before, 'no tool was called at all');
  assert.ok(!r.stdout.includes('too-short'), 'the rejected value is not echoed');
});

const FAULTS: Array<[string, RegExp, RegExp]> = [
  ['image-missing=todo-backend', /ErrImageNeverPull/, /02-load/],
  ['crashloop=backend', /CrashLoopBackOff/, /logs/],
  ['oom=backend', /OOMKilled/, /resources\.limits\.memory/],
  ['probe-fail=frontend', /[Rr]eadiness|probe/, /probe|\/healthz/],
  ['unschedulable', /Unschedulable|Insufficient/, /--cpus|--memory|requests/],
];

for (const [fault, cause, remedy] of FAULTS) {
  test(`03-install with SIM_FAULTS=${fault}: exit 1 naming the cause and the remedy, with evidence`, async () => {
    const stateDir = copyState();
    const r = await runRunbook('03-install', ['--yes', '--timeout', '120s'], { stateDir, env, faults: fault });
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(r.json.reason, cause);
    assert.match(r.json.remedy, remedy);
    assert.match(r.stdout, new RegExp(`✖ .*${cause.source}`));
    assert.match(r.markdown, /## Evidence/);
  });
}

// A --timeout shorter than the install watch's 60 s threshold: helm --atomic gives up and removes
// the pods before the runbook looks at them (the race a slow machine can lose), every time.
test('03-install with probe-fail=frontend lost to helm --atomic: the readiness cause is still named', async () => {
  const stateDir = copyState();
  const r = await runRunbook('03-install', ['--yes', '--timeout', '40s'], { stateDir, env, faults: 'probe-fail=frontend' });
  assert.equal(r.exitCode, 1, r.stdout);
  assert.match(r.stdout, /has been uninstalled due to atomic being set/, 'helm removed the release');
  const pods = JSON.parse(simKubectl(stateDir, ['get', 'pods', '-n', 'todo-app', '-o', 'json'])).items;
  assert.ok(
    pods.every((p: { metadata: { deletionTimestamp?: string } }) => p.metadata.deletionTimestamp),
    'the pods are gone or going',
  );
  assert.match(r.json.reason, /pod\/todo-chatbot-frontend-\S+: ReadinessProbeFailed/);
  assert.match(r.json.remedy, /probe|\/healthz/);
  assert.match(r.markdown, /pods removed before the diagnosis/);
});

test('03-install refuses a foreign kube-context without changing anything', async () => {
  const r = await runRunbook('03-install', ['--yes'], { stateDir: newStateDir(), env, faults: 'context=gke_prod,minikube-stopped' });
  assert.notEqual(r.exitCode, 0);
  assert.deepEqual(mutatingCalls(r.calls), []);
});
