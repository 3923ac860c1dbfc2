// When the cluster can take the chart's ServiceMonitor: the values ask for it, and the CRD is
// Established and serves v1 (only then does discovery, and so helm's .Capabilities, list it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_MONITOR_CRD, crdServes, serviceMonitorWanted } from '../../src/cluster/service-monitor.ts';
import { effectiveValues } from '../../src/cluster/release-values.ts';
import type { KubeObject } from '../../src/tools/kubectl.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const fixture = (): KubeObject => parse(readFileSync(join(ROOT, 'test', 'fixtures', 'servicemonitor-crd.yaml'), 'utf8'));
const established = { conditions: [{ type: 'Established', status: 'True' }] };

test("the chart's default leaves it off; the values file the tests use turns it on", () => {
  const chart = join(ROOT, 'helm', 'todo-chatbot');
  assert.equal(serviceMonitorWanted(effectiveValues(chart, [])), false);
  assert.equal(serviceMonitorWanted(effectiveValues(chart, [join(ROOT, 'test', 'fixtures', 'servicemonitor-values.yaml')])), true);
  assert.equal(serviceMonitorWanted({ metrics: { serviceMonitor: { enabled: 'true' } } }), false, 'the schema wants a boolean');
});

test('a CRD serves ServiceMonitor only when it exists, is Established and serves v1', () => {
  assert.equal(fixture().metadata.name, SERVICE_MONITOR_CRD);
  assert.deepEqual(crdServes(undefined), { serves: false, why: `no CustomResourceDefinition ${SERVICE_MONITOR_CRD}` });
  assert.match(crdServes(fixture()).why, /is not Established yet/);
  assert.deepEqual(crdServes({ ...fixture(), status: established }), {
    serves: true,
    why: `${SERVICE_MONITOR_CRD} Established, serving v1`,
  });
  const v1alpha1 = { ...fixture(), status: established };
  v1alpha1.spec = { ...v1alpha1.spec, versions: [{ name: 'v1alpha1', served: true }] };
  assert.match(crdServes(v1alpha1).why, /serves v1alpha1, not v1$/);
});
