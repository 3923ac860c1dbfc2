// 06 on the real node (after 01-main-path's install): the app's own Prometheus metrics read from
// the demo services' real GET /metrics through the API server's Service proxy, and every running
// container measured by the lane's metrics-server (the node's own build of it, enabled by 00 as
// `minikube addons enable metrics-server`). Then the metrics API made unavailable for a moment
// (metrics-server scaled to 0, so the API server answers 503 for metrics.k8s.io) to prove what 06
// reports without it, and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, check, kubectl, kubectlJson, missingPrerequisite, recordFigure, runRunbook, tail } from './harness.ts';
import { sampleSum } from '../../src/runbooks/steps/app-metrics.ts';

const why = missingPrerequisite();
const METRICS_PODS = `/apis/metrics.k8s.io/v1beta1/namespaces/${NAMESPACE}/pods`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The names of the namespace's running pods. */
function runningPods(): string[] {
  return kubectlJson(['get', 'pods', '-n', NAMESPACE, '--field-selector=status.phase=Running']).items.map(
    (p: { metadata: { name: string } }) => p.metadata.name,
  );
}

/** Waits until metrics-server has a sample of every running pod (it scrapes every 60 s). */
async function untilMeasured(timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = kubectl(['get', '--raw', METRICS_PODS]);
    const measured = r.status === 0 ? JSON.parse(r.stdout).items.map((i: { metadata: { name: string } }) => i.metadata.name) : [];
    const pods = runningPods();
    if (pods.length && pods.every((p) => measured.includes(p))) return pods;
    if (Date.now() > deadline)
      assert.fail(`metrics-server measured ${measured.join(', ') || 'nothing'} of ${pods.join(', ')}: ${r.stderr}`);
    await sleep(5000);
  }
}

/** A demo Service's GET /metrics through the API server's Service proxy, as 06 reads it. */
function metricsOf(service: string, port: number): string {
  const r = kubectl(['get', '--raw', `/api/v1/namespaces/${NAMESPACE}/services/${service}:${port}/proxy/metrics`]);
  assert.equal(r.status, 0, `${service} /metrics: ${r.stderr}`);
  return r.stdout;
}

test("06 reads the demo services' real /metrics and measures every running container with metrics-server", {
  skip: why,
  timeout: 900_000,
}, async () => {
  // The lane runs metrics-server (00-setup enabled it); after 04's node restart it may still be starting.
  const rollout = kubectl(['rollout', 'status', 'deployment/metrics-server', '-n', 'kube-system', '--timeout=180s']);
  assert.equal(rollout.status, 0, `metrics-server: ${rollout.stderr || rollout.stdout}`);
  const pods = await untilMeasured(240_000);
  const r = await runRunbook('06-ai-diagnostics', ['--skip-ai'], { timeoutMs: 600_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('06-ai-diagnostics --skip-ai s', Math.round(r.ms / 1000));

  const app = check(r, 'APP-METRICS');
  assert.equal(app?.status, 'pass', `APP-METRICS: ${app?.measured}`);
  const services = { frontend: 3000, backend: 8000, mcp: 8001 };
  for (const [component, port] of Object.entries(services)) {
    const [, count, mib, up] =
      new RegExp(`${component}: (\\d+) request\\(s\\) answered, (\\d+)Mi resident, up (\\d+) s`).exec(app.measured) ?? [];
    assert.ok(count, `${component} in ${app.measured}`);
    // Read again after 06: the same counter, never lower (one pod per component here), and a real
    // process's resident memory.
    const now = metricsOf(`todo-chatbot-${component}`, port);
    assert.ok(
      sampleSum(now, 'http_requests_total')! >= Number(count),
      `${component}: ${count} then ${sampleSum(now, 'http_requests_total')}`,
    );
    assert.ok(Number(mib) >= 5 && Number(mib) < 1024, `${component} resident ${mib}Mi`);
    // (06 rounds the uptime to the second: the same process reads at most half a second less a moment later)
    const uptime = sampleSum(now, 'process_uptime_seconds')!;
    assert.ok(uptime >= Number(up) - 0.5, `${component} uptime ${up} s, then ${uptime} s`);
  }
  recordFigure('06 APP-METRICS', app.measured);

  const use = check(r, 'RESOURCES-MEASURED');
  assert.equal(use?.status, 'pass', `RESOURCES-MEASURED: ${use?.measured}`);
  assert.match(use.measured, new RegExp(`^${pods.length} container\\(s\\) measured; built-in analysis: `));
  const table =
    (r.json.evidence as Array<{ title: string; body: string }>).find((e) => e.title.startsWith('Measured resource use'))?.body ?? '';
  for (const pod of pods) assert.match(table, new RegExp(`^${pod}/\\S+ \\(\\w+\\): CPU \\d+m used`, 'm'), `${pod} in the table:\n${table}`);
  recordFigure('06 RESOURCES-MEASURED', { measured: use.measured, table });
});

test('without a serving metrics API (metrics-server scaled to 0) 06 says nothing was measured and still passes', {
  skip: why,
  timeout: 900_000,
}, async () => {
  const scale = (n: number) => kubectl(['scale', 'deployment', 'metrics-server', '-n', 'kube-system', `--replicas=${n}`]);
  assert.equal(scale(0).status, 0);
  try {
    // The APIService stays registered; with no endpoint behind it the API server answers 503.
    const deadline = Date.now() + 120_000;
    let raw = kubectl(['get', '--raw', METRICS_PODS]);
    while (raw.status === 0 && Date.now() < deadline) {
      await sleep(2000);
      raw = kubectl(['get', '--raw', METRICS_PODS]);
    }
    assert.notEqual(raw.status, 0, 'the metrics API still answers with metrics-server at 0 replicas');
    recordFigure('metrics API without metrics-server', raw.stderr.trim());
    const r = await runRunbook('06-ai-diagnostics', ['--skip-ai'], { timeoutMs: 600_000 });
    assert.equal(r.exitCode, 0, tail(r));
    const use = check(r, 'RESOURCES-MEASURED');
    assert.equal(use?.status, 'skip', use?.measured);
    assert.equal(use.measured, 'metrics API not available: nothing measured');
    assert.match(use.remedy, /minikube addons enable metrics-server/);
    assert.equal(check(r, 'APP-METRICS')?.status, 'pass', 'the app metrics do not need the metrics API');
  } finally {
    scale(1);
    const back = kubectl(['rollout', 'status', 'deployment/metrics-server', '-n', 'kube-system', '--timeout=180s']);
    assert.equal(back.status, 0, back.stderr);
  }
});
