// The analyzers' remedies speak in the run's settings: a command copied from a finding acts on the
// same profile, namespace, release and chart as the run that found it. (They once said
// `npx zx runbooks/00-setup.mjs` with no --profile, which sets up the default cluster instead.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalyzeOptions, type Finding } from '../../src/cluster/analyzers.ts';
import { emptySnapshot, type ClusterSnapshot } from '../../src/cluster/snapshot.ts';
import { Remedies } from '../../src/cluster/analysis/remedies.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/cluster/', import.meta.url));
const FILES = {
  nodes: 'nodes',
  pods: 'pods',
  deployments: 'deployments',
  replicasets: 'replicasets',
  statefulsets: 'statefulsets',
  services: 'services',
  endpoints: 'endpoints',
  pvcs: 'pvc',
  events: 'events',
} as const;
const SCENARIOS = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** A scenario's kubectl output as a snapshot of `namespace` (files missing from a scenario come from healthy/, as in analyzers.test.ts). */
function snapshotOf(scenario: string, namespace = 'todo-app'): ClusterSnapshot {
  const read = (file: string) => readFileSync([scenario, 'healthy'].map((d) => join(FIXTURES, d, file)).find(existsSync)!, 'utf8');
  const snapshot = emptySnapshot(namespace);
  for (const [key, file] of Object.entries(FILES))
    (snapshot[key as keyof typeof FILES] as unknown[]) = JSON.parse(read(`${file}.json`)).items;
  const metricsError = join(FIXTURES, scenario, 'metrics.stderr');
  snapshot.metrics = existsSync(metricsError)
    ? { available: false, items: [], error: readFileSync(metricsError, 'utf8') }
    : { available: true, items: JSON.parse(read('metrics.json')).items, error: '' };
  return snapshot;
}

const only = (findings: Finding[], reason: string) => {
  const matching = findings.filter((f) => f.reason === reason);
  assert.equal(matching.length, 1, `one ${reason} in ${findings.map((f) => f.reason).join(', ')}`);
  return matching[0]!;
};

const DEV: AnalyzeOptions = { profile: 'dev', release: 'shop-bot', chartDir: '/srv/my charts/todo' };
const remediesOf = (options: AnalyzeOptions, namespace = 'shop') =>
  SCENARIOS.flatMap((s) => analyze(snapshotOf(s, namespace), options)).map((f) => f.remedy);

test("a remedy that sends the user to 00-setup names the run's profile", () => {
  const down = only(analyze(snapshotOf('node-not-ready'), { profile: 'dev' }), 'NodeNotReady');
  assert.match(down.remedy, /minikube stop -p dev && npx zx runbooks\/00-setup\.mjs --profile dev;/);
  const small = only(analyze(snapshotOf('unschedulable'), { profile: 'dev' }), 'Unschedulable');
  assert.match(
    small.remedy,
    /minikube delete -p dev, then MINIKUBE_CPUS=4 MINIKUBE_MEMORY=8192 npx zx runbooks\/00-setup\.mjs --profile dev\)/,
  );
  // issue 10: a delete is never the first remedy, and the remedy says what it loses
  assert.ok(small.remedy.indexOf('--profile <new-name>') < small.remedy.indexOf('minikube delete'), small.remedy);
  assert.match(small.remedy, /destroys the cluster with every workload, volume/);
});

test("a remedy that sends the user to 02-load names the run's profile", () => {
  const f = only(analyze(snapshotOf('image-never-pull'), { profile: 'dev' }), 'ErrImageNeverPull');
  assert.match(f.remedy, /run npx zx runbooks\/02-load\.mjs --profile dev \(check with minikube image ls -p dev/);
});

test('a remedy that sends the user to 03-install names profile, namespace, release and chart (quoted for the shell)', () => {
  const findings = analyze(snapshotOf('config-error', 'shop'), DEV);
  const key = findings.find((f) => f.reason === 'CreateContainerConfigError' && /has no key/.test(f.remedy))!;
  assert.ok(key, 'the missing-key finding');
  assert.match(
    key.remedy,
    /run HELM_RELEASE=shop-bot HELM_CHART_DIR='\/srv\/my charts\/todo' npx zx runbooks\/03-install\.mjs --profile dev --namespace shop;/,
  );
});

test('with another profile, every runbook command in every remedy carries it; 03-install also the namespace, release and chart', () => {
  let commands = 0;
  for (const remedy of remediesOf(DEV)) {
    for (const [command, prefix, id, flags] of remedy.matchAll(
      /((?:[A-Z_]+=(?:'[^']*'|\S+) )*)npx zx runbooks\/(\d\d-[a-z-]+)\.mjs((?: --[a-z]+ \S+?(?=[ ;),]|$))*)/g,
    )) {
      commands++;
      assert.match(flags!, /--profile dev\b/, command);
      if (id === '03-install') {
        assert.match(flags!, /--namespace shop\b/, command);
        assert.match(prefix!, /HELM_RELEASE=shop-bot /, command);
        assert.match(prefix!, /HELM_CHART_DIR='\/srv\/my charts\/todo' /, command);
      }
    }
  }
  assert.ok(commands >= 10, `${commands} runbook commands checked`);
});

test('with another profile, every helm or kubectl command that changes something names its context', () => {
  let commands = 0;
  for (const remedy of remediesOf(DEV)) {
    for (const [command] of remedy.matchAll(/\b(?:helm (?:upgrade|rollback)|kubectl (?:delete|uncordon|create))\b[^;()]*/g)) {
      if (command.includes('…')) continue; // an outline of a command, not one to copy
      commands++;
      assert.match(command, command.startsWith('helm') ? / --kube-context dev\b/ : / --context dev\b/, command);
    }
  }
  assert.ok(commands >= 8, `${commands} mutating commands checked`);
});

test('with the default settings a runbook command is plain, and nothing names another profile', () => {
  const remedies = remediesOf({}, 'todo-app');
  assert.ok(remedies.some((r) => r.includes('npx zx runbooks/03-install.mjs;')));
  for (const remedy of remedies) {
    assert.doesNotMatch(remedy, /\.mjs --(profile|namespace)|HELM_(RELEASE|CHART_DIR)=/, remedy);
    assert.doesNotMatch(remedy, /-p dev\b|context dev\b/, remedy);
  }
});

test('Remedies.runbook: settings a runbook does not read are left out', () => {
  const remedies = new Remedies({ profile: 'dev', namespace: 'shop', release: 'shop-bot', chartDir: 'charts/todo' });
  assert.equal(
    remedies.runbook('00-setup', { MINIKUBE_MEMORY: '8192' }),
    'MINIKUBE_MEMORY=8192 npx zx runbooks/00-setup.mjs --profile dev',
  );
  assert.equal(remedies.runbook('02-load'), 'npx zx runbooks/02-load.mjs --profile dev');
  assert.equal(
    remedies.runbook('03-install'),
    'HELM_RELEASE=shop-bot HELM_CHART_DIR=charts/todo npx zx runbooks/03-install.mjs --profile dev --namespace shop',
  );
  assert.equal(
    new Remedies({ profile: 'minikube', namespace: 'todo-app', release: 'todo-chatbot', chartDir: "it's" }).runbook('03-install'),
    `HELM_CHART_DIR='it'\\''s' npx zx runbooks/03-install.mjs`,
  );
});
