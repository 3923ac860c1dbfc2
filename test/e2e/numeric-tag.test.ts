// A content tag can be all digits (12 hex digits, about 1 run in 280). Sent with --set, helm types
// it as a number and, after a --reuse-values round trip, renders it as 8.3635323982e+11 — the pod
// then waits for an image that does not exist. The runbooks send tags with --set-string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newStateDir, runRunbook, ROOT } from './harness.ts';
import { contentTag, imageSpecs } from '../../src/images.ts';
import { loadConfig } from '../../src/config.ts';

const CHART = join(ROOT, 'helm', 'todo-chatbot');

test('an all-digit image tag survives --reuse-values only when it was sent with --set-string', async () => {
  const { prepareSimulation } = await import(join(ROOT, 'sim/lib/setup.mjs'));
  const sim = await prepareSimulation({ stateDir: newStateDir() });
  const run = (tool: string, args: string[]) =>
    spawnSync(join(sim.binDir, tool), args, { env: { ...process.env, ...sim.env }, encoding: 'utf8' });
  try {
    assert.equal(run('minikube', ['start', '-p', 'minikube']).status, 0);
    const image = (release: string) => {
      const dep = JSON.parse(
        run('kubectl', ['get', 'deployment', `${release}-todo-chatbot-frontend`, '-n', 'todo-app', '-o', 'json', '--context', 'minikube'])
          .stdout,
      );
      return dep.spec.template.spec.containers[0].image;
    };
    for (const [release, flag, expected] of [
      ['as-string', '--set-string', 'todo-frontend:836353239820'],
      ['as-number', '--set', 'todo-frontend:8.3635323982e+11'],
    ] as const) {
      const install = run('helm', [
        'upgrade',
        '--install',
        release,
        CHART,
        '-n',
        'todo-app',
        '--create-namespace',
        '--set',
        'secrets.POSTGRES_PASSWORD=pw-0123456789',
        flag,
        'frontend.image.tag=836353239820',
        '--kube-context',
        'minikube',
      ]);
      assert.equal(install.status, 0, install.stderr);
      const reuse = run('helm', [
        'upgrade',
        release,
        CHART,
        '-n',
        'todo-app',
        '--reuse-values',
        '--set',
        'frontend.replicaCount=2',
        '--kube-context',
        'minikube',
      ]);
      assert.equal(reuse.status, 0, reuse.stderr);
      assert.equal(image(release), expected, `${flag}: the image after --reuse-values`);
      assert.equal(
        run('helm', ['uninstall', release, '-n', 'todo-app', '--kube-context', 'minikube']).status,
        0,
        'frees the NodePorts for the next release',
      );
    }
  } finally {
    run('minikube', ['delete', '-p', 'minikube']);
  }
});

// The runbook's own path: 03 installs an app whose backend tag is all digits, then the upgrade 05
// makes (--reuse-values and one more override) must leave the image as 03 sent it.
test('03 sends an all-digit content tag with --set-string: it survives the --reuse-values upgrade of 05', async () => {
  // The demo app as a custom app (the same folder and Dockerfiles), so that its sources can change.
  const work = mkdtempSync(join(tmpdir(), 'numeric-tag-app-'));
  cpSync(join(ROOT, 'app'), join(work, 'app'), { recursive: true, filter: (src) => !/[\\/](node_modules|dist|\.next)$/.test(src) });
  const env: Record<string, string> = {
    APP_SOURCE: 'custom',
    POSTGRES_PASSWORD: 'numeric-tag-pg-0123',
    BETTER_AUTH_SECRET: 'numeric-tag-auth-secret-0123456789abcdef',
    OPENAI_API_KEY: 'sk-numeric-tag',
  };
  for (const c of ['FRONTEND', 'BACKEND', 'MCP']) {
    env[`APP_${c}_DIR`] = join(work, 'app');
    env[`${c}_DOCKERFILE`] = join(ROOT, 'docker', `${c.toLowerCase()}.Dockerfile`);
  }
  // a nonce among the sources that makes the backend's content tag all digits (about 1 try in 280)
  const backend = imageSpecs(loadConfig([], [], env, work).settings, ROOT).find((i) => i.component === 'backend')!;
  let tag = '';
  for (let n = 0; !/^\d+$/.test(tag); n++) {
    writeFileSync(join(work, 'app', 'nonce.txt'), String(n));
    tag = contentTag(backend, {});
  }
  const stateDir = newStateDir();
  for (const id of ['00-setup', '01-build', '02-load', '03-install']) {
    const r = await runRunbook(id, id === '03-install' ? ['--yes', '--no-screenshot'] : ['--yes'], { stateDir, env });
    if (id === '01-build') continue; // a size budget may be missed on a custom app; the images are built
    // a response-time target may be missed on a busy machine; the release is what matters here
    const failed = (r.json?.checks ?? []).filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
    assert.ok(r.exitCode === 0 || failed.every((c: string) => c.startsWith('SMOKE-')), `${id} failed:\n${r.stdout.slice(-3000)}`);
  }
  const run = (tool: string, args: string[]) =>
    spawnSync(join(stateDir, 'bin', tool), args, { env: { ...process.env, SIM_STATE_DIR: stateDir, SIM_FAULTS: '' }, encoding: 'utf8' });
  const image = () =>
    JSON.parse(
      run('kubectl', ['get', 'deployment', 'todo-chatbot-backend', '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout,
    ).spec.template.spec.containers[0].image;
  assert.equal(image(), `todo-backend:${tag}`, 'as 03 installed it');
  const reuse = run('helm', [
    'upgrade',
    'todo-chatbot',
    join(ROOT, 'helm', 'todo-chatbot'),
    '-n',
    'todo-app',
    '--reuse-values',
    '--set',
    'backend.replicaCount=1',
    '--kube-context',
    'minikube',
  ]);
  assert.equal(reuse.status, 0, reuse.stderr);
  assert.equal(image(), `todo-backend:${tag}`, 'after --reuse-values: still the digits 03 sent, not a number in e-notation');
  run('minikube', ['delete', '-p', 'minikube']);
});
