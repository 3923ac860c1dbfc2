// src/cluster/names.ts computes object names as the chart's helpers do; these cases compare it
// with what the real `helm template` renders, overrides and length limits included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { componentName, fullname, type NameValues } from '../../src/cluster/names.ts';
import { APP_COMPONENTS, BASE_SECRETS, render } from './helm.ts';

const CASES: [string, NameValues][] = [
  ['todo-chatbot', {}],
  ['demo', {}],
  ['my-todo-chatbot-staging', {}],
  ['demo', { fullnameOverride: 'shop' }],
  ['todo-chatbot', { fullnameOverride: 'shop' }],
  ['demo', { nameOverride: 'todos' }],
  ['todos-prod', { nameOverride: 'todos' }],
  ['demo', { nameOverride: 'todos', fullnameOverride: 'wins' }],
  ['a'.repeat(49) + '-b', {}], // the 50-character cut lands right after a dash, which is trimmed
  ['r'.repeat(53), {}], // release + "-todo-chatbot" passes 63 characters
  ['x', { fullnameOverride: 'f'.repeat(50) }], // the longest override the schema allows
];

describe('names.ts matches the chart', () => {
  for (const [release, values] of CASES) {
    it(`release "${release.length > 20 ? `${release.slice(0, 8)}…(${release.length})` : release}" with ${JSON.stringify(values)}`, () => {
      const r = render({ release, values: [BASE_SECRETS, values] });
      for (const c of APP_COMPONENTS)
        assert.ok(
          r.has('Deployment', componentName(release, c, values)),
          `Deployment ${componentName(release, c, values)}; have ${r.all('Deployment').map((d) => d.metadata.name)}`,
        );
      assert.ok(r.has('Service', componentName(release, 'mcp', values)));
      assert.ok(r.has('ConfigMap', componentName(release, 'config', values)));
      assert.ok(r.has('Secret', componentName(release, 'secrets', values)));
      assert.ok(r.has('StatefulSet', componentName(release, 'postgresql', values)));
    });
  }

  it('fullnameOverride replaces the prefix (the old access.ts fullname ignored it)', () => {
    assert.equal(fullname('demo', { fullnameOverride: 'shop' }), 'shop');
    assert.equal(componentName('demo', 'backend', { fullnameOverride: 'shop' }), 'shop-backend');
  });
});
