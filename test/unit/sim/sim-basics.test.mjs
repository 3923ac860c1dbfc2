// Control interface, clock, calls.jsonl, minikube/docker/kubectl basics and the state-shaping faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './helpers.mjs';
import { prepareSimulation } from '../../../sim/lib/setup.mjs';

test('prepareSimulation: wrappers per tool, env, idempotent reuse of an existing state', async () => {
  const m = await machine({ faults: 'missing=kubectl-ai' });
  try {
    for (const t of ['minikube', 'kubectl', 'helm', 'docker', 'kagent'])
      assert.ok(statSync(join(m.binDir, t)).mode & 0o100, `${t} executable`);
    assert.equal(existsSync(join(m.binDir, 'kubectl-ai')), false, 'missing= tool is absent from binDir');
    assert.deepEqual(Object.keys(m.env).sort(), ['SIM_FAULTS', 'SIM_SPEED', 'SIM_STATE_DIR']);
    assert.equal(m.env.SIM_SPEED, '0');
    const createdAt = m.state().createdAt;
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    const again = await prepareSimulation({ stateDir: m.stateDir, faults: '', speed: 500 });
    assert.equal(again.env.SIM_SPEED, '0', 'speed is fixed at creation');
    assert.equal(m.state().createdAt, createdAt);
    assert.equal(m.state().minikube.profiles.minikube.status, 'Running', 'an existing machine is reused');
    assert.ok(existsSync(join(m.binDir, 'kubectl-ai')), 'a later prepare without the fault restores the tool');
    await assert.rejects(prepareSimulation({ stateDir: m.stateDir, faults: 'bogus' }), /unknown fault/);
  } finally {
    m.cleanup();
  }
});

test('virtual clock: blocking commands sleep virtual time; calls.jsonl records argv, exit, ms and only two env keys', async () => {
  const m = await machine();
  try {
    const c = m.clock();
    const v0 = c.now();
    const r0 = Date.now();
    const s = m.run('minikube', ['start', '-p', 'minikube', '--cpus=2', '--memory=4096', '--driver=docker'], {
      env: { DOCKER_HOST: 'unix:///var/run/docker.sock', SECRET_TOKEN: 'hunter2' },
      input: 'stdin-secret',
    });
    assert.equal(s.code, 0, s.stderr);
    const v = c.now() - v0;
    const r = Date.now() - r0;
    assert.ok(v >= 30000 && v < 60000, `fresh start takes ~35 virtual s (took ${v})`);
    assert.ok(r < 8000, `…but only ${r} real ms`);
    const calls = m.calls();
    const last = calls[calls.length - 1];
    assert.deepEqual(last.argv, ['minikube', 'start', '-p', 'minikube', '--cpus=2', '--memory=4096', '--driver=docker']);
    assert.equal(last.exit, 0);
    assert.equal(typeof last.ms, 'number');
    assert.ok(!Number.isNaN(Date.parse(last.at)));
    assert.deepEqual(last.env, { DOCKER_HOST: 'unix:///var/run/docker.sock' });
    const raw = readFileSync(join(m.stateDir, 'calls.jsonl'), 'utf8');
    assert.ok(!raw.includes('hunter2') && !raw.includes('stdin-secret'), 'no other env values, no stdin');
  } finally {
    m.cleanup();
  }
});

test('minikube status: exit bitmask, compact JSON without trailing newline, 85 for a missing profile', async () => {
  const m = await machine();
  try {
    let r = m.run('minikube', ['status', '-p', 'minikube', '-o', 'json']);
    assert.equal(r.code, 85);
    assert.match(r.stdout, /"Profile \\"minikube\\" not found/);
    r = m.run('minikube', ['status', '-p', 'minikube']);
    assert.equal(r.code, 85);
    assert.match(
      r.stdout,
      /Profile "minikube" not found\. Run "minikube profile list" to view all profiles\.\n {2}To start a cluster, run: "minikube start"/,
    );
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    r = m.run('minikube', ['status', '-p', 'minikube', '-o', 'json']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      '{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Configured","Worker":false}',
    );
    assert.equal(m.run('minikube', ['stop', '-p', 'minikube']).code, 0);
    r = m.run('minikube', ['status', '-p', 'minikube', '-o', 'json']);
    assert.equal(r.code, 7);
    assert.equal(
      r.stdout,
      '{"Name":"minikube","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped","Worker":false}',
    );
    r = m.run('minikube', ['ip', '-p', 'minikube']);
    assert.equal(r.code, 83);
    r = m.run('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    assert.equal(r.code, 83);
    assert.equal(r.stdout, 'false exit code 83\n');
  } finally {
    m.cleanup();
  }
});

test('minikube start: kube-context becomes current, docker-env port changes on every start, node IP on loopback', async () => {
  const m = await machine();
  try {
    const r = m.run('kubectl', ['config', 'current-context']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: current-context is not set\n');
    assert.equal(m.run('minikube', ['start', '-p', 'dev']).code, 0);
    assert.equal(m.run('kubectl', ['config', 'current-context']).stdout, 'dev\n');
    assert.equal(m.run('kubectl', ['config', 'get-contexts', '-o', 'name']).stdout, 'dev\n');
    const ip = m.run('minikube', ['ip', '-p', 'dev']).stdout.trim();
    assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
    const e1 = m.json('minikube', ['docker-env', '-p', 'dev', '--shell', 'none', '-o', 'json']);
    assert.deepEqual(Object.keys(e1), [
      'DOCKER_CERT_PATH',
      'DOCKER_HOST',
      'DOCKER_TLS_VERIFY',
      'MINIKUBE_ACTIVE_DOCKERD',
      'SSH_AGENT_PID',
      'SSH_AUTH_SOCK',
    ]); // Go's json sorts map keys
    m.run('minikube', ['stop', '-p', 'dev']);
    m.run('minikube', ['start', '-p', 'dev']);
    const e2 = m.json('minikube', ['docker-env', '-p', 'dev', '--shell', 'none', '-o', 'json']);
    assert.notEqual(e1.DOCKER_HOST, e2.DOCKER_HOST, 'new docker-env port after a restart');
    const nodes = m.json('kubectl', ['get', 'nodes', '-o', 'json', '--request-timeout=10s', '--context', 'dev']);
    assert.equal(nodes.kind, 'List');
    assert.equal(nodes.items[0].status.addresses[0].address, ip);
    const profiles = JSON.parse(m.run('minikube', ['profile', 'list', '-o', 'json']).stdout);
    assert.equal(profiles.valid[0].Name, 'dev');
    assert.equal(profiles.valid[0].Config.CPUs, 2);
    const truth = m.truth();
    assert.deepEqual(
      truth.minikube.map((x) => x.action),
      ['start', 'stop', 'start'],
    );
    assert.ok(truth.minikube.every((x) => x.completedAt > x.startedAt));
  } finally {
    m.cleanup();
  }
});

test('kubectl: namespaces, -o json format (sorted keys, 4 spaces), NotFound and AlreadyExists texts', async () => {
  const m = await machine();
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    let r = m.run('kubectl', ['get', 'namespace', 'todo-app', '-o', 'json', '--request-timeout=10s']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): namespaces "todo-app" not found\n');
    r = m.run('kubectl', ['create', 'namespace', 'todo-app', '--request-timeout=10s']);
    assert.equal(r.stdout, 'namespace/todo-app created\n');
    r = m.run('kubectl', ['create', 'namespace', 'todo-app']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (AlreadyExists): namespaces "todo-app" already exists\n');
    r = m.run('kubectl', ['get', 'namespace', 'todo-app', '-o', 'json']);
    assert.match(
      r.stdout,
      /^\{\n {4}"apiVersion": "v1",\n {4}"kind": "Namespace",\n {4}"metadata": \{\n {8}"creationTimestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",/,
    );
    assert.ok(r.stdout.endsWith('}\n'));
    r = m.run('kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json']);
    assert.equal(
      r.stdout,
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
    r = m.run('kubectl', ['get', 'pods', '-n', 'todo-app']);
    assert.equal(r.stderr, 'No resources found in todo-app namespace.\n');
    r = m.run('kubectl', ['version', '--client', '-o', 'json']);
    assert.equal(JSON.parse(r.stdout).clientVersion.gitVersion, 'v1.34.0');
  } finally {
    m.cleanup();
  }
});

test('fault docker-down: docker and minikube start fail like the real tools', async () => {
  const m = await machine({ faults: 'docker-down' });
  try {
    let r = m.run('docker', ['version', '--format', '{{json .}}']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    assert.equal(JSON.parse(r.stdout).Server, null);
    r = m.run('docker', ['info', '--format', '{{json .}}']);
    assert.equal(r.code, 1);
    r = m.run('minikube', ['start', '-p', 'minikube']);
    assert.equal(r.code, 63);
    assert.match(r.stderr, /Exiting due to PROVIDER_DOCKER_NOT_RUNNING/);
  } finally {
    m.cleanup();
  }
});

test('fault missing=<tool>: the shim in sim/bin answers 127 and the wrapper is absent', async () => {
  const m = await machine({ faults: 'missing=helm' });
  try {
    assert.equal(existsSync(join(m.binDir, 'helm')), false);
    const { spawnSync } = await import('node:child_process');
    const shim = spawnSync(new URL('../../../sim/bin/helm', import.meta.url).pathname, ['version'], {
      env: { ...process.env, ...m.env },
      encoding: 'utf8',
    });
    assert.equal(shim.status, 127);
  } finally {
    m.cleanup();
  }
});

test('fault minikube-stopped: profile exists, Stopped, its context current; kubectl cannot connect', async () => {
  const m = await machine({ faults: 'minikube-stopped' });
  try {
    let r = m.run('minikube', ['status', '-p', 'minikube', '-o', 'json']);
    assert.equal(r.code, 7);
    assert.equal(m.run('kubectl', ['config', 'current-context']).stdout, 'minikube\n');
    r = m.run('kubectl', ['get', 'nodes', '-o', 'json', '--request-timeout=10s']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /The connection to the server 127\.\d+\.\d+\.\d+:8443 was refused - did you specify the right host or port\?\n$/,
    );
    assert.match(r.stderr, /timeout=10s/);
    r = m.run('helm', ['list', '-A', '-o', 'json']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Error: Kubernetes cluster unreachable: Get "https:\/\/127\.[\d.]+:8443\/version": dial tcp [\d.]+:8443: connect: connection refused\n$/,
    );
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    assert.equal(m.run('minikube', ['status', '-p', 'minikube', '-o', 'json']).code, 0);
  } finally {
    m.cleanup();
  }
});

test('fault minikube-start-fails: GUEST_PROVISION on stderr, exit 80, no context', async () => {
  const m = await machine({ faults: 'minikube-start-fails' });
  try {
    const r = m.run('minikube', ['start', '-p', 'minikube']);
    assert.equal(r.code, 80);
    assert.match(r.stderr, /Exiting due to GUEST_PROVISION: /);
    assert.equal(m.run('kubectl', ['config', 'current-context']).code, 1);
    assert.equal(m.truth().minikube[0].ok, false);
  } finally {
    m.cleanup();
  }
});

test('fault context=<name>: a foreign context is current; minikube start switches to its own', async () => {
  const m = await machine({ faults: 'context=prod-cluster' });
  try {
    assert.equal(m.run('kubectl', ['config', 'current-context']).stdout, 'prod-cluster\n');
    const nodes = m.json('kubectl', ['get', 'nodes', '-o', 'json']);
    assert.equal(nodes.items[0].metadata.name, 'prod-cluster-node-1');
    m.run('kubectl', ['create', 'namespace', 'oops']);
    assert.ok(
      m.calls().some((c) => c.argv.join(' ') === 'kubectl create namespace oops'),
      'the mutating call is recorded',
    );
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    assert.equal(m.run('kubectl', ['config', 'current-context']).stdout, 'minikube\n');
    assert.equal(m.run('kubectl', ['config', 'get-contexts', '-o', 'name']).stdout, 'minikube\nprod-cluster\n');
    assert.equal(
      m.run('kubectl', ['get', 'namespace', 'oops', '--context', 'minikube']).code,
      1,
      'the namespace was made on the foreign cluster',
    );
    assert.equal(m.run('kubectl', ['get', 'namespace', 'oops', '--context', 'prod-cluster']).code, 0);
    const r = m.run('kubectl', ['get', 'pods', '--context', 'nope']);
    assert.equal(r.stderr, 'error: context was not found for specified context: nope\n');
  } finally {
    m.cleanup();
  }
});

test('versions: helm, kubectl-ai, kagent, minikube', async () => {
  const m = await machine();
  try {
    assert.equal(m.run('helm', ['version', '--template', '{{.Version}}']).stdout, 'v3.16.2');
    assert.equal(
      m.run('minikube', ['version', '--output', 'json']).stdout,
      '{"commit":"65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3","minikubeVersion":"v1.37.0"}\n',
    );
    assert.match(m.run('kubectl-ai', ['version']).stdout, /^version: .+\ncommit: .+\ndate: .+\n$/);
    const k = JSON.parse(m.run('kagent', ['version']).stdout);
    assert.deepEqual(Object.keys(k), ['kagent_version', 'git_commit', 'build_date', 'backend_version']);
    assert.notEqual(k.backend_version, 'unknown');
  } finally {
    m.cleanup();
  }
});

test('Never accept anything: unknown flags and commands per tool', async () => {
  const m = await machine();
  try {
    let r = m.run('kubectl', ['get', 'pods', '--foo']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n");
    r = m.run('kubectl', ['frobnicate']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: unknown command "frobnicate" for "kubectl"\n');
    r = m.run('kubectl', ['version', '--client', '--short']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown flag: --short/);
    r = m.run('helm', ['upgrade', '--install', 'x', '.', '--foo']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: unknown flag: --foo\n');
    r = m.run('helm', ['history', 'x', '-o', 'xml']);
    assert.equal(r.stderr, 'Error: invalid argument "xml" for "-o, --output" flag: invalid format type\n');
    r = m.run('docker', ['build', '--foo', '.']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^unknown flag: --foo\n\nUsage: {2}docker build \[OPTIONS\] PATH \| URL \| -\n/);
    r = m.run('minikube', ['start', '--foo']);
    assert.equal(r.code, 14);
    assert.match(r.stderr, /^Error: unknown flag: --foo/);
    r = m.run('minikube', ['frob']);
    assert.equal(r.code, 14);
    r = m.run('kubectl-ai', ['--frob']);
    assert.equal(r.code, 1);
    r = m.run('docker', ['ai', 'version']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "docker: unknown command: docker ai\n\nRun 'docker --help' for more information\n");
  } finally {
    m.cleanup();
  }
});
