// Runbook 07 end to end on the simulated toolchain: it removes what 00→03 created, proves it by
// asking the cluster, is idempotent, and refuses a foreign context without changing anything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutatingCalls, newStateDir, readCalls, runRunbook, type RunOutcome, simTool } from './harness.ts';
import { PtySession, plain } from './pty.ts';
import { installedCluster } from './prepared.ts';

const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`;
const status = (r: RunOutcome, id: string): string | undefined => r.json?.checks.find((c: { id: string }) => c.id === id)?.status;
const argvs = (calls: RunOutcome['calls']) => calls.map((c) => c.argv.join(' '));

const sim = simTool;

let stateDir: string;

before(async () => {
  stateDir = await installedCluster(); // a clone of the suite's 00 → 03 machine
  const pvcs = JSON.parse(sim(stateDir, 'kubectl', ['get', 'pvc', '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout).items;
  assert.ok(pvcs.length >= 1, 'the release should have a PostgreSQL volume claim to tear down');
});

const foreignStates: string[] = [];

// Leave no simulated cluster (and its NodePort daemon) behind, even when a test failed midway.
after(() => {
  for (const dir of [stateDir, ...foreignStates]) {
    if (!dir) continue;
    sim(dir, 'minikube', ['delete', '-p', 'minikube']);
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});

test('--keep-data: the release goes, the namespace and the database claims stay', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('07-teardown', ['--yes', '--keep-data'], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  const calls = argvs(r.calls.slice(start));
  assert.ok(
    calls.some((a) => a.startsWith('helm uninstall todo-chatbot -n todo-app --wait --timeout')),
    calls.join('\n'),
  );
  assert.ok(!calls.some((a) => a.startsWith('kubectl delete')), 'deleted something despite --keep-data');
  assert.equal(status(r, 'TEARDOWN-RELEASE'), 'pass');
  assert.equal(status(r, 'TEARDOWN-NAMESPACE'), 'skip');
  assert.equal(status(r, 'TEARDOWN-PVC'), 'skip');
  assert.equal(sim(stateDir, 'kubectl', ['get', 'namespace', 'todo-app', '-o', 'json', '--context', 'minikube']).code, 0);
});

test('interactively: it says the database goes with the claims and asks; Enter keeps them, and keeps the cluster', async () => {
  const start = readCalls(stateDir).length;
  const s = new PtySession('07-teardown', ['--simulate', '--report-dir', mkdtempSync(join(tmpdir(), 'pty-reports-'))], {
    SIM_STATE_DIR: stateDir,
    ENV_FILE: '',
  });
  try {
    // The question may wrap and carries colour codes: match its parts in order.
    let at = await s.waitFor(
      /Delete namespace todo-app and its 1 volume claim\(s\) \(data-todo-chatbot-postgresql-0\)\? The PostgreSQL data[\s\S]*?cannot be recovered\.[\s\S]*?\(y\/N\)/,
      60_000,
    );
    s.type('\r');
    at = await s.waitFor(/Also delete the whole minikube cluster "minikube"[\s\S]*?\(y\/N\)/, 60_000, at);
    s.type('\r');
    assert.equal(await s.exited, 0, plain(s.output));
    assert.match(plain(s.output), /kept namespace todo-app and its 1 volume claim/);
  } finally {
    s.kill();
  }
  const calls = argvs(readCalls(stateDir).slice(start));
  assert.deepEqual(mutatingCalls(readCalls(stateDir).slice(start)), [], calls.join('\n'));
  assert.equal(sim(stateDir, 'kubectl', ['get', 'namespace', 'todo-app', '-o', 'json', '--context', 'minikube']).code, 0);
});

test('--yes: volume claims and namespace deleted (the user was told the data goes), cluster kept; checks prove it', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('07-teardown', ['--yes'], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  const calls = argvs(r.calls.slice(start));
  assert.ok(
    calls.some((a) => a.startsWith('kubectl delete pvc -l app.kubernetes.io/instance=todo-chatbot -n todo-app --ignore-not-found')),
    calls.join('\n'),
  );
  assert.ok(
    calls.some((a) => a.startsWith('kubectl delete namespace todo-app --wait=true')),
    calls.join('\n'),
  );
  assert.ok(!calls.some((a) => a.startsWith('minikube delete')), 'deleted the cluster without --delete-cluster');
  assert.ok(!calls.some((a) => a.startsWith('helm uninstall')), 'uninstalled a release that was already gone');
  assert.match(r.stdout, /PostgreSQL data .* deleted with them and cannot be recovered/);
  for (const id of ['SAFE-CONTEXT', 'TEARDOWN-RELEASE', 'TEARDOWN-NAMESPACE', 'TEARDOWN-PVC']) assert.equal(status(r, id), 'pass', id);
  assert.match(r.json.environment.removed, /namespace todo-app/);
  // The cluster agrees: no release, no namespace, no claim.
  assert.deepEqual(JSON.parse(sim(stateDir, 'helm', ['list', '-A', '-o', 'json', '--kube-context', 'minikube']).stdout), []);
  const ns = sim(stateDir, 'kubectl', ['get', 'namespace', 'todo-app', '-o', 'json', '--context', 'minikube']);
  assert.equal(ns.code, 1);
  assert.match(ns.stderr, /NotFound/);
  assert.deepEqual(JSON.parse(sim(stateDir, 'kubectl', ['get', 'pvc', '-A', '-o', 'json', '--context', 'minikube']).stdout).items, []);
  assert.equal(JSON.parse(sim(stateDir, 'minikube', ['status', '-p', 'minikube', '-o', 'json']).stdout).Host, 'Running');
});

test('a second run finds nothing, says so, changes nothing and exits 0', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('07-teardown', ['--yes'], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  assert.match(r.stdout, /Nothing was left to remove/);
  assert.deepEqual(mutatingCalls(r.calls.slice(start)), []);
  for (const id of ['TEARDOWN-RELEASE', 'TEARDOWN-NAMESPACE', 'TEARDOWN-PVC']) assert.equal(status(r, id), 'pass', id);
});

test('--delete-cluster deletes the minikube profile; after that, a run still exits 0 with nothing left', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('07-teardown', ['--yes', '--delete-cluster'], { stateDir });
  assert.equal(r.exitCode, 0, show(r));
  assert.ok(argvs(r.calls.slice(start)).includes('minikube delete -p minikube'));
  assert.equal(status(r, 'TEARDOWN-CLUSTER'), 'pass');
  assert.equal(sim(stateDir, 'minikube', ['status', '-p', 'minikube', '-o', 'json']).code, 85);

  const next = readCalls(stateDir).length;
  const again = await runRunbook('07-teardown', ['--yes'], { stateDir });
  assert.equal(again.exitCode, 0, show(again));
  assert.match(again.stdout, /Nothing was left to remove/);
  assert.deepEqual(mutatingCalls(again.calls.slice(next)), []);
});

test('a foreign kube-context is refused before anything is deleted: no mutating call at all', async () => {
  const foreign = newStateDir();
  foreignStates.push(foreign);
  const r = await runRunbook('07-teardown', ['--yes', '--delete-cluster'], { stateDir: foreign, faults: 'context=gke_prod' });
  assert.equal(r.exitCode, 1, show(r));
  assert.equal(status(r, 'SAFE-CONTEXT'), 'fail');
  assert.match(r.json.reason, /kube-context/);
  assert.match(r.json.remedy, /kubectl config use-context minikube/);
  assert.deepEqual(mutatingCalls(r.calls), []);
});
