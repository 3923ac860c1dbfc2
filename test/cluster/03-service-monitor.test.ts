// The chart's ServiceMonitor on the real node (after 01-main-path's install). The lane runs no
// Prometheus Operator, so at first the API server has no ServiceMonitor kind: 03 with
// metrics.serviceMonitor.enabled must refuse before helm (exit 2, the release untouched). Then the
// operator's CRD (test/fixtures/servicemonitor-crd.yaml: its names and version, a schema that keeps
// any field) is applied; the real helm's discovery now lists monitoring.coreos.com/v1 ServiceMonitor,
// so 03 installs one and 06 reports both. The ServiceMonitor is switched off and the CRD deleted after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  LANE_VALUES,
  NAMESPACE,
  RELEASE,
  ROOT,
  check,
  kubectl,
  kubectlJson,
  laneEnv,
  missingPrerequisite,
  recordFigure,
  runRunbook,
  tail,
} from './harness.ts';

const why = missingPrerequisite();
const CRD = join(ROOT, 'test', 'fixtures', 'servicemonitor-crd.yaml');
const VALUES = join(ROOT, 'test', 'fixtures', 'servicemonitor-values.yaml');
const withMonitor = { HELM_VALUES_FILES: `${LANE_VALUES},${VALUES}` };
const revision = () => kubectlJson(['get', 'secrets', '-n', NAMESPACE, '-l', `owner=helm,name=${RELEASE}`]).items.length;

test('03 refuses an enabled ServiceMonitor without the CRD; with it, 03 installs one and 06 reports both', {
  skip: why,
  timeout: 900_000,
}, async () => {
  kubectl(['delete', '-f', CRD, '--ignore-not-found', '--wait=true']);
  assert.match(kubectl(['get', 'crd', 'servicemonitors.monitoring.coreos.com']).stderr, /NotFound/);
  const before = revision();
  const refused = await runRunbook('03-install', ['--no-screenshot'], { env: withMonitor, timeoutMs: 300_000 });
  assert.equal(refused.exitCode, 2, tail(refused));
  assert.match(
    refused.json.reason,
    /but the cluster cannot take a ServiceMonitor: no CustomResourceDefinition servicemonitors\.monitoring\.coreos\.com$/,
  );
  assert.equal(revision(), before, 'helm never ran: no new release revision');
  recordFigure('03 ServiceMonitor without the CRD', `${refused.json.reason} — ${refused.json.remedy}`);

  const applied = kubectl(['apply', '-f', CRD]);
  assert.equal(applied.status, 0, applied.stderr);
  try {
    const established = kubectl(['wait', '--for=condition=Established', 'crd/servicemonitors.monitoring.coreos.com', '--timeout=60s']);
    assert.equal(established.status, 0, established.stderr);
    const r = await runRunbook('03-install', ['--no-screenshot'], { env: withMonitor, timeoutMs: 900_000 });
    assert.equal(r.exitCode, 0, tail(r));
    const [monitor] = kubectlJson(['get', 'servicemonitors', '-n', NAMESPACE]).items;
    assert.equal(monitor?.metadata.name, RELEASE);
    assert.deepEqual(monitor.spec.endpoints, [{ port: 'http', path: '/metrics', interval: '15s' }]);

    const d = await runRunbook('06-ai-diagnostics', ['--skip-ai'], { env: withMonitor, timeoutMs: 600_000 });
    assert.equal(d.exitCode, 0, tail(d));
    const reported = check(d, 'METRICS-SERVICEMONITOR');
    assert.equal(reported?.status, 'pass', reported?.measured);
    assert.equal(
      reported.measured,
      `CRD: servicemonitors.monitoring.coreos.com Established, serving v1; metrics.serviceMonitor.enabled true; ServiceMonitor: ${RELEASE}`,
    );
    recordFigure('06 METRICS-SERVICEMONITOR', reported.measured);
  } finally {
    // The release as the later files expect it: no ServiceMonitor, and no CRD in the cluster.
    const off = spawnSync(
      'helm',
      [
        'upgrade',
        RELEASE,
        laneEnv().HELM_CHART_DIR!,
        '--reuse-values',
        '--set',
        'metrics.serviceMonitor.enabled=false',
        '--wait',
        '--timeout',
        '180s',
        '-n',
        NAMESPACE,
        '--kube-context',
        'minikube',
      ],
      { env: laneEnv(), encoding: 'utf8' },
    );
    assert.equal(off.status, 0, off.stderr);
    assert.equal(kubectl(['delete', '-f', CRD, '--wait=true']).status, 0);
  }
});
