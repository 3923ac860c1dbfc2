// The chart's shape for reuse: it sits under an umbrella chart (global values), exposes how its
// Deployments roll out, shares one pod-spec skeleton between the apps and PostgreSQL, keeps its
// cross-value checks in their own template, and says where it comes from in Chart.yaml.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { APP_COMPONENTS, BASE_SECRETS, CHART_DIR, componentName, helm, lint, renderDefault, renderError, scratch } from './helm.ts';

const CI_DEFAULT = join(CHART_DIR, 'ci', 'default-values.yaml');

describe('umbrella charts', () => {
  it('accepts global values (a parent chart passes global.* to every subchart)', () => {
    const r = renderDefault({ set: ['global.imageRegistry=registry.example.com', 'global.storageClass=fast'] });
    assert.equal(r.deployment('backend').spec.template.spec.containers[0].image, 'todo-backend:0.1.0', 'global values are not read');
    const l = lint(['-f', CI_DEFAULT, '--set', 'global.imageRegistry=x']);
    assert.equal(l.status, 0, l.stdout + l.stderr);
  });

  it('still refuses an unknown top-level key beside global', () => {
    assert.match(renderError({ values: [BASE_SECRETS], set: ['globals.imageRegistry=x'] }), /Additional property globals is not allowed/);
  });
});

describe('rollout settings', () => {
  it('keeps 5 old ReplicaSets by default and honours <component>.revisionHistoryLimit', () => {
    const r = renderDefault({ set: ['backend.revisionHistoryLimit=2', 'mcp.revisionHistoryLimit=0'] });
    assert.equal(r.deployment('frontend').spec.revisionHistoryLimit, 5);
    assert.equal(r.deployment('backend').spec.revisionHistoryLimit, 2);
    assert.equal(r.deployment('mcp').spec.revisionHistoryLimit, 0);
  });

  it('renders Recreate without rollingUpdate (the API server refuses the pair)', () => {
    const r = renderDefault({ set: ['mcp.strategy.type=Recreate'] });
    assert.deepEqual(r.deployment('mcp').spec.strategy, { type: 'Recreate' });
    assert.deepEqual(r.deployment('backend').spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it('passes counts and percentages through to rollingUpdate', () => {
    const r = renderDefault({ set: ['frontend.strategy.rollingUpdate.maxSurge=25%', 'frontend.strategy.rollingUpdate.maxUnavailable=1'] });
    assert.deepEqual(r.deployment('frontend').spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 },
    });
  });

  it('refuses a strategy typo, a surge above 100 % and a negative history', () => {
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['backend.strategy.type=Rolling'] }),
      /backend\.strategy\.type: .*must be one of the following: "RollingUpdate", "Recreate"/,
    );
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['backend.strategy.rollingUpdate.maxSurge=150%'] }),
      /backend\.strategy\.rollingUpdate\.maxSurge: Must validate at least one schema/,
    );
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['frontend.revisionHistoryLimit=-1'] }),
      /frontend\.revisionHistoryLimit: Must be greater than or equal to 0/,
    );
  });
});

describe('one pod-spec skeleton for the apps and PostgreSQL', () => {
  const r = renderDefault({
    values: [
      {
        serviceAccountName: 'todo-sa',
        imagePullSecrets: [{ name: 'regcred' }],
        ...Object.fromEntries(
          [...APP_COMPONENTS, 'postgresql'].map((c) => [
            c,
            {
              podAnnotations: { 'example.com/owner': c },
              nodeSelector: { pool: c },
              tolerations: [{ key: 'dedicated', operator: 'Equal', value: c, effect: 'NoSchedule' }],
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [c] }] }],
                  },
                },
              },
            },
          ]),
        ),
      },
    ],
  });

  for (const component of [...APP_COMPONENTS, 'postgresql'] as const) {
    it(`${component}: account, token, service links, pull secrets, annotations and scheduling`, () => {
      const owner = component === 'postgresql' ? r.get('StatefulSet', componentName('postgresql')) : r.deployment(component);
      const spec = owner.spec.template.spec;
      assert.equal(spec.serviceAccountName, 'todo-sa');
      assert.equal(spec.automountServiceAccountToken, false);
      assert.equal(spec.enableServiceLinks, false);
      assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
      assert.deepEqual(spec.nodeSelector, { pool: component });
      assert.equal(spec.tolerations[0].value, component);
      assert.deepEqual(
        spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values,
        [component],
      );
      const meta = owner.spec.template.metadata;
      assert.equal(meta.annotations['example.com/owner'], component);
      assert.match(meta.annotations['checksum/config'], /^[0-9a-f]{64}$/);
      assert.equal(meta.labels['app.kubernetes.io/component'], component);
      assert.equal(spec.securityContext.runAsNonRoot, true);
    });
  }

  it('PostgreSQL keeps its own grace period and uid', () => {
    const spec = r.get('StatefulSet', componentName('postgresql')).spec.template.spec;
    assert.equal(spec.terminationGracePeriodSeconds, 60);
    assert.equal(spec.securityContext.runAsUser, 70);
  });

  it('the StatefulSet and the Deployments take the skeleton from the same helpers', () => {
    for (const file of ['deployment.yaml', 'postgresql.yaml']) {
      const text = readFileSync(join(CHART_DIR, 'templates', file), 'utf8');
      for (const helper of ['podTemplateMetadata', 'podSpecCommon', 'podScheduling']) {
        assert.ok(text.includes(`"todo-chatbot.${helper}"`), `${file} does not use todo-chatbot.${helper}`);
      }
      assert.ok(!text.includes('enableServiceLinks'), `${file} spells out the skeleton again`);
    }
  });
});

describe('cross-value checks live in their own template', () => {
  it('still refuse duplicate node ports when configmap.yaml is gone', () => {
    const copy = scratch('chart-without-configmap');
    cpSync(CHART_DIR, copy, { recursive: true });
    rmSync(join(copy, 'templates', 'configmap.yaml'));
    const err = renderError({ chartDir: copy, values: [BASE_SECRETS], set: ['backend.service.nodePort=30080'] });
    assert.match(err, /templates\/validate\.yaml/);
    assert.match(err, /frontend\.service\.nodePort and backend\.service\.nodePort are both 30080/);
  });

  it('configmap.yaml renders the ConfigMap only', () => {
    assert.ok(!readFileSync(join(CHART_DIR, 'templates', 'configmap.yaml'), 'utf8').includes('todo-chatbot.validate'));
  });
});

describe('Chart.yaml', () => {
  it('names home, sources and maintainers, as helm show chart prints them', () => {
    const r = helm(['show', 'chart', CHART_DIR]);
    assert.equal(r.status, 0, r.stderr);
    const chart = parse(r.stdout);
    assert.match(chart.home, /^https:\/\//);
    assert.ok(Array.isArray(chart.sources) && chart.sources.length > 0);
    for (const s of chart.sources) assert.match(s, /^https:\/\//);
    assert.ok(chart.maintainers?.length > 0);
    for (const m of chart.maintainers) {
      assert.ok(m.name, 'a maintainer needs a name');
      assert.ok(m.email || m.url, `${m.name} needs an email or a url`);
    }
  });
});
