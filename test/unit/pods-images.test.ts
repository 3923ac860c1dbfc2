import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podState, isFatal } from '../../src/cluster/pods.ts';
import { contentTag, type ImageSpec } from '../../src/images.ts';
import { parseStatus, normaliseImageRef } from '../../src/tools/minikube.ts';
import { judgeContext } from '../../src/cluster/guard.ts';

const base = {
  metadata: {
    name: 'todo-chatbot-backend-5d8c7b9f6d-abcde',
    labels: { 'app.kubernetes.io/component': 'backend' },
    creationTimestamp: '2026-11-23T04:30:00Z',
  },
};

test('podState reads readiness, waiting reasons and OOMKilled behind CrashLoopBackOff', () => {
  const ready = podState({
    ...base,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-23T04:30:08Z' }],
      containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }],
    },
  });
  assert.equal(ready.ready, true);
  assert.equal(ready.readyAt! - ready.createdAt, 8000);
  const oom = podState({
    ...base,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          ready: false,
          restartCount: 3,
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
        },
      ],
    },
  });
  assert.equal(oom.reason, 'OOMKilled');
  assert.equal(oom.restarts, 3);
  assert.ok(isFatal(oom));
  const pending = podState({
    ...base,
    status: {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' },
      ],
    },
  });
  assert.equal(pending.reason, 'Unschedulable');
  assert.match(pending.message!, /Insufficient cpu/);
  const creating = podState({
    ...base,
    status: { phase: 'Pending', containerStatuses: [{ ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] },
  });
  assert.equal(isFatal(creating), false);
});

test('contentTag changes with any input and only then', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tag-'));
  writeFileSync(join(dir, 'index.js'), 'console.log(1)');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM x');
  const spec: ImageSpec = {
    component: 'backend',
    repository: 'todo-backend',
    context: dir,
    dockerfile: join(dir, 'Dockerfile'),
    inputs: ['.'],
    budgetBytes: 1,
  };
  const a = contentTag(spec, {});
  assert.match(a, /^[0-9a-f]{12}$/);
  assert.equal(contentTag(spec, {}), a);
  const copy = mkdtempSync(join(tmpdir(), 'tag-'));
  cpSync(dir, copy, { recursive: true });
  assert.equal(contentTag({ ...spec, context: copy, dockerfile: join(copy, 'Dockerfile') }, {}), a, 'the location does not matter');
  assert.notEqual(contentTag(spec, { NEXT_PUBLIC_API_URL: 'http://x' }), a);
  writeFileSync(join(dir, 'index.js'), 'console.log(2)');
  assert.notEqual(contentTag(spec, {}), a);
});

test('demo tags: a change in app/shared changes every tag, a change in one service only its own', async () => {
  const { imageSpecs } = await import('../../src/images.ts');
  const { loadConfig } = await import('../../src/config.ts');
  // A copy of the demo's layout (app/<service>, app/shared, docker/<service>.Dockerfile).
  const root = mkdtempSync(join(tmpdir(), 'demo-tags-'));
  const repo = join(import.meta.dirname, '..', '..');
  for (const part of ['app/frontend/src', 'app/backend/src', 'app/mcp/src', 'app/shared'])
    cpSync(join(repo, part), join(root, part), { recursive: true });
  cpSync(join(repo, 'docker'), join(root, 'docker'), { recursive: true });
  const tags = () => imageSpecs(loadConfig([], [], {}, tmpdir()).settings, root).map((spec) => contentTag(spec, {}));
  const [frontend, backend, mcp] = tags();
  writeFileSync(join(root, 'app/shared/runtime.ts'), '// changed\n', { flag: 'a' });
  const afterShared = tags();
  assert.ok(
    afterShared.every((tag, i) => tag !== [frontend, backend, mcp][i]),
    'every image rebuilds when the shared code changes',
  );
  writeFileSync(join(root, 'app/mcp/src/tools.ts'), '// changed\n', { flag: 'a' });
  assert.deepEqual(
    tags().map((tag, i) => tag === afterShared[i]),
    [true, true, false],
    'only the MCP tag moves',
  );
});

test('minikube status parsing follows the exit-code bitmask and profile-not-found', () => {
  assert.equal(
    parseStatus(
      '{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Configured","Worker":false}',
      0,
    ).running,
    true,
  );
  const stopped = parseStatus(
    '{"Name":"minikube","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped","Worker":false}',
    7,
  );
  assert.deepEqual([stopped.exists, stopped.running, stopped.host], [true, false, 'Stopped']);
  const none = parseStatus('* Profile "x" not found. Run "minikube profile list" to view all profiles.', 85);
  assert.deepEqual([none.exists, none.running], [false, false]);
  assert.equal(normaliseImageRef('docker.io/library/todo-backend:abc'), 'todo-backend:abc');
});

test('the context guard allows only the profile, no context, or an explicitly named one', () => {
  assert.equal(judgeContext(undefined, 'minikube', '').allowed, true);
  assert.equal(judgeContext('minikube', 'minikube', '').allowed, true);
  assert.equal(judgeContext('gke_prod', 'minikube', '').allowed, false);
  assert.equal(judgeContext('gke_prod', 'minikube', 'gke_prod').allowed, true);
  assert.equal(judgeContext('dev', 'minikube', 'gke_prod').allowed, false);
});

test('image specs: the demo app by default; a custom app from settings, with clear errors', async () => {
  const { imageSpecs } = await import('../../src/images.ts');
  const { loadConfig } = await import('../../src/config.ts');
  const { UsageError } = await import('../../src/errors.ts');
  const root = join(import.meta.dirname, '..', '..');
  const demo = imageSpecs(loadConfig([], [], {}, tmpdir()).settings, root);
  assert.deepEqual(
    demo.map((s) => [s.repository, s.context === join(root, 'app'), s.inputs, s.dockerfile.endsWith(`${s.component}.Dockerfile`)]),
    [
      ['todo-frontend', true, ['frontend', 'shared'], true],
      ['todo-backend', true, ['backend', 'shared'], true],
      ['todo-mcp', true, ['mcp', 'shared'], true],
    ],
  );
  assert.throws(
    () => imageSpecs(loadConfig([], [], { APP_SOURCE: 'custom' }, tmpdir()).settings, root),
    (e: unknown) => e instanceof UsageError && /APP_SOURCE=custom needs APP_FRONTEND_DIR/.test(e.message),
  );
  const app = mkdtempSync(join(tmpdir(), 'byo-'));
  const custom = imageSpecs(
    loadConfig([], [], { APP_SOURCE: 'custom', APP_FRONTEND_DIR: app, APP_BACKEND_DIR: app, APP_MCP_DIR: app }, tmpdir()).settings,
    root,
  );
  assert.deepEqual(
    custom.map((s) => s.dockerfile.split('/').pop()),
    ['nextjs.Dockerfile', 'fastapi.Dockerfile', 'python-mcp.Dockerfile'],
  );
  writeFileSync(join(app, 'Dockerfile'), 'FROM scratch');
  assert.equal(
    imageSpecs(
      loadConfig([], [], { APP_SOURCE: 'custom', APP_FRONTEND_DIR: app, APP_BACKEND_DIR: app, APP_MCP_DIR: app }, tmpdir()).settings,
      root,
    )[0]!.dockerfile,
    join(app, 'Dockerfile'),
  );
  assert.throws(
    () =>
      imageSpecs(
        loadConfig([], [], { APP_SOURCE: 'custom', APP_FRONTEND_DIR: '/nonexistent/x', APP_BACKEND_DIR: app, APP_MCP_DIR: app }, tmpdir())
          .settings,
        root,
      ),
    /APP_FRONTEND_DIR \/nonexistent\/x does not exist/,
  );
});
