// kubectl-ai, kagent and Gordon stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { machine, installFixture, FIXTURES } from './helpers.mjs';

test('kubectl-ai: needs a provider key; an open stdin hangs like the real tool; answers name the failing pod', async () => {
  const m = await machine({ faults: 'crashloop=backend' });
  try {
    let r = m.run('kubectl-ai', [
      '--quiet',
      '--llm-provider',
      'gemini',
      '--model',
      'gemini-2.5-flash',
      '--max-iterations',
      '10',
      'why is the backend failing in namespace todo-app',
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: creating llm client: GEMINI_API_KEY environment variable not set\n');
    r = m.run('kubectl-ai', ['--quiet', '--llm-provider', 'openai', '--model', 'gpt-4.1', 'q']);
    assert.equal(r.stderr, 'Error: creating llm client: OpenAI API key not found. Set via OPENAI_API_KEY env var\n');
    r = m.run('kubectl-ai', ['--quiet', '--llm-provider', 'nope', '--model', 'x', 'q']);
    assert.match(r.stderr, /provider "nope" not registered/);
    assert.equal(installFixture(m, { wait: false }).code, 0);
    await m.sleep(40000);
    const env = { GEMINI_API_KEY: 'test-key' };
    r = m.run(
      'kubectl-ai',
      [
        '--quiet',
        '--llm-provider',
        'gemini',
        '--model',
        'gemini-2.5-flash',
        '--max-iterations',
        '10',
        'why is the backend failing in namespace todo-app',
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\u001b\[1m/, 'ANSI colour like the real renderer');
    assert.match(r.stdout, /^ {2}Running: kubectl get pods -n todo-app$/m);
    // Asked between two restarts the pod reads Running with the kubelet's back-off event, as a real
    // crash-looping pod does; either way the answer names the failing pod and its failure.
    assert.match(r.stdout, /todo-chatbot-backend-\S+.*(CrashLoopBackOff|Error|Back-off restarting failed container)/);
    r = m.run('kubectl-ai', ['--quiet', '--llm-provider', 'gemini', '--model', 'm', 'delete the crashing pod in namespace todo-app'], {
      env,
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Error: RunOnce mode cannot handle permission requests\. The following commands require approval: kubectl delete pod /,
    );
    // stdin left open: it blocks (the product must close stdin)
    const child = m.spawn('kubectl-ai', ['--quiet', '--llm-provider', 'gemini', '--model', 'm', 'status of namespace todo-app'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = await Promise.race([
      new Promise((res) => child.on('exit', () => res(true))),
      new Promise((res) => setTimeout(() => res(false), 1500)),
    ]);
    assert.equal(exited, false, 'still waiting for stdin EOF');
    child.stdin.end();
    const code = await new Promise((res) => child.on('exit', res));
    assert.equal(code, 0);
  } finally {
    m.cleanup();
  }
});

test('kagent: version shows backend_version unknown and invoke fails on stderr with exit 0 when not installed', async () => {
  const m = await machine({ faults: 'kagent-not-installed' });
  try {
    assert.equal(JSON.parse(m.run('kagent', ['version']).stdout).backend_version, 'unknown');
    const r = m.run('kagent', ['invoke', '-n', 'kagent', '--agent', 'k8s-agent', '--task', 'list failing pods in namespace todo-app']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error starting port-forward: .*Please run 'install' command first\n$/s);
    assert.equal(m.run('kagent', ['invoke', '-n', 'kagent', '--agent', 'k8s-agent']).stderr, 'Task or file is required\n');
    const ok = m.run('kagent', ['invoke', '-n', 'kagent', '--agent', 'k8s-agent', '--task', 'list failing pods in namespace todo-app'], {
      env: { SIM_FAULTS: '' },
    });
    assert.equal(ok.code, 0);
    assert.equal(ok.stderr, '');
    const j = JSON.parse(ok.stdout);
    assert.equal(j.status.state, 'completed');
    assert.equal(ok.stdout.trim().split('\n').length, 1);
  } finally {
    m.cleanup();
  }
});

test('Gordon: absent by default, present with SIM_GORDON=1 and advisory about the Dockerfile', async () => {
  const m = await machine();
  try {
    assert.equal(m.run('docker', ['ai', 'version']).code, 1);
    const env = { SIM_GORDON: '1' };
    assert.equal(m.run('docker', ['ai', 'version'], { env }).code, 0);
    // Its answers come only in a terminal (a TUI): see sim-real-tools.test.mjs, point 8.
    const r = m.run('docker', ['ai', '-C', join(FIXTURES, 'nope'), 'How can I improve my Dockerfile?'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /chdir .*nope: no such file or directory/);
  } finally {
    m.cleanup();
  }
});

test('docker build into minikube via docker-env: BuildKit progress, history with build args as BuildKit records them', async () => {
  const m = await machine();
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    const env = m.json('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    const args = [
      'build',
      '-t',
      'todo-frontend:t1',
      '-f',
      join(FIXTURES, 'app/Dockerfile'),
      '--build-arg',
      'NEXT_PUBLIC_API_URL=http://api.example',
      '--label',
      'org.opencontainers.image.revision=abc',
      join(FIXTURES, 'app/frontend'),
    ];
    const b = m.run('docker', args, { env });
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /^#0 building with "default" instance using docker driver\n/);
    assert.match(b.stderr, /#\d+ naming to docker\.io\/library\/todo-frontend:t1 done\n/);
    assert.equal(m.run('docker', ['image', 'inspect', '--format', '{{json .}}', 'todo-frontend:t1']).code, 1, 'not in the host daemon');
    const insp = JSON.parse(m.run('docker', ['image', 'inspect', '--format', '{{json .}}', 'todo-frontend:t1'], { env }).stdout);
    assert.match(insp.Id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(insp.RepoTags, ['todo-frontend:t1']);
    assert.ok(insp.Size > 100e6);
    assert.equal(insp.Config.Labels['org.opencontainers.image.revision'], 'abc');
    const hist = m
      .run('docker', ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', 'todo-frontend:t1'], { env })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(hist[0]), ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size']);
    assert.ok(!hist.some((h) => h.CreatedBy.includes('api.example')), 'a build arg of an earlier stage does not reach the final image');
    const single = m.run(
      'docker',
      [
        'build',
        '-t',
        'single:1',
        '-f',
        join(FIXTURES, 'app/Dockerfile.single'),
        '--build-arg',
        'NEXT_PUBLIC_API_URL=http://api.example',
        join(FIXTURES, 'app/frontend'),
      ],
      { env },
    );
    assert.equal(single.code, 0, single.stderr);
    const sh = m
      .run('docker', ['history', '--no-trunc', '--format', '{{json .}}', 'single:1'], { env })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(
      sh.some((h) => h.CreatedBy === 'RUN |1 NEXT_PUBLIC_API_URL=http://api.example /bin/sh -c npm run build --if-present # buildkit'),
      'ARG values show in the history of RUN lines, as BuildKit records them',
    );
    assert.equal(hist[0].ID, insp.Id);
    assert.ok(hist.slice(1).every((h) => h.ID === '<missing>'));
    assert.match(hist[0].Size, /^\d+$/);
    // same context, same id; different build arg, different id
    const again = m.run('docker', args, { env });
    assert.match(again.stderr, /CACHED/);
    const b2 = m.run('docker', [...args.slice(0, 5), '--build-arg', 'NEXT_PUBLIC_API_URL=http://other', ...args.slice(7)], { env });
    assert.equal(b2.code, 0);
    assert.notEqual(
      JSON.parse(m.run('docker', ['image', 'inspect', '--format', '{{json .}}', 'todo-frontend:t1'], { env }).stdout).Id,
      insp.Id,
    );
    const miss = m.run('docker', ['build', '-t', 'x:1', '-f', '/nonexistent/Dockerfile', join(FIXTURES, 'app/frontend')], { env });
    assert.equal(miss.code, 1);
    assert.equal(
      miss.stderr,
      'ERROR: failed to build: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory\n',
    );
    const nf = m.run('docker', ['image', 'inspect', 'nope:1']);
    assert.equal(nf.stdout, '[]\n');
    assert.equal(nf.stderr, 'Error response from daemon: No such image: nope:1\n');
    m.run('minikube', ['stop', '-p', 'minikube']);
    const stale = m.run('docker', ['images', '--format', 'json'], { env });
    assert.equal(stale.code, 1);
    assert.equal(stale.stderr, `Cannot connect to the Docker daemon at ${env.DOCKER_HOST}. Is the docker daemon running?\n`);
  } finally {
    m.cleanup();
  }
});
