// cloneMachine: a copy of a running simulated machine that runs next to the original, each on its
// own loopback block, with the same cluster, release and data (what lets the e2e files share one
// prepared cluster and still run at the same time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneMachine } from '../../../sim/lib/setup.mjs';
import { machine, installFixture, pods } from './helpers.mjs';

const todos = async (ip) => (await (await fetch(`http://${ip}:30081/api/todos`)).json()).map((t) => t.title).sort();
const addTodo = (ip, title) =>
  fetch(`http://${ip}:30081/api/todos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });

test('cloneMachine: the copy runs next to the original on its own addresses, with the same release and data', async () => {
  const m = await machine();
  const to = join(mkdtempSync(join(tmpdir(), 'sim-clone-')), 'state');
  /** a stand-in of the copy, as a user with its bin/ first on PATH would run it */
  const copy = (tool, args) =>
    spawnSync(join(to, 'bin', tool), args, { env: { ...process.env, SIM_STATE_DIR: to, SIM_SPEED: '0' }, encoding: 'utf8' });
  try {
    assert.equal(installFixture(m).code, 0);
    const ip = m.run('minikube', ['ip', '-p', 'minikube']).stdout.trim();
    assert.equal((await addTodo(ip, 'before the copy')).status, 201);

    const { nodeIP } = cloneMachine(m.stateDir, to);
    const block = (a) => a.split('.').slice(0, 3).join('.');
    assert.notEqual(block(nodeIP), block(ip), 'the copy moved to another block');
    assert.equal(copy('minikube', ['ip', '-p', 'minikube']).stdout.trim(), nodeIP);
    const state = readFileSync(join(to, 'state.json'), 'utf8');
    assert.ok(!state.includes(`${block(ip)}.`), 'no address of the old block is left in the copy');
    assert.equal(JSON.parse(state).kubeconfig.contexts.minikube.server, `https://${nodeIP}:8443`);
    assert.equal(
      readFileSync(join(tmpdir(), 'todo-chatbot-sim-addresses', block(nodeIP)), 'utf8'),
      to,
      'the new block is registered to the copy',
    );

    // the same pods, and the copy's own NodePort daemon (started by its first call) serves the copied data
    const names = (list) => list.map((p) => p.metadata.name).sort();
    const copied = JSON.parse(copy('kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json']).stdout).items;
    assert.deepEqual(names(copied), names(pods(m)));
    assert.deepEqual(await todos(nodeIP), ['before the copy']);
    // both answer at once, and from then on they are two machines
    assert.equal((await addTodo(nodeIP, 'only in the copy')).status, 201);
    assert.deepEqual(await todos(nodeIP), ['before the copy', 'only in the copy']);
    assert.deepEqual(await todos(ip), ['before the copy']);
    assert.throws(() => cloneMachine(m.stateDir, to), /not empty/);
  } finally {
    copy('minikube', ['stop', '-p', 'minikube']);
    m.cleanup();
    rmSync(join(to, '..'), { recursive: true, force: true });
  }
});
