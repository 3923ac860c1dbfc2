// The deployed-system diagram in docs/architecture.md is what src/cluster/diagram.ts draws from the
// objects the chart renders (one pod per workload, named "<workload>-…"), so the doc, the chart and
// 03's live picture cannot drift apart; and the function finds every part, the Secret and ConfigMap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemDiagram } from '../../src/cluster/diagram.ts';
import type { KubeObject } from '../../src/tools/kubectl.ts';
import { BASE_SECRETS, REPO_ROOT, render, type K8sObject } from './helm.ts';

/** A pod as its workload's template would make it. */
const podOf = (w: K8sObject): KubeObject =>
  ({ metadata: { name: `${w.metadata.name}-…`, labels: w.spec.template.metadata.labels }, spec: w.spec.template.spec }) as KubeObject;

function drawn(values: object[]) {
  const r = render({ release: 'todo-chatbot', values: [BASE_SECRETS, ...values] });
  const pods = [...r.all('Deployment'), ...r.all('StatefulSet')].map(podOf);
  return systemDiagram({ services: r.all('Service') as KubeObject[], pods });
}

test("docs/architecture.md's deployed-system diagram is the chart's defaults drawn by diagram.ts", () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The deployed system'));
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(block, 'a mermaid block under "The deployed system"');
  assert.equal(block, drawn([]).mermaid);
});

test('the picture is complete with the in-chart database, and draws an external one from DATABASE_URL', () => {
  const inChart = drawn([]);
  assert.deepEqual(inChart.complete, ['frontend', 'backend', 'mcp', 'postgresql']);
  assert.deepEqual(inChart.incomplete, []);
  assert.equal(inChart.secretName, 'todo-chatbot-secrets');
  assert.equal(inChart.configMapName, 'todo-chatbot-config');
  assert.match(inChart.mermaid, /secret -\.->\|"BETTER_AUTH_SECRET, DATABASE_URL, OPENAI_API_KEY"\| backend_group/);
  assert.match(inChart.mermaid, /Service todo-chatbot-mcp<br\/>ClusterIP :8001 → pod :8001/);
  const external = drawn([{ postgresql: { enabled: false }, secrets: { DATABASE_URL: 'postgresql://u:p@db.example:5432/todo' } }]);
  assert.deepEqual(external.incomplete, []);
  assert.match(external.mermaid, /external PostgreSQL/);
  assert.ok(!external.mermaid.includes('postgresql_pod0'));
  assert.ok(!external.mermaid.includes('u:p@'), 'no secret value is drawn');
});
