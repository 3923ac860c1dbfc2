// values-staging.yaml sits between dev and prod: what makes it staging is asserted on what helm
// renders from it, so an edit that turns it into a copy of dev (one pod, debug logs) or of prod
// (external database, no NodePorts) fails here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { APP_COMPONENTS, CHART_DIR, componentName, render } from './helm.ts';

const CI_SECRETS = join(CHART_DIR, 'ci', 'default-values.yaml');
const staging = () => render({ files: [join(CHART_DIR, 'values-staging.yaml'), CI_SECRETS] });

describe('values-staging.yaml', () => {
  it('runs two pods per app component, each behind a PodDisruptionBudget of one', () => {
    const r = staging();
    for (const component of APP_COMPONENTS) {
      assert.equal(r.deployment(component).spec.replicas, 2, component);
      assert.equal(r.get('PodDisruptionBudget', componentName(component)).spec.minAvailable, 1, component);
    }
    assert.equal(r.all('HorizontalPodAutoscaler').length, 0, 'fixed replicas: staging compares like with like');
  });

  it('pulls images when missing and logs at info level, as production does', () => {
    const r = staging();
    for (const component of APP_COMPONENTS) assert.equal(r.container(component).imagePullPolicy, 'IfNotPresent', component);
    assert.equal(r.envValue('backend', 'LOG_LEVEL'), 'info');
    assert.equal(r.envValue('mcp', 'LOG_LEVEL'), 'info');
  });

  it('keeps its own PostgreSQL on a 2Gi claim and the NodePorts the runbooks reach', () => {
    const r = staging();
    const db = r.get('StatefulSet', componentName('postgresql'));
    assert.equal(db.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '2Gi');
    assert.equal(r.get('Service', componentName('frontend')).spec.type, 'NodePort');
    assert.equal(r.get('Service', componentName('backend')).spec.type, 'NodePort');
    assert.equal(r.all('Ingress').length, 0);
  });
});
