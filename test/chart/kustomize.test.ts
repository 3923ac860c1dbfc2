// The kustomize overlays (deploy/kustomize): each is rendered with the real kustomize
// (sigs.k8s.io/kustomize/kustomize/v5, built by test/tools/go-tool.sh) inflating the real chart
// through the real helm (`--enable-helm --helm-command`), and the differences between overlays
// are asserted — and that development is the chart itself, so the overlays are no second source
// of truth for anything they do not patch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { goTool } from '../tools/go-tool.ts';
import { APP_COMPONENTS, HELM, type K8sObject, REPO_ROOT, Rendered, render, scratch } from './helm.ts';

const KUSTOMIZE = goTool('kustomize');
const OVERLAYS = join(REPO_ROOT, 'deploy', 'kustomize', 'overlays');
const SECRET_NAME = 'todo-chatbot-secrets';
const ENV_LABEL = 'app.kubernetes.io/environment';

function build(overlay: string): Rendered {
  const r = spawnSync(KUSTOMIZE, ['build', '--enable-helm', '--helm-command', HELM, join(OVERLAYS, overlay)], {
    encoding: 'utf8',
    timeout: 120_000,
    // helm's own folders in a scratch place, as test/chart/helm.ts does for its helm calls.
    env: { ...process.env, HELM_CONFIG_HOME: scratch('config'), HELM_CACHE_HOME: scratch('cache'), HELM_DATA_HOME: scratch('data') },
  });
  assert.equal(r.status, 0, `kustomize build ${overlay} failed:\n${r.stderr}`);
  const objects = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return new Rendered(objects, r.stdout);
}

const rendered = {
  development: build('development'),
  staging: build('staging'),
  production: build('production'),
};
const NAMESPACES = { development: 'todo-dev', staging: 'todo-staging', production: 'todo-prod' } as const;
const ids = (r: Rendered) => r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const replicas = (r: Rendered) => Object.fromEntries(APP_COMPONENTS.map((c) => [c, r.deployment(c).spec.replicas]));

describe('kustomize overlays inflating the chart', () => {
  test('all three render the same objects: the chart without its test pod or a Secret, plus a Namespace', () => {
    const expected = [
      'ConfigMap/todo-chatbot-config',
      'Deployment/todo-chatbot-backend',
      'Deployment/todo-chatbot-frontend',
      'Deployment/todo-chatbot-mcp',
      'Namespace/todo-dev',
      'Service/todo-chatbot-backend',
      'Service/todo-chatbot-frontend',
      'Service/todo-chatbot-mcp',
      'Service/todo-chatbot-postgresql',
      'StatefulSet/todo-chatbot-postgresql',
    ];
    assert.deepEqual(ids(rendered.development), expected);
    assert.deepEqual(
      ids(rendered.staging),
      expected.map((id) => id.replace('todo-dev', 'todo-staging')),
    );
    assert.deepEqual(
      ids(rendered.production),
      expected.map((id) => id.replace('todo-dev', 'todo-prod')),
    );
  });

  for (const [overlay, r] of Object.entries(rendered)) {
    const namespace = NAMESPACES[overlay as keyof typeof NAMESPACES];
    test(`${overlay}: every object in ${namespace}, labelled ${ENV_LABEL}=${overlay}, secrets only by reference to ${SECRET_NAME}`, () => {
      for (const o of r.objects) {
        if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, namespace, `${o.kind}/${o.metadata.name}`);
        assert.equal(o.metadata.labels?.[ENV_LABEL], overlay, `${o.kind}/${o.metadata.name}`);
      }
      const refs = r
        .podSpecs()
        .flatMap((p) =>
          p.spec.containers.flatMap((c: any) =>
            (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name),
          ),
        );
      assert.ok(refs.length >= 4, 'the app reads its secrets through secretKeyRef');
      assert.deepEqual([...new Set(refs)], [SECRET_NAME]);
    });
  }

  test('development is the chart as the runbooks install it: identical objects but for namespace and label', () => {
    const chart = render({ files: [join(REPO_ROOT, 'deploy', 'kustomize', 'base', 'values.yaml')], namespace: 'todo-app' });
    const strip = (o: K8sObject) => {
      const copy = structuredClone(o);
      delete copy.metadata.namespace;
      delete copy.metadata.labels?.[ENV_LABEL];
      return copy;
    };
    const fromChart = chart.objects.filter((o) => o.kind !== 'Pod').map(strip);
    const fromOverlay = rendered.development.objects.filter((o) => o.kind !== 'Namespace').map(strip);
    const byId = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    assert.deepEqual(byId(fromOverlay), byId(fromChart));
  });

  test('images: local todo-*:0.1.0 never pulled in development; the registry, pulled if absent, in staging and production', () => {
    for (const c of APP_COMPONENTS) {
      assert.equal(rendered.development.container(c).image, `todo-${c}:0.1.0`);
      assert.equal(rendered.development.container(c).imagePullPolicy, 'Never');
      for (const r of [rendered.staging, rendered.production]) {
        assert.equal(r.container(c).image, `registry.example.com/todo/todo-${c}:0.1.0`);
        assert.equal(r.container(c).imagePullPolicy, 'IfNotPresent');
      }
    }
  });

  test('replicas: 1/1/1 in development, 2/2/1 in staging, 3/3/2 in production; PostgreSQL stays one', () => {
    assert.deepEqual(replicas(rendered.development), { frontend: 1, backend: 1, mcp: 1 });
    assert.deepEqual(replicas(rendered.staging), { frontend: 2, backend: 2, mcp: 1 });
    assert.deepEqual(replicas(rendered.production), { frontend: 3, backend: 3, mcp: 2 });
    for (const r of Object.values(rendered)) assert.equal(r.get('StatefulSet', 'todo-chatbot-postgresql').spec.replicas, 1);
  });

  test('services: node ports 30080/30081 in development; ClusterIP without node ports in staging and production', () => {
    const ports = (r: Rendered, c: string) => r.get('Service', `todo-chatbot-${c}`);
    assert.equal(ports(rendered.development, 'frontend').spec.type, 'NodePort');
    assert.equal(ports(rendered.development, 'frontend').spec.ports[0].nodePort, 30080);
    assert.equal(ports(rendered.development, 'backend').spec.ports[0].nodePort, 30081);
    for (const r of [rendered.staging, rendered.production]) {
      for (const c of ['frontend', 'backend', 'mcp']) {
        assert.equal(ports(r, c).spec.type, 'ClusterIP', c);
        assert.equal(ports(r, c).spec.ports[0].nodePort, undefined, c);
      }
    }
  });

  test('public URLs: the chart-derived localhost ones in development, each environment its own address', () => {
    const url = (r: Rendered) => r.envValue('frontend', 'NEXT_PUBLIC_APP_URL');
    assert.equal(url(rendered.development), 'http://localhost:30080');
    assert.equal(url(rendered.staging), 'https://todo.staging.example.com');
    assert.equal(url(rendered.production), 'https://todo.example.com');
    assert.equal(rendered.production.get('ConfigMap', 'todo-chatbot-config').data?.['backend.CORS_ORIGINS'], 'https://todo.example.com');
  });

  test('resources: production raises only the backend ceilings; the rest are the chart defaults', () => {
    assert.deepEqual(rendered.production.container('backend').resources.limits, { cpu: '1', memory: '1Gi' });
    assert.deepEqual(rendered.staging.container('backend').resources, rendered.development.container('backend').resources);
    for (const c of ['frontend', 'mcp'] as const) {
      assert.deepEqual(rendered.production.container(c).resources, rendered.development.container(c).resources, c);
    }
  });
});
