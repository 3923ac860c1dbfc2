// What the runbooks read from the values a release will get before it exists: the user's values
// files merged as helm merges -f files, the name overrides (03's Secret check), the NodePorts (the
// frontend's public URLs), and how EXTRA_SECRET_KEYS reads in the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveValues, mergeValues, nameValues, nodePorts, userValues } from '../../src/cluster/release-values.ts';
import { componentName } from '../../src/cluster/names.ts';
import { publicUrls } from '../../src/images.ts';
import { formatExtraSecretKeys, parseExtraSecretKeys, secretKeyLists } from '../../src/runbooks/steps/extra-secrets.ts';
import { displaySetting } from '../../src/runbook/build-report.ts';
import { UsageError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'release-values-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CHART = join(import.meta.dirname, '..', '..', 'helm', 'todo-chatbot');

test('values files merge as helm merges -f files: maps key by key, lists and scalars replaced, the later file winning', () => {
  assert.deepEqual(mergeValues({ a: { x: 1, y: [1, 2] }, b: 1 }, { a: { y: [3], z: null }, c: 2 }), {
    a: { x: 1, y: [3], z: null },
    b: 1,
    c: 2,
  });
  const first = file('first.yaml', 'fullnameOverride: one\nbackend:\n  replicas: 2\n');
  const second = file('second.yaml', 'fullnameOverride: two\nbackend:\n  env:\n    A: "1"\n');
  assert.deepEqual(userValues([first, second]), { fullnameOverride: 'two', backend: { replicas: 2, env: { A: '1' } } });
  assert.deepEqual(userValues([file('empty.yaml', '# nothing\n')]), {});
});

test('a values file that is not YAML, or not a map, is a usage error naming the file', () => {
  const broken = file('broken.yaml', 'backend: [unclosed\n');
  assert.throws(
    () => userValues([broken]),
    (e: unknown) => e instanceof UsageError && e.message.includes(broken),
  );
  const list = file('list.yaml', '- a\n- b\n');
  assert.throws(
    () => userValues([list]),
    (e: unknown) => e instanceof UsageError && /not a map/.test(e.message),
  );
});

test("03's Secret name follows a fullnameOverride (or nameOverride) from the user's values files", () => {
  const override = file('names.yaml', 'fullnameOverride: my-todo\n');
  assert.equal(componentName('todo-chatbot', 'secrets', nameValues([override])), 'my-todo-secrets');
  assert.equal(componentName('prod', 'secrets', nameValues([file('name.yaml', 'nameOverride: todo\n')])), 'prod-todo-secrets');
  assert.equal(componentName('todo-chatbot', 'secrets', nameValues([])), 'todo-chatbot-secrets');
});

test("the NodePorts come from the user's values files over the chart's, and the frontend's public URLs follow them", () => {
  assert.deepEqual(nodePorts(effectiveValues(CHART, [])), { frontend: 30080, backend: 30081 });
  const ports = file('ports.yaml', 'frontend:\n  service:\n    nodePort: 31080\nbackend:\n  service:\n    nodePort: "31081"\n');
  const values = effectiveValues(CHART, [ports]);
  assert.deepEqual(nodePorts(values), { frontend: 31080, backend: 31081 });
  assert.equal((values.backend as { service: { type: string } }).service.type, 'NodePort', "the chart's other keys stay");
  const urls = publicUrls({ host: '127.0.0.1', frontendPort: 31080, backendPort: 31081 });
  assert.deepEqual(urls, { frontend: 'http://127.0.0.1:31080', backend: 'http://127.0.0.1:31081' });
  // null lets Kubernetes pick one, unknown before the install: the chart's default is the best guess.
  assert.deepEqual(nodePorts(effectiveValues(CHART, [file('null.yaml', 'backend:\n  service:\n    nodePort: null\n')])), {
    frontend: 30080,
    backend: 30081,
  });
});

test('extra secret keys are added to the secretKeys list the values files give (lists replace, as in helm)', () => {
  const own = file('keys.yaml', 'backend:\n  secretKeys: [DATABASE_URL, OPENAI_API_KEY]\n');
  const extra = parseExtraSecretKeys('JWT_SECRET', 'EXTRA_SECRET_KEYS');
  assert.deepEqual(secretKeyLists(extra, CHART, [own]), { backend: { secretKeys: ['DATABASE_URL', 'OPENAI_API_KEY', 'JWT_SECRET'] } });
});

test('EXTRA_SECRET_KEYS reads in the report as it was written, not as "[object Object]"', () => {
  const raw = 'CHATKIT_WORKFLOW_ID,JWT_SECRET:backend+frontend,GEMINI_API_KEY:mcp';
  const parsed = parseExtraSecretKeys(raw, 'EXTRA_SECRET_KEYS');
  assert.equal(formatExtraSecretKeys(parsed), raw);
  assert.equal(displaySetting('extraSecretKeys', parsed), raw);
  assert.equal(displaySetting('extraSecretKeys', []), '');
});
