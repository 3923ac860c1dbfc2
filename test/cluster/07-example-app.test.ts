// The bring-your-own-app path on the real node: examples/todo-chatbot (FastAPI + SQLModel + Agents
// SDK backend, an MCP server on the official Python SDK, a Next.js standalone frontend) built by
// 01 with APP_SOURCE=custom from the unchanged templates, loaded by 02, installed by 03 with the
// values a user of such an app gives (MCP probes by TCP, the frontend probed on "/"), 03's smoke
// checks answered by the real containers — the chat check included, with the model a stub on the
// node's bridge address, so backend → agent → MCP → PostgreSQL runs for real — and 04's data check
// (through the app's MCP tools) surviving a real stop/start and the pod replacements.
// The Python templates build FROM python:3.11-slim, here the docker lane's local bookworm base.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalBase, ensurePythonBase } from '../docker/lib.ts';
import { startStubModel, type StubModel } from '../docker/stub-model.ts';
import {
  LANE_DIR,
  LANE_VALUES,
  NAMESPACE,
  NODE_PORTS,
  check,
  checks,
  ensureNodeBase,
  ensurePythonSlim,
  kubectlJson,
  missingPrerequisite,
  nodeSetting,
  prepareLane,
  recordFigure,
  releasePythonSlim,
  runRunbook,
  tail,
} from './harness.ts';

const why = missingPrerequisite();
const started = Date.now();
// Pods reach the host on the bridge's address (the node's InternalIP).
const BRIDGE_IP = nodeSetting('NODE_IP');
const EXAMPLE_VALUES = join(LANE_DIR, 'example-values.yaml');
let stub: StubModel | undefined;

const customApp = {
  APP_SOURCE: 'custom',
  APP_FRONTEND_DIR: 'examples/todo-chatbot/frontend',
  APP_BACKEND_DIR: 'examples/todo-chatbot/backend',
  APP_MCP_DIR: 'examples/todo-chatbot/mcp',
};
const env = () => ({ ...customApp, HELM_VALUES_FILES: `${LANE_VALUES},${EXAMPLE_VALUES}` });

before(async () => {
  if (why) return;
  prepareLane();
  await ensureNodeBase(ensureLocalBase);
  ensurePythonSlim(await ensurePythonBase());
});

after(async () => {
  await stub?.close();
  if (!why) releasePythonSlim();
});

test('00 → 01 (APP_SOURCE=custom) → 02: the example app built from the templates and loaded into the node', {
  skip: why,
  timeout: 2_700_000,
}, async () => {
  const setup = await runRunbook('00-setup');
  assert.equal(setup.exitCode, 0, tail(setup));
  // The model stub listens on the bridge's address, which exists once the node runs.
  stub = await startStubModel(BRIDGE_IP);
  // What a user of such an app puts in their values file: the MCP server (official SDK, no GET
  // route) probed by TCP, the Next.js page probed on "/", and here the model's base URL.
  writeFileSync(
    EXAMPLE_VALUES,
    [
      'frontend:',
      '  probes:',
      ...['startup', 'liveness', 'readiness'].map((p) => `    ${p}: {path: /}`),
      'backend:',
      '  env:',
      `    OPENAI_BASE_URL: "${stub.baseUrl}"`,
      '    OPENAI_MODEL: stub-model',
      'mcp:',
      '  probes:',
      ...['startup', 'liveness', 'readiness'].map((p) => `    ${p}: {type: tcp}`),
      '',
    ].join('\n'),
  );
  const build = await runRunbook('01-build', [], { env: env(), timeoutMs: 2_400_000 });
  assert.equal(build.exitCode, 0, tail(build));
  recordFigure('example 01-build s', Math.round(build.ms / 1000));
  for (const c of ['FRONTEND', 'BACKEND', 'MCP']) {
    assert.equal(check(build, `BUILD-${c}`)?.status, 'pass', `BUILD-${c}: ${check(build, `BUILD-${c}`)?.measured}`);
    assert.equal(check(build, `SIZE-${c}`)?.status, 'pass', `SIZE-${c}: ${check(build, `SIZE-${c}`)?.measured}`);
    assert.equal(check(build, `SECRETS-LAYERS-${c}`)?.status, 'pass', `SECRETS-LAYERS-${c}`);
  }
  assert.match(check(build, 'SIZE-BACKEND').expected, /python base/);
  recordFigure(
    'example image sizes',
    Object.fromEntries(checks(build, 'SIZE-').map((c: { id: string; measured: string }) => [c.id, c.measured])),
  );
  const load = await runRunbook('02-load', [], { env: env() });
  assert.equal(load.exitCode, 0, tail(load));
  recordFigure('example 02-load s', Math.round(load.ms / 1000));
});

test('03 installs the example app: every pod Ready, the smoke checks and the chat round trip pass on the real containers', {
  skip: why,
  timeout: 1_200_000,
}, async () => {
  const asked = stub?.requests.length ?? 0;
  const r = await runRunbook('03-install', ['--no-screenshot'], { env: { ...env(), CHAT_SMOKE: '1' } });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('example 03-install s', Math.round(r.ms / 1000));
  const ready = checks(r, 'READY-');
  for (const c of ready) assert.equal(c.status, 'pass', `${c.id}: ${c.measured}`);
  recordFigure('example 03 Ready times', Object.fromEntries(ready.map((c: { id: string; measured: string }) => [c.id, c.measured])));
  const smoke = checks(r, 'SMOKE-');
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-BACKEND-READY', 'SMOKE-FRONTEND', 'SMOKE-MCP', 'SMOKE-CHAT'])
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  recordFigure('example 03 smoke', Object.fromEntries(smoke.map((c: { id: string; measured: string }) => [c.id, c.measured])));
  assert.match(check(r, 'SMOKE-MCP').measured, /add_task, list_tasks, complete_task, delete_task|4 tools/);
  assert.match(
    check(r, 'SMOKE-CHAT').measured,
    /^200 in \d+ ms, task "runbook chat check [0-9a-f]{8}" among \d+ task\(s\) listed by list_tasks; reply "Done: [^\n]*tool calls: add_task \(deleted again\)$/,
  );
  assert.equal((stub?.requests.length ?? 0) - asked, 2, 'the agent in the backend pod asked the model twice');
  // The pods run the example's images (the custom build), not the demo's.
  const images = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items.flatMap((p: { spec: { containers: Array<{ image: string }> } }) =>
    p.spec.containers.map((c) => c.image),
  );
  for (const repo of ['todo-frontend', 'todo-backend', 'todo-mcp'])
    assert.ok(
      images.some((i: string) => i.includes(`${repo}:`)),
      repo,
    );
  const page = await (await fetch(`http://127.0.0.1:${NODE_PORTS.frontend}/`)).text();
  assert.match(page, /<h1>Todo AI Chatbot<\/h1>/, "the example's own page");
});

test("04's data check through the example's MCP tools survives a real stop/start and the replacements", {
  skip: why,
  timeout: 1_800_000,
}, async () => {
  const r = await runRunbook('04-restart-test', ['--replacement-target', '30s'], { env: env(), timeoutMs: 1_800_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('example 04-restart-test s', Math.round(r.ms / 1000));
  for (const id of ['DATA-WRITE', 'RESTART-ALL', 'DATA-RESTART', 'REPLACE-ONE', 'REPLACE-ALL', 'DATA-REPLACE'])
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  assert.match(check(r, 'DATA-WRITE').measured + check(r, 'DATA-WRITE').expected, /add_task/);
  recordFigure(
    'example 04',
    Object.fromEntries(
      [...checks(r, 'RESTART-'), ...checks(r, 'REPLACE-'), ...checks(r, 'DATA-')].map((c: { id: string; measured: string }) => [
        c.id,
        c.measured,
      ]),
    ),
  );
});

test('07 removes the example release; the lane leaves the node as the other files expect it', { skip: why, timeout: 600_000 }, async () => {
  const r = await runRunbook('07-teardown', [], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('example lane file s', Math.round((Date.now() - started) / 1000));
});
