// Prometheus scraping in the chart: off by default; pod annotations on the three app pods (not
// PostgreSQL, which has no /metrics) when asked; a ServiceMonitor only when asked AND the cluster
// serves the kind (.Capabilities.APIVersions), so enabling it without the operator installs cleanly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_COMPONENTS, BASE_SECRETS, render } from './helm.ts';
import { SERVICE_MONITOR_CRD, SERVICE_MONITOR_VERSION } from '../../src/cluster/service-monitor.ts';

// The API version the chart's gate asks for, from the CRD name and version 03 checks: the two cannot drift.
const SERVICE_MONITOR = `${SERVICE_MONITOR_CRD.split('.').slice(1).join('.')}/${SERVICE_MONITOR_VERSION}/ServiceMonitor`;
const scrapeKeys = (o: { spec?: any }) =>
  Object.keys(o.spec.template.metadata.annotations ?? {}).filter((k) => k.startsWith('prometheus.io/'));

test('by default: no scrape annotation, no ServiceMonitor, even where the cluster serves the kind', () => {
  const r = render({ values: [BASE_SECRETS], apiVersions: [SERVICE_MONITOR] });
  for (const d of [...r.all('Deployment'), ...r.all('StatefulSet')]) assert.deepEqual(scrapeKeys(d), [], d.metadata.name);
  assert.equal(r.all('ServiceMonitor').length, 0);
});

test('metrics.podAnnotations: each app pod is annotated with its own port and the path; PostgreSQL is not', () => {
  const r = render({ values: [BASE_SECRETS, { metrics: { podAnnotations: true, path: '/metrics' } }] });
  for (const c of APP_COMPONENTS) {
    const d = r.all('Deployment').find((x) => x.metadata.labels?.['app.kubernetes.io/component'] === c)!;
    const port = d.spec.template.spec.containers[0].ports[0].containerPort;
    assert.deepEqual(
      Object.fromEntries(Object.entries(d.spec.template.metadata.annotations).filter(([k]) => k.startsWith('prometheus.io/'))),
      { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' },
    );
  }
  for (const s of r.all('StatefulSet')) assert.deepEqual(scrapeKeys(s), []);
});

test('metrics.serviceMonitor.enabled: rendered only when the cluster serves ServiceMonitor; it selects the app Services by port http', () => {
  const values = [BASE_SECRETS, { metrics: { serviceMonitor: { enabled: true, interval: '15s' } } }];
  assert.equal(render({ values }).all('ServiceMonitor').length, 0, 'no operator: left out, not an install error');
  const [monitor] = render({ values, apiVersions: [SERVICE_MONITOR] }).all('ServiceMonitor');
  assert.ok(monitor);
  assert.deepEqual(monitor.spec.endpoints, [{ port: 'http', path: '/metrics', interval: '15s' }]);
  assert.deepEqual(monitor.spec.selector.matchExpressions[1], {
    key: 'app.kubernetes.io/component',
    operator: 'In',
    values: [...APP_COMPONENTS],
  });
  assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: ['todo-app'] });
});

test('the gate wants the ServiceMonitor kind itself: its group/version alone (another kind of the group) is not enough', () => {
  const values = [BASE_SECRETS, { metrics: { serviceMonitor: { enabled: true } } }];
  assert.equal(SERVICE_MONITOR, 'monitoring.coreos.com/v1/ServiceMonitor');
  assert.equal(
    render({ values, apiVersions: ['monitoring.coreos.com/v1', 'monitoring.coreos.com/v1/PodMonitor'] }).all('ServiceMonitor').length,
    0,
  );
});
