// The security policy - non-root, read-only root filesystem, no privilege escalation, no
// capabilities, RuntimeDefault seccomp, no service-account token, pinned tags, resources - holds
// for every container of every values set, PostgreSQL and the test pod included. The checker is
// itself tested against manifests that break each rule.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BASE_SECRETS, CHART_DIR, ciValuesFiles, render, renderDefault, Rendered, type RenderOptions } from './helm.ts';
import { imageTag, securityViolations } from './policy.ts';

const CI_SECRETS = join(CHART_DIR, 'ci', 'default-values.yaml');

const VALUE_SETS: [string, RenderOptions][] = [
  ['chart defaults', { values: [BASE_SECRETS] }],
  ...ciValuesFiles().map((f): [string, RenderOptions] => [f.slice(CHART_DIR.length + 1), { files: [f] }]),
  ['values-dev.yaml', { files: [join(CHART_DIR, 'values-dev.yaml'), CI_SECRETS] }],
  ['values-staging.yaml', { files: [join(CHART_DIR, 'values-staging.yaml'), CI_SECRETS] }],
  ['values-prod.yaml', { files: [join(CHART_DIR, 'values-prod.yaml')] }],
];

describe('security policy on every values set', () => {
  it('has the ci matrix to walk', () => {
    assert.ok(VALUE_SETS.length >= 8, `only ${VALUE_SETS.length} value sets`);
  });

  for (const [name, opts] of VALUE_SETS) {
    it(`holds for ${name}`, () => {
      const r = render(opts);
      const pods = r.podSpecs();
      const expectedPods = 3 + r.all('StatefulSet').length + r.all('CronJob').length + r.all('Pod').length;
      assert.equal(pods.length, expectedPods);
      assert.ok(pods.length >= 4, 'the app pods were rendered');
      assert.deepEqual(securityViolations(r), []);
    });

    it(`gives writable emptyDirs where processes write, for ${name}`, () => {
      const r = render(opts);
      for (const { owner, spec } of r.podSpecs()) {
        if (owner.startsWith('Pod/')) continue; // the test pod only reads and prints
        const emptyDirs = new Set((spec.volumes ?? []).filter((v: any) => v.emptyDir).map((v: any) => v.name));
        const [container] = spec.containers;
        const mounts = new Map<string, string>((container.volumeMounts ?? []).map((m: any) => [m.mountPath, m.name]));
        assert.ok(emptyDirs.has(mounts.get('/tmp')), `${owner}: /tmp is an emptyDir`);
        if (owner.startsWith('StatefulSet/')) {
          assert.ok(emptyDirs.has(mounts.get('/var/run/postgresql')), `${owner}: /var/run/postgresql is an emptyDir`);
          assert.ok(mounts.has('/var/lib/postgresql/data'), `${owner}: the data directory is a volume`);
        }
      }
    });
  }
});

describe('the policy checker', () => {
  it('reports a read-only root filesystem switched off, for every container including PostgreSQL and the test pod', () => {
    const v = securityViolations(renderDefault({ set: ['securityContext.readOnlyRootFilesystem=false'] }));
    const owners = v
      .filter((x) => x.includes('readOnlyRootFilesystem'))
      .map((x) => x.split(':')[0])
      .sort();
    assert.deepEqual(owners, [
      'Deployment/todo-chatbot-backend container backend',
      'Deployment/todo-chatbot-frontend container frontend',
      'Deployment/todo-chatbot-mcp container mcp',
      'Pod/todo-chatbot-test container test',
      'StatefulSet/todo-chatbot-postgresql container postgresql',
    ]);
  });

  it('reports privilege escalation, kept capabilities, root and seccomp changes per component', () => {
    const v = securityViolations(
      renderDefault({
        set: [
          'backend.securityContext.allowPrivilegeEscalation=true',
          'mcp.securityContext.capabilities.drop={NET_RAW}',
          'frontend.securityContext.seccompProfile.type=Unconfined',
          'postgresql.podSecurityContext.runAsUser=0',
          'postgresql.securityContext.runAsNonRoot=false',
        ],
      }),
    );
    assert.ok(v.includes('Deployment/todo-chatbot-backend container backend: allowPrivilegeEscalation is not false'), v.join('\n'));
    assert.ok(v.includes('Deployment/todo-chatbot-mcp container mcp: capabilities do not drop ALL'), v.join('\n'));
    assert.ok(
      v.includes('Deployment/todo-chatbot-frontend container frontend: seccompProfile is Unconfined, not RuntimeDefault'),
      v.join('\n'),
    );
    assert.ok(v.includes('StatefulSet/todo-chatbot-postgresql: pod runAsUser is 0 (root)'), v.join('\n'));
    assert.ok(v.includes('StatefulSet/todo-chatbot-postgresql container postgresql: runAsNonRoot is not true'), v.join('\n'));
    assert.equal(v.length, 6, v.join('\n'));
  });

  it('reports a mounted token, a latest or missing tag, missing resources and host namespaces', () => {
    const bad = new Rendered(
      [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'bad' },
          spec: {
            template: {
              metadata: {},
              spec: {
                hostNetwork: true,
                securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'a',
                    image: 'todo-backend:latest',
                    securityContext: {
                      readOnlyRootFilesystem: true,
                      allowPrivilegeEscalation: false,
                      capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
                    },
                    resources: { requests: { cpu: '10m' } },
                  },
                  { name: 'b', image: 'localhost:5000/todo-backend', securityContext: { privileged: true } },
                ],
              },
            },
          },
        },
      ],
      '',
    );
    const v = securityViolations(bad);
    for (const expected of [
      'Deployment/bad: automountServiceAccountToken is not false',
      'Deployment/bad: hostNetwork is true',
      'Deployment/bad container a: image todo-backend:latest uses the latest tag',
      'Deployment/bad container a: adds capabilities NET_ADMIN',
      'Deployment/bad container a: no requests.memory',
      'Deployment/bad container a: no limits.cpu',
      'Deployment/bad container b: image localhost:5000/todo-backend has no tag',
      'Deployment/bad container b: privileged',
      'Deployment/bad container b: readOnlyRootFilesystem is not true',
    ]) {
      assert.ok(v.includes(expected), `missing "${expected}" in:\n${v.join('\n')}`);
    }
  });

  it('reads tags from image references with registries and digests', () => {
    assert.equal(imageTag('postgres:16-alpine'), '16-alpine');
    assert.equal(imageTag('localhost:5000/acme/api:2.0@sha256:' + 'a'.repeat(64)), '2.0');
    assert.equal(imageTag('localhost:5000/acme/api'), undefined);
    assert.equal(imageTag('todo-mcp'), undefined);
  });
});
