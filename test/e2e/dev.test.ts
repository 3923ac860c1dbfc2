// The dev loop end to end on the simulated toolchain, from a deployed release (prepared.ts) with
// the app's sources in a temp copy (APP_SOURCE=custom: a copy of examples/todo-chatbot, so the test
// can save files): a burst of saves to one component gives exactly one build of its image and one
// helm upgrade that rolls only its Deployment, and the report shows the save-to-Ready time and its
// parts; a build error keeps the loop watching with the old pods, and the next good save rolls;
// bad options are refused with exit 2 before anything is watched or changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestReport, mutatingCalls, readCalls, removedOnExit, ROOT, runRunbook, simTool, startRunbook } from './harness.ts';
import { installedCluster, SECRETS } from './prepared.ts';

const appDir = removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-dev-app-')));
const backendDockerfile = join(appDir, 'backend.Dockerfile');
const env = {
  ...SECRETS,
  APP_SOURCE: 'custom',
  APP_FRONTEND_DIR: join(appDir, 'frontend'),
  APP_BACKEND_DIR: join(appDir, 'backend'),
  APP_MCP_DIR: join(appDir, 'mcp'),
  BACKEND_DOCKERFILE: backendDockerfile,
};
let stateDir = '';

before(async () => {
  cpSync(join(ROOT, 'examples', 'todo-chatbot'), appDir, { recursive: true });
  copyFileSync(join(ROOT, 'docker', 'templates', 'fastapi.Dockerfile'), backendDockerfile);
  stateDir = await installedCluster();
  // A clone is moved to addresses of its own, and the frontend's checksum/config annotation still
  // hashes the ConfigMap with the old address: one upgrade that changes nothing settles it, so the
  // tests see only what the dev loop changes.
  const chart = join(ROOT, 'helm', 'todo-chatbot');
  const settle = simTool(stateDir, 'helm', [
    'upgrade',
    'todo-chatbot',
    chart,
    ...'-n todo-app --reuse-values --wait --kube-context minikube'.split(' '),
  ]);
  assert.equal(settle.code, 0, settle.stderr);
});

after(() => {
  simTool(stateDir, 'minikube', ['delete', '-p', 'minikube']);
});

function kubectl(args: string[]): any {
  const r = simTool(stateDir, 'kubectl', [...args, '-o', 'json', '--context', 'minikube']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const pods = (component: string): string[] =>
  kubectl(['get', 'pods', '-n', 'todo-app', '-l', `app.kubernetes.io/component=${component}`])
    .items.filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => p.metadata.name)
    .sort();
const image = (component: string): string =>
  kubectl(['get', 'deployment', `todo-chatbot-${component}`, '-n', 'todo-app']).spec.template.spec.containers[0].image;

/** The runbook as a process whose screen the test reads while it runs (it waits for saves). */
async function startDev(args: string[]) {
  const reportDir = removedOnExit(mkdtempSync(join(tmpdir(), 'e2e-dev-reports-')));
  const run = await startRunbook('dev', args, { stateDir, env, reportDir });
  return { ...run, report: () => latestReport(reportDir, 'dev') };
}
const check = (json: any, id: string) => json?.checks.find((c: { id: string }) => c.id === id);

test('a burst of saves to the backend: one build, one helm upgrade, only the backend rolled, save → Ready in the report', async () => {
  const before = { frontend: pods('frontend'), mcp: pods('mcp'), backend: pods('backend'), images: [image('frontend'), image('mcp')] };
  const mark = readCalls(stateDir).length;
  const dev = await startDev(['--once']);
  await dev.waitFor(/watching frontend, backend, mcp: save a file/);
  // the copied app is not what 03 installed: the run says so before any save
  assert.match(
    dev.out(),
    /backend: the release runs [0-9a-f]{12}, the sources give [0-9a-f]{12}; the next save of it rebuilds and rolls it/,
  );
  // an editor's save, a formatter's rewrite and a second save: one change
  for (const line of ['# one', '# two', '# three']) appendFileSync(join(appDir, 'backend', 'main.py'), `\n${line}\n`);
  writeFileSync(join(appDir, 'backend', '.main.py.swp'), 'editor swap file: ignored');
  const code = await dev.exited;
  const { json, markdown } = dev.report();
  assert.equal(code, 0, dev.out().slice(-4000));
  const calls = readCalls(stateDir).slice(mark);
  const builds = calls.filter((c) => c.argv[0] === 'docker' && c.argv[1] === 'build');
  assert.equal(builds.length, 1, builds.map((c) => c.argv.join(' ')).join('\n'));
  assert.match(builds[0]!.argv.join(' '), /-t todo-backend:[0-9a-f]{12} /);
  const upgrades = calls.filter((c) => c.argv[0] === 'helm' && c.argv[1] === 'upgrade');
  assert.equal(upgrades.length, 1);
  const argv = upgrades[0]!.argv;
  assert.ok(argv.includes('--reuse-values') && argv.includes('--wait'), argv.join(' '));
  assert.deepEqual(
    argv.filter((a) => /image\.(tag|repository)=/.test(a)).map((a) => a.split('=')[0]),
    ['backend.image.repository', 'backend.image.tag'],
  );
  const changes = mutatingCalls(calls).map((c) => c.argv.slice(0, 2).join(' '));
  assert.deepEqual([...new Set(changes)].sort(), ['docker build', 'helm upgrade'], 'nothing else changed anything');
  assert.notEqual(image('backend'), undefined);
  assert.match(image('backend'), new RegExp(`${builds[0]!.argv[3]}$`), 'the Deployment runs the new tag');
  assert.notDeepEqual(pods('backend'), before.backend, 'new backend pods');
  assert.deepEqual([pods('frontend'), pods('mcp')], [before.frontend, before.mcp], 'frontend and MCP pods untouched');
  assert.deepEqual([image('frontend'), image('mcp')], before.images);
  const loop = check(json, 'DEV-LOOP-1');
  assert.equal(loop?.status, 'pass', loop?.measured);
  const [, total] = /^save → Ready ([\d.]+) s \(build [\d.]+ (?:s|ms), load [\d.]+ (?:s|ms), rollout [\d.]+ s\)/.exec(loop.measured) ?? [];
  assert.ok(Number(total) > 0, loop.measured);
  assert.equal(loop.value > 0, true);
  assert.match(loop.measured, /frontend, mcp untouched/);
  assert.equal(check(json, 'DEV-SAVE-TO-READY')?.status, 'pass');
  assert.match(markdown, /\| 1 \| backend \| ready \|/);
});

test('a build error keeps the loop watching and the old pods; the next good save rolls; Ctrl-C ends it with exit 0', async () => {
  const good = readFileSync(backendDockerfile, 'utf8');
  const before = { backend: pods('backend'), image: image('backend'), frontend: pods('frontend') };
  const dev = await startDev(['--component', 'backend']);
  await dev.waitFor(/watching backend: save a file/);
  writeFileSync(backendDockerfile, `${good}\nRUNN echo a typo\n`);
  await dev.waitFor(/build of backend failed .*\n[\s\S]*unknown instruction: RUNN/);
  await dev.waitFor(/watching again/);
  assert.deepEqual(pods('backend'), before.backend, 'the running backend pods are untouched');
  assert.equal(image('backend'), before.image);
  writeFileSync(backendDockerfile, good.replace('# ', '# saved again: '));
  await dev.waitFor(/loop 2: backend Ready [\d.]+ s after the save/);
  dev.child.kill('SIGINT');
  assert.equal(await dev.exited, 0, dev.out().slice(-4000));
  const { json } = dev.report();
  assert.equal(check(json, 'DEV-LOOP-1')?.status, 'warn');
  assert.match(check(json, 'DEV-LOOP-1').measured, /^build-failed: backend: .*unknown instruction: RUNN/);
  assert.equal(check(json, 'DEV-LOOP-2')?.status, 'pass', check(json, 'DEV-LOOP-2')?.measured);
  assert.notEqual(image('backend'), before.image);
  assert.deepEqual(pods('frontend'), before.frontend);
  assert.match(check(json, 'DEV-SAVE-TO-READY').measured, /^1 of 2 loop\(s\) Ready/);
});

test('an unknown component, a bad debounce, a registry or another cluster: exit 2 before anything is watched or changed', async () => {
  const mark = readCalls(stateDir).length;
  const r = await runRunbook('dev', ['--once', '--component', 'database'], { stateDir, env });
  assert.equal(r.exitCode, 2, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /--component "database" is not a component of the app/);
  assert.match(r.stdout + r.stderr, /frontend, backend, mcp/);
  const slow = await runRunbook('dev', ['--once', '--debounce', 'soon'], { stateDir, env });
  assert.equal(slow.exitCode, 2);
  assert.match(slow.stdout + slow.stderr, /--debounce "soon" is not a duration/);
  const registry = await runRunbook('dev', ['--once'], { stateDir, env: { ...env, IMAGE_REGISTRY: 'localhost:5000/me' } });
  assert.equal(registry.exitCode, 2, registry.stdout + registry.stderr);
  assert.match(registry.stdout + registry.stderr, /with IMAGE_REGISTRY set the cluster pulls from the registry/);
  assert.deepEqual(readCalls(stateDir).slice(mark), [], 'not one tool call');
  const other = await runRunbook('dev', ['--once', '--context', 'gke_prod'], { stateDir, env });
  assert.equal(other.exitCode, 2, other.stdout + other.stderr);
  assert.match(other.stdout + other.stderr, /the dev loop needs a minikube profile: "gke_prod" is not a minikube profile/);
  assert.deepEqual(mutatingCalls(readCalls(stateDir).slice(mark)), [], 'nothing changed');
});
