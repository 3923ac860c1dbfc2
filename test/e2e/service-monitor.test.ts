// The chart's ServiceMonitor end to end on the simulated toolchain (issue 16: "the CRD's presence
// checked before use"). The chart renders it only where the cluster serves the kind, so without
// the Prometheus Operator's CRD helm would leave it out without a word: 03 refuses first (exit 2,
// one line and a remedy, nothing changed). With the CRD applied, 03 installs it (helm's
// Capabilities come from the cluster's discovery) and 06 reports the CRD and the object.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, mutatingCalls, readCalls, runRunbook, simTool, type RunOutcome } from './harness.ts';
import { SECRETS, installedCluster } from './prepared.ts';

const CRD = join(ROOT, 'test', 'fixtures', 'servicemonitor-crd.yaml');
const VALUES = join(ROOT, 'test', 'fixtures', 'servicemonitor-values.yaml');
const env = { ...SECRETS, GEMINI_API_KEY: '', SIM_GORDON: '', HELM_VALUES_FILES: VALUES };
const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`;
const check = (r: RunOutcome, id: string) => r.json?.checks.find((c: { id: string }) => c.id === id);
const kubectl = (args: string[]) => simTool(stateDir, 'kubectl', [...args, '--context', 'minikube']);

let stateDir: string;

before(async () => {
  stateDir = await installedCluster(); // a clone of the suite's 00 → 03 machine (ServiceMonitor off)
});

after(() => {
  if (!stateDir) return;
  simTool(stateDir, 'minikube', ['delete', '-p', 'minikube']);
  rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

test('06 without the CRD: nothing asked for, nothing there; the check says the CRD is absent', async () => {
  const r = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], { stateDir, env: { ...env, HELM_VALUES_FILES: '' } });
  assert.equal(r.exitCode, 0, show(r));
  const monitor = check(r, 'METRICS-SERVICEMONITOR');
  assert.equal(monitor?.status, 'skip', monitor?.measured);
  assert.equal(
    monitor.measured,
    'CRD: absent (no CustomResourceDefinition servicemonitors.monitoring.coreos.com); metrics.serviceMonitor.enabled false; ServiceMonitor: none',
  );
});

test('03 with metrics.serviceMonitor.enabled and no CRD: refused before helm (exit 2, one line and a remedy, nothing changed)', async () => {
  const start = readCalls(stateDir).length;
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env });
  assert.equal(r.exitCode, 2, show(r));
  assert.match(
    r.json.reason,
    new RegExp(
      `^metrics\\.serviceMonitor\\.enabled is true \\(${VALUES}\\), but the cluster cannot take a ServiceMonitor: no CustomResourceDefinition servicemonitors\\.monitoring\\.coreos\\.com$`,
    ),
  );
  assert.match(r.json.remedy, /^install the Prometheus Operator's CRDs first \(kubectl get crd servicemonitors\.monitoring\.coreos\.com/);
  assert.doesNotMatch(show(r), /\n\s+at .*\.ts:\d+/, 'no stack trace');
  const calls = readCalls(stateDir).slice(start);
  assert.deepEqual(mutatingCalls(calls), [], 'nothing changed');
  assert.ok(!calls.some((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade'), 'helm never ran');
  assert.ok(
    calls.some((c) => c.argv.join(' ').startsWith('kubectl get customresourcedefinition servicemonitors.monitoring.coreos.com -o json')),
  );
});

test('with the CRD applied: 03 installs the ServiceMonitor and 06 reports the CRD and the object', async () => {
  const applied = kubectl(['apply', '-f', CRD]);
  assert.equal(applied.code, 0, applied.stderr);
  // The clone has a node address of its own, and the frontend's image tag carries it: build and load first.
  for (const id of ['01-build', '02-load']) {
    const step = await runRunbook(id, ['--yes'], { stateDir, env });
    assert.equal(step.exitCode, 0, show(step));
  }
  const r = await runRunbook('03-install', ['--yes', '--no-screenshot'], { stateDir, env });
  // (a response-time target can be missed on a busy machine; the release is what matters here)
  const failed = (r.json.checks as Array<{ id: string; status: string }>).filter((c) => c.status === 'fail').map((c) => c.id);
  assert.ok(r.exitCode === 0 || (failed.length > 0 && failed.every((id) => id.startsWith('SMOKE-'))), show(r));
  assert.match(
    r.markdown,
    /ServiceMonitor enabled and the cluster serves it \(servicemonitors\.monitoring\.coreos\.com Established, serving v1\)/,
  );
  const monitors = JSON.parse(kubectl(['get', 'servicemonitors', '-n', 'todo-app', '-o', 'json']).stdout).items;
  assert.deepEqual(
    monitors.map((m: { metadata: { name: string } }) => m.metadata.name),
    ['todo-chatbot'],
  );
  assert.deepEqual(monitors[0].spec.endpoints, [{ port: 'http', path: '/metrics', interval: '15s' }]);

  const d = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], { stateDir, env });
  assert.equal(d.exitCode, 0, show(d));
  const monitor = check(d, 'METRICS-SERVICEMONITOR');
  assert.equal(monitor?.status, 'pass', monitor?.measured);
  assert.equal(
    monitor.measured,
    'CRD: servicemonitors.monitoring.coreos.com Established, serving v1; metrics.serviceMonitor.enabled true; ServiceMonitor: todo-chatbot',
  );
});
