// A content tag can be all digits (12 hex digits, about 1 run in 280). Sent with --set, helm types
// it as a number and, after a --reuse-values round trip, renders it as 8.3635323982e+11 — the pod
// then waits for an image that does not exist. The runbooks send tags with --set-string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { newStateDir, ROOT } from './harness.ts';

const CHART = join(ROOT, 'helm', 'todo-chatbot');

test('an all-digit image tag survives --reuse-values only when it was sent with --set-string', async () => {
  const { prepareSimulation } = await import(join(ROOT, 'sim/lib/setup.mjs'));
  const sim = await prepareSimulation({ stateDir: newStateDir() });
  const run = (tool: string, args: string[]) => spawnSync(join(sim.binDir, tool), args, { env: { ...process.env, ...sim.env }, encoding: 'utf8' });
  try {
    assert.equal(run('minikube', ['start', '-p', 'minikube']).status, 0);
    const image = (release: string) => {
      const dep = JSON.parse(run('kubectl', ['get', 'deployment', `${release}-todo-chatbot-frontend`, '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout);
      return dep.spec.template.spec.containers[0].image;
    };
    for (const [release, flag, expected] of [['as-string', '--set-string', 'todo-frontend:836353239820'], ['as-number', '--set', 'todo-frontend:8.3635323982e+11']] as const) {
      const install = run('helm', ['upgrade', '--install', release, CHART, '-n', 'todo-app', '--create-namespace', '--set', 'secrets.POSTGRES_PASSWORD=pw-0123456789', flag, 'frontend.image.tag=836353239820', '--kube-context', 'minikube']);
      assert.equal(install.status, 0, install.stderr);
      const reuse = run('helm', ['upgrade', release, CHART, '-n', 'todo-app', '--reuse-values', '--set', 'frontend.replicaCount=2', '--kube-context', 'minikube']);
      assert.equal(reuse.status, 0, reuse.stderr);
      assert.equal(image(release), expected, `${flag}: the image after --reuse-values`);
      assert.equal(run('helm', ['uninstall', release, '-n', 'todo-app', '--kube-context', 'minikube']).status, 0, 'frees the NodePorts for the next release');
    }
  } finally {
    run('minikube', ['delete', '-p', 'minikube']);
  }
});
