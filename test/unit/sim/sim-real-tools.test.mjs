// Issue 10: the simulated tools follow the real ones where the runbooks' old assumptions did not
// (sources cited in sim/lib next to each behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { machine, installFixture, CHART, FIXTURES } from './helpers.mjs';

test('1: docker-env prints an export script unless --shell none; -o json is read only then', async () => {
  const m = await machine();
  try {
    assert.equal(m.run('minikube', ['start', '-p', 'minikube']).code, 0);
    const script = m.run('minikube', ['docker-env', '-p', 'minikube', '-o', 'json'], { env: { SHELL: '/bin/bash' } });
    assert.equal(script.code, 0);
    assert.match(script.stdout, /^export DOCKER_TLS_VERIFY="1"\nexport DOCKER_HOST="tcp:\/\/127\.0\.0\.1:\d+"/);
    assert.throws(() => JSON.parse(script.stdout));
    const json = JSON.parse(m.run('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']).stdout);
    assert.deepEqual(Object.keys(json), [
      'DOCKER_CERT_PATH',
      'DOCKER_HOST',
      'DOCKER_TLS_VERIFY',
      'MINIKUBE_ACTIVE_DOCKERD',
      'SSH_AGENT_PID',
      'SSH_AUTH_SOCK',
    ]);
    const text = m.run('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none']);
    assert.match(text.stdout, /^DOCKER_TLS_VERIFY=1\nDOCKER_HOST=tcp:/);
  } finally {
    m.cleanup();
  }
});

test('1: the containerd runtime: recorded in the profile and the node, docker-env not served, image load works', async () => {
  const m = await machine({ faults: 'minikube-runtime=containerd' });
  try {
    const start = m.run('minikube', ['start', '-p', 'minikube']);
    assert.match(start.stdout, /Preparing Kubernetes v1\.34\.0 on containerd /);
    const profile = JSON.parse(m.run('minikube', ['profile', 'list', '-o', 'json']).stdout).valid[0];
    assert.equal(profile.Config.KubernetesConfig.ContainerRuntime, 'containerd');
    const node = JSON.parse(m.run('kubectl', ['get', 'nodes', '-o', 'json']).stdout).items[0];
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
    const env = m.run('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    assert.notEqual(env.code, 0);
    assert.match(env.stderr, /containerd runtime is a highly experimental feature/);
    // --container-runtime on the command line wins for a new profile
    assert.equal(m.run('minikube', ['start', '-p', 'dev', '--container-runtime=docker']).code, 0);
    assert.equal(m.run('minikube', ['docker-env', '-p', 'dev', '--shell', 'none', '-o', 'json']).code, 0);
  } finally {
    m.cleanup();
  }
});

test('1: image-load-blob-missing: minikube image load fails the way Docker ≥ 25 makes it fail', async () => {
  const m = await machine({ faults: 'image-load-blob-missing' });
  try {
    m.run('minikube', ['start', '-p', 'minikube']);
    assert.equal(
      m.run('docker', ['build', '-t', 'todo-backend:dev', '-f', 'sim/fixtures/app/Dockerfile', 'sim/fixtures/app/backend']).code,
      0,
    );
    const r = m.run('minikube', ['image', 'load', 'todo-backend:dev', '-p', 'minikube']);
    assert.equal(r.code, 80);
    assert.match(r.stderr, /GUEST_IMAGE_LOAD: .*unable to calculate manifest: blob sha256:[0-9a-f]+ not found/);
  } finally {
    m.cleanup();
  }
});

test('2: starting an existing profile with another driver exits 81 GUEST_DRIVER_MISMATCH and changes nothing', async () => {
  const m = await machine({ faults: 'minikube-stopped,minikube-driver=kvm2' });
  try {
    const r = m.run('minikube', ['start', '-p', 'minikube', '--driver=docker']);
    assert.equal(r.code, 81);
    assert.match(
      r.stderr,
      /X Exiting due to GUEST_DRIVER_MISMATCH: The existing "minikube" cluster was created using the "kvm2" driver, which is incompatible with requested "docker" driver\./,
    );
    assert.match(r.stderr, /start the existing 'minikube' cluster using: 'minikube start --driver=kvm2'/);
    assert.equal(m.state().minikube.profiles.minikube.status, 'Stopped');
    const ok = m.run('minikube', ['start', '-p', 'minikube', '--driver=kvm2']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Using the kvm2 driver based on existing profile/);
    assert.match(ok.stdout, /Restarting existing kvm2 VM for "minikube"/);
  } finally {
    m.cleanup();
  }
});

for (const fault of ['node-gone', 'docker-down']) {
  test(`4: ${fault}: minikube status -o json prints null with exit 7`, async () => {
    const m = await machine({ faults: 'minikube-stopped' });
    try {
      const r = m.run('minikube', ['status', '-p', 'minikube', '-o', 'json'], { env: { SIM_FAULTS: `minikube-stopped,${fault}` } });
      assert.equal(r.code, 7);
      assert.equal(r.stdout, 'null');
    } finally {
      m.cleanup();
    }
  });
}

test('3: helm-version selects the helm modelled: 3.6 has no uninstall --wait, 3.7 has it, 3 has no --force-conflicts', async () => {
  const m = await machine({ faults: 'helm-version=3.6.3' });
  try {
    assert.equal(m.run('helm', ['version', '--template', '{{.Version}}']).stdout, 'v3.6.3');
    const r = m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait', '--timeout', '60s']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: unknown flag: --wait\n');
    assert.equal(m.run('helm', ['upgrade', 'x', '/nope', '--force-conflicts']).stderr, 'Error: unknown flag: --force-conflicts\n');
    const v37 = m.run('helm', ['uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait', '--timeout', '60s', '--kube-context', 'nope'], {
      env: { SIM_FAULTS: 'helm-version=3.7.0' },
    });
    assert.doesNotMatch(v37.stderr, /unknown flag/);
  } finally {
    m.cleanup();
  }
});

test('5: helm 4 upgrades server-side: after kubectl scale, a different replica count conflicts; --force-conflicts takes it over', async () => {
  const m = await machine({ faults: 'helm-version=4.0.0' });
  try {
    const install = installFixture(m, { extra: ['--rollback-on-failure'] });
    assert.equal(install.code, 0, install.stderr);
    assert.equal(m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=3', '-n', 'todo-app']).code, 0);
    assert.equal(m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=1', '-n', 'todo-app']).code, 0);
    const args = ['upgrade', 'todo-chatbot', CHART, '-n', 'todo-app', '--reuse-values', '--set', 'frontend.replicaCount=2'];
    const conflict = m.run('helm', args);
    assert.equal(conflict.code, 1);
    assert.equal(
      conflict.stderr,
      'Error: UPGRADE FAILED: conflict occurred while applying object todo-app/todo-chatbot-frontend apps/v1, Kind=Deployment: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas\n',
    );
    const forced = m.run('helm', [...args, '--force-conflicts']);
    assert.equal(forced.code, 0, forced.stderr);
    const d = m.json('kubectl', ['get', 'deployment', 'todo-chatbot-frontend', '-n', 'todo-app', '-o', 'json']);
    assert.equal(d.spec.replicas, 2);
  } finally {
    m.cleanup();
  }
});

test('5: helm 3 applies client-side: the same upgrade after kubectl scale succeeds (three-way merge)', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m).code, 0);
    m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=3', '-n', 'todo-app']);
    m.run('kubectl', ['scale', 'deployment/todo-chatbot-frontend', '--replicas=1', '-n', 'todo-app']);
    const r = m.run('helm', ['upgrade', 'todo-chatbot', CHART, '-n', 'todo-app', '--reuse-values', '--set', 'frontend.replicaCount=2']);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    m.cleanup();
  }
});

test('7: kagent-version=main answers in a2a-go v2 JSON (no "kind", ROLE_*/TASK_STATE_*); released versions keep kind', async () => {
  const m = await machine({ faults: 'kagent-version=main' });
  try {
    const task = ['invoke', '-n', 'kagent', '--agent', 'k8s-agent', '--task', 'list failing pods in namespace todo-app'];
    const main = JSON.parse(m.run('kagent', task).stdout);
    assert.equal(main.kind, undefined);
    assert.equal(main.status.state, 'TASK_STATE_COMPLETED');
    assert.deepEqual(Object.keys(main.artifacts[0].parts[0]), ['text']);
    assert.equal(main.history[0].role, 'ROLE_USER');
    const released = JSON.parse(m.run('kagent', task, { env: { SIM_FAULTS: '' } }).stdout);
    assert.equal(released.kind, 'task');
    assert.equal(released.artifacts[0].parts[0].kind, 'text');
  } finally {
    m.cleanup();
  }
});

test('kagent version: backend "unknown" also when installed but its port-forward was slow; invoke still answers', async () => {
  const m = await machine({ faults: 'kagent-slow-port-forward' });
  try {
    assert.equal(JSON.parse(m.run('kagent', ['version']).stdout).backend_version, 'unknown');
    const r = m.run('kagent', ['invoke', '-n', 'kagent', '--agent', 'k8s-agent', '--task', 'namespace todo-app']);
    assert.equal(r.stderr, '');
    assert.ok(JSON.parse(r.stdout).artifacts.length);
  } finally {
    m.cleanup();
  }
});

test('8: Gordon (docker ai) is a terminal UI: without a terminal it never answers; in one it answers and waits for /exit', async () => {
  const m = await machine();
  try {
    const env = { SIM_GORDON: '1' };
    const noTerminal = m.run('docker', ['ai', '-C', join(FIXTURES, 'app'), 'Review the Dockerfile'], { env, timeout: 3000 });
    assert.equal(noTerminal.signal, 'SIGTERM', 'it waits until killed');
    assert.equal(noTerminal.stdout, '');
    // util-linux `script` gives it a pseudo-terminal, as a person's terminal would
    const command = [join(m.binDir, 'docker'), 'ai', '-C', join(FIXTURES, 'app'), 'Review the Dockerfile'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ...m.env, PATH: `${m.binDir}:${process.env.PATH}`, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d) => {
      screen += d;
      if (/> $/.test(screen.trimEnd() + ' ') && screen.includes('### Dockerfile')) child.stdin.write('/exit\r');
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, screen);
    assert.match(screen, /### Dockerfile/);
    assert.match(screen, /\/exit to leave/);
  } finally {
    m.cleanup();
  }
});

test('6: docker-desktop / docker-rootless: docker info says so, the way minikube reads it', async () => {
  const m = await machine({ faults: 'docker-rootless' });
  try {
    const info = JSON.parse(m.run('docker', ['info', '--format', '{{json .}}']).stdout);
    assert.ok(info.SecurityOptions.includes('name=rootless'));
    const desktop = JSON.parse(m.run('docker', ['info', '--format', '{{json .}}'], { env: { SIM_FAULTS: 'docker-desktop' } }).stdout);
    assert.equal(desktop.OperatingSystem, 'Docker Desktop');
    assert.ok(!desktop.SecurityOptions.includes('name=rootless'));
  } finally {
    m.cleanup();
  }
});
