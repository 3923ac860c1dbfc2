// values.schema.json refuses bad values at template and at lint time with a message naming the
// value; it accepts the boundaries; and the schema, values.yaml and README stay documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BASE_SECRETS, CHART_DIR, lint, renderDefault, renderError, valuesFile } from './helm.ts';

const CI_DEFAULT = join(CHART_DIR, 'ci', 'default-values.yaml');

// [what, --set pairs or a values object, message helm must print]
const BAD: [string, string[] | object, RegExp][] = [
  ['a negative replica count', ['frontend.replicaCount=-1'], /frontend\.replicaCount: Must be greater than or equal to 0/],
  ['a non-numeric replica count', ['backend.replicaCount=abc'], /backend\.replicaCount: Invalid type\. Expected: integer, given: string/],
  ['a fractional replica count', { mcp: { replicaCount: 1.5 } }, /mcp\.replicaCount: Invalid type\. Expected: integer, given: number/],
  ['a nodePort below 30000', ['frontend.service.nodePort=29999'], /frontend\.service\.nodePort: Must be greater than or equal to 30000/],
  ['a nodePort above 32767', ['backend.service.nodePort=32768'], /backend\.service\.nodePort: Must be less than or equal to 32767/],
  ['a non-numeric nodePort', ['frontend.service.nodePort=http'], /frontend\.service\.nodePort: Invalid type/],
  [
    'a pull-policy typo',
    ['backend.image.pullPolicy=Nevr'],
    /backend\.image\.pullPolicy: backend\.image\.pullPolicy must be one of the following: "Always", "IfNotPresent", "Never"/,
  ],
  ['a lower-case pull policy', ['mcp.image.pullPolicy=never'], /mcp\.image\.pullPolicy: .*must be one of the following/],
  ['the latest tag', ['frontend.image.tag=latest'], /frontend\.image\.tag: Must not validate the schema \(not\)/],
  ['the latest tag on PostgreSQL', ['postgresql.image.tag=latest'], /postgresql\.image\.tag: Must not validate the schema \(not\)/],
  ['an empty tag', { backend: { image: { tag: '' } } }, /backend\.image\.tag: Does not match pattern/],
  [
    'a service type typo',
    ['frontend.service.type=Nodeport'],
    /frontend\.service\.type: .*must be one of the following: "ClusterIP", "NodePort", "LoadBalancer"/,
  ],
  ['an unknown component key', ['frontend.replicas=2'], /frontend: Additional property replicas is not allowed/],
  ['an unknown top-level key', ['existingSecrets=x'], /Additional property existingSecrets is not allowed/],
  [
    'a memory amount in the wrong unit',
    ['backend.resources.limits.memory=1GB'],
    /backend\.resources\.limits\.memory: Does not match pattern/,
  ],
  [
    'a negative CPU amount',
    ['frontend.resources.requests.cpu=-1'],
    /frontend\.resources\.requests\.cpu: Must validate at least one schema/,
  ],
  ['an unknown resource name', ['mcp.resources.limits.gpu=1'], /mcp\.resources\.limits: Additional property gpu is not allowed/],
  ['a probe path without a slash', ['backend.probes.liveness.path=health'], /backend\.probes\.liveness\.path: Does not match pattern/],
  [
    'a probe period of 0',
    ['frontend.probes.readiness.periodSeconds=0'],
    /frontend\.probes\.readiness\.periodSeconds: Must be greater than or equal to 1/,
  ],
  [
    'an env key that is no variable name',
    { backend: { env: { 'MY-KEY': '1' } } },
    /backend\.env: Additional property MY-KEY is not allowed/,
  ],
  ['a list as env value', { backend: { env: { LIST: ['a'] } } }, /backend\.env\.LIST: Invalid type/],
  [
    'a DATABASE_URL that is not PostgreSQL',
    { secrets: { DATABASE_URL: 'mysql://u:p@h/db' } },
    /secrets\.DATABASE_URL: Does not match pattern/,
  ],
  ['a PostgreSQL size that is no quantity', ['postgresql.persistence.size=lots'], /postgresql\.persistence\.size: Does not match pattern/],
  ['a non-boolean enabled flag', ['postgresql.enabled=yes'], /postgresql\.enabled: Invalid type\. Expected: boolean, given: string/],
  [
    'a CPU target above 100 %',
    ['backend.autoscaling.targetCPUUtilizationPercentage=150'],
    /backend\.autoscaling\.targetCPUUtilizationPercentage: Must be less than or equal to 100/,
  ],
  ['an Ingress host with capitals and underscores', ['ingress.host=Todo_App'], /ingress\.host: Does not match pattern/],
  ['a public URL without a scheme', ['publicUrls.frontend=localhost:30080'], /publicUrls\.frontend: Does not match pattern/],
  [
    'a database user that is no plain identifier',
    ['postgresql.auth.username=todo;drop'],
    /postgresql\.auth\.username: Does not match pattern/,
  ],
  [
    'a security-context typo',
    ['securityContext.readOnlyRootFileSystem=true'],
    /securityContext: Additional property readOnlyRootFileSystem is not allowed/,
  ],
];

function asOptions(input: string[] | object) {
  return Array.isArray(input) ? { values: [BASE_SECRETS], set: input } : { values: [BASE_SECRETS, input] };
}

function lintArgs(input: string[] | object, file: string): string[] {
  if (Array.isArray(input)) return ['-f', CI_DEFAULT, ...input.flatMap((s) => ['--set', s])];
  return ['-f', CI_DEFAULT, '-f', file];
}

describe('schema refuses bad values', () => {
  for (const [what, input, message] of BAD) {
    it(`at template time: ${what}`, () => {
      const err = renderError(asOptions(input));
      assert.match(err, /values don't meet the specifications of the schema/);
      assert.match(err, message);
    });
  }

  for (const [what, input, message] of BAD) {
    it(`at lint time: ${what}`, () => {
      const file = Array.isArray(input) ? '' : valuesFile(input);
      const r = lint(lintArgs(input, file));
      assert.notEqual(r.status, 0, 'helm lint --strict must fail');
      assert.match(r.stdout + r.stderr, message);
      assert.match(r.stdout + r.stderr, /1 chart\(s\) failed/);
    });
  }
});

describe('schema accepts the boundaries', () => {
  it('replicaCount 0 and 50, nodePorts 30000 and 32767, every pull policy, a digest-pinned tag', () => {
    for (const set of [
      ['frontend.replicaCount=0', 'backend.replicaCount=50'],
      ['frontend.service.nodePort=30000', 'backend.service.nodePort=32767'],
      ['frontend.image.pullPolicy=Always', 'backend.image.pullPolicy=IfNotPresent', 'mcp.image.pullPolicy=Never'],
      [`backend.image.tag=1.2.3@sha256:${'0'.repeat(64)}`],
      ['mcp.service.nodePort=null'],
    ]) {
      assert.doesNotThrow(() => renderDefault({ set }), set.join(' '));
    }
  });

  it('replicaCount 51 is refused (upper bound)', () => {
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['mcp.replicaCount=51'] }),
      /mcp\.replicaCount: Must be less than or equal to 50/,
    );
  });
});

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));

/** Visits every schema node that declares properties, with its JSON path. */
function objectSchemas(node: any, path: string, out: [string, any][] = []): [string, any][] {
  if (node && typeof node === 'object') {
    if (node.properties) out.push([path, node]);
    for (const [k, v] of Object.entries(node)) objectSchemas(v, `${path}/${k}`, out);
  }
  return out;
}

describe('schema is documented and closed', () => {
  const nodes = objectSchemas(schema, '#');

  it('describes every property', () => {
    let properties = 0;
    for (const [path, node] of nodes) {
      for (const [name, prop] of Object.entries<any>(node.properties)) {
        properties++;
        assert.ok(typeof prop.description === 'string' && prop.description.length > 5, `${path}/properties/${name} has no description`);
      }
    }
    assert.ok(properties > 100, `only ${properties} properties found`);
  });

  it('closes every structured block with additionalProperties: false', () => {
    assert.ok(nodes.length > 20);
    for (const [path, node] of nodes) assert.equal(node.additionalProperties, false, `${path} allows unknown keys`);
  });

  it('bounds counts and ports and enumerates closed sets', () => {
    const d = schema.definitions;
    assert.equal(d.component.properties.replicaCount.minimum, 0);
    assert.equal(d.component.properties.service.properties.nodePort.minimum, 30000);
    assert.equal(d.component.properties.service.properties.nodePort.maximum, 32767);
    assert.deepEqual(d.image.properties.pullPolicy.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.deepEqual(d.component.properties.service.properties.type.enum, ['ClusterIP', 'NodePort', 'LoadBalancer']);
    assert.equal(d.port.minimum, 1);
    assert.equal(d.port.maximum, 65535);
  });
});

const VALUES_FILES = ['values.yaml', 'values-dev.yaml', 'values-staging.yaml', 'values-prod.yaml'];

describe('values files', () => {
  for (const file of VALUES_FILES) {
    it(`${file} starts with the schema modeline and has a comment above every key`, () => {
      const lines = readFileSync(join(CHART_DIR, file), 'utf8').split('\n');
      assert.equal(lines[0], '# yaml-language-server: $schema=values.schema.json');
      let keys = 0;
      lines.forEach((line, i) => {
        const key = /^(\s*)([A-Za-z_][\w.-]*):/.exec(line);
        if (!key) return;
        keys++;
        const above = lines[i - 1] ?? '';
        assert.match(above, new RegExp(`^${key[1]}#`), `${file}:${i + 1} key "${key[2]}" has no comment right above it`);
      });
      assert.ok(keys > 10, `${file}: only ${keys} keys found`);
    });
  }
});

/** Leaf paths of a values tree; an empty map or any list is a leaf. */
function leafPaths(node: any, prefix = ''): string[] {
  if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
    return Object.entries(node).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

describe('chart README', () => {
  const readme = () => readFileSync(join(CHART_DIR, 'README.md'), 'utf8');

  it('lists every value of values.yaml', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
    const text = readme();
    const paths = leafPaths(values);
    assert.ok(paths.length > 100, `only ${paths.length} values`);
    const missing = paths.filter((p) => {
      const generic = p.replace(/^(frontend|backend|mcp)\./, '<component>.');
      return !text.includes('`' + p + '`') && !text.includes('`' + generic + '`');
    });
    assert.deepEqual(missing, []);
  });

  it('names the value paths users type', () => {
    const text = readme();
    for (const p of [
      '<component>.replicaCount',
      '<component>.image.tag',
      '<component>.env.<KEY>',
      'secrets.<KEY>',
      'existingSecret',
      'postgresql.enabled',
      'postgresql.persistence.size',
      'backend.env.MAX_CONVERSATION_HISTORY',
    ]) {
      assert.ok(text.includes('`' + p + '`'), `README does not mention ${p}`);
    }
  });
});
