// The dev runbook on the real node (its `none` driver refuses docker-env, so the loop builds with
// the host's Docker and imports into the node's containerd, as 01 → 02 do there): one real edit to
// the demo backend's code → a new image built and in containerd → only the backend Deployment rolled
// by helm → its new pod Ready and answering with the edited code on the NodePort; the frontend and
// MCP pods untouched; the measured save → Ready time in the report. The sources are a copy (one
// build context per service, as APP_SOURCE=custom names them), so the repository is never edited;
// the test then rolls the release back to what the lane's later files expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lane from './harness.ts';
const { NAMESPACE, NODE_PORTS, RELEASE, ROOT, helm } = lane;

const why = lane.missingPrerequisite();
const SERVICES = ['frontend', 'backend', 'mcp'] as const;

/** app/<service> and app/shared in a folder of their own, with the legacy builder's allow-list: the demo's build context, per service. */
function copyContexts(work: string): Record<string, string> {
  const env: Record<string, string> = { APP_SOURCE: 'custom' };
  for (const service of SERVICES) {
    const context = join(work, service);
    const skip = (p: string) => !/[\\/](node_modules|dist)$/.test(p);
    cpSync(join(ROOT, 'app', service), join(context, service), { recursive: true, filter: skip });
    cpSync(join(ROOT, 'app', 'shared'), join(context, 'shared'), { recursive: true, filter: skip });
    copyFileSync(join(ROOT, 'app', '.dockerignore'), join(context, '.dockerignore'));
    env[`APP_${service.toUpperCase()}_DIR`] = context;
    env[`${service.toUpperCase()}_DOCKERFILE`] = join(ROOT, 'docker', `${service}.Dockerfile`);
  }
  return env;
}

const pods = (component: string): string[] =>
  lane
    .kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', `app.kubernetes.io/component=${component}`])
    .items.filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => p.metadata.name)
    .sort();
const image = (component: string): string =>
  lane.kubectlJson(['get', 'deployment', `${RELEASE}-${component}`, '-n', NAMESPACE]).spec.template.spec.containers[0].image;

test('dev --once: a saved edit to the backend → new image in containerd → only the backend rolled → Ready, save → Ready measured', {
  skip: why,
  timeout: 1_200_000,
}, async () => {
  const work = mkdtempSync(join(tmpdir(), 'lane-dev-loop-'));
  const revision = JSON.parse(helm(['status', RELEASE, '-o', 'json']).stdout).version;
  const before = { frontend: pods('frontend'), mcp: pods('mcp'), backend: pods('backend'), images: SERVICES.map(image) };
  let built = '';
  const marker = `backend-dev-loop-${Date.now().toString(36)}`;
  try {
    const env = copyContexts(work);
    const appTs = join(work, 'backend', 'backend', 'src', 'app.ts');
    let saved = false;
    const r = await lane.runRunbook('dev', ['--component', 'backend', '--once'], {
      env,
      timeoutMs: 1_200_000,
      onOutput: (screen) => {
        if (saved || !/watching backend: save a file/.test(screen)) return;
        saved = true;
        // a marker of this run: new content, so the build really compiles (an earlier run's layers cannot serve it)
        writeFileSync(appTs, readFileSync(appTs, 'utf8').replace("service: 'backend',", `service: '${marker}',`));
      },
    });
    assert.equal(r.exitCode, 0, lane.tail(r));
    assert.equal(r.json.simulated, false);
    const loop = lane.check(r, 'DEV-LOOP-1');
    assert.equal(loop?.status, 'pass', loop?.measured);
    const [, total, build, load, rollout] =
      /^save → Ready ([\d.]+ s|[\d]+ min [\d]+ s) \(build ([^,]+), load ([^,]+), rollout ([^)]+)\)/.exec(loop.measured) ?? [];
    assert.ok(total && build && load && rollout, loop.measured);
    assert.doesNotMatch(load!, /^0 ms$/, 'the none driver has no docker-env: the image is loaded into containerd');
    assert.match(loop.measured, /frontend, mcp untouched/);
    lane.recordFigure('dev save → Ready', { total, build, load, rollout });

    built = /(todo-backend:[0-9a-f]{12}) Ready/.exec(loop.measured)?.[1] ?? '';
    assert.ok(built, loop.measured);
    const onNode = lane.adapter(['image', 'ls', '-p', 'minikube', '--format', 'short']);
    assert.match(onNode.stdout, new RegExp(`docker\\.io/library/${built.replace('.', '\\.')}$`, 'm'), 'the new image is in containerd');
    assert.equal(image('backend'), built, 'the Deployment runs the new tag');
    assert.notDeepEqual(pods('backend'), before.backend, 'a new backend pod');
    assert.deepEqual([pods('frontend'), pods('mcp')], [before.frontend, before.mcp], 'frontend and MCP pods untouched');
    assert.deepEqual([image('frontend'), image('mcp')], [before.images[0], before.images[2]]);
    const health = await (await fetch(`http://127.0.0.1:${NODE_PORTS.backend}/health`)).json();
    assert.equal(health.service, marker, 'the running pod serves the edited code');
    const status = JSON.parse(helm(['status', RELEASE, '-o', 'json']).stdout);
    assert.equal(status.version, revision + 1, 'one helm upgrade');
  } finally {
    // the lane's later files expect the images 01 built: back to the revision this test found
    const back = helm(['rollback', RELEASE, String(revision), '--wait', '--timeout', '300s']);
    assert.equal(back.status, 0, back.stderr);
    if (built) spawnSync('docker', ['rmi', built], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
  assert.equal(image('backend'), before.images[1], 'rolled back for the files after this one');
});
