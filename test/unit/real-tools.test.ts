// Issue 10: where the real tools behave differently from what the runbooks once assumed. Each test
// pins the real behaviour (source cited next to the code it tests) in the product's own modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import { Helm, HELM_MINIMUM, helmVersionProblem } from '../../src/tools/helm.ts';
import { Minikube, parseStatus, parseProfileList, dockerEnvUnsupported } from '../../src/tools/minikube.ts';
import { startDriver, DELETE_LOSES } from '../../src/runbooks/00-setup.ts';
import { agentAnswer } from '../../src/tools/kagent.ts';
import { Gordon, gordonCommand } from '../../src/tools/gordon.ts';
import { needsPortForward } from '../../src/cluster/access.ts';
import { LOCAL_FORWARD_ADDRESS, publicUrls } from '../../src/images.ts';
import { loadRemedy } from '../../src/runbooks/steps/image-build.ts';
import { UsageError, attempt } from '../../src/errors.ts';

// 1. docker-env: -o json counts only with --shell none (cmd/minikube/cmd/docker-env.go dockerSetScript).
test('1: docker-env is asked with --shell none, so -o json really gives JSON', async () => {
  const exec = new RecordingExec().on(['minikube', 'docker-env'], {
    stdout:
      '{"DOCKER_CERT_PATH":"/c","DOCKER_HOST":"tcp://127.0.0.1:32842","DOCKER_TLS_VERIFY":"1","MINIKUBE_ACTIVE_DOCKERD":"dev","SSH_AGENT_PID":"","SSH_AUTH_SOCK":""}\n',
  });
  const env = await new Minikube(exec, 'dev').dockerEnv();
  assert.deepEqual(exec.argvs, [['minikube', 'docker-env', '-p', 'dev', '--shell', 'none', '-o', 'json']]);
  assert.equal(env.DOCKER_HOST, 'tcp://127.0.0.1:32842');
  assert.ok(!('SSH_AUTH_SOCK' in env), "an empty SSH_AUTH_SOCK must not blank the user's agent for the build");
});

test('1: a cluster on the containerd (or cri-o) runtime never gets docker-env; the docker runtime does', () => {
  const [docker, containerd] = parseProfileList(
    JSON.stringify({
      invalid: [],
      valid: [
        { Name: 'a', Status: 'OK', Config: { Driver: 'docker', KubernetesConfig: { ContainerRuntime: 'docker' } } },
        { Name: 'b', Status: 'OK', Config: { Driver: 'docker', KubernetesConfig: { ContainerRuntime: 'containerd' } } },
      ],
    }),
  );
  assert.equal(containerd!.runtime, 'containerd');
  assert.equal(dockerEnvUnsupported(docker!), undefined);
  assert.match(dockerEnvUnsupported(containerd!)!, /containerd container runtime, not docker/);
  assert.match(dockerEnvUnsupported({ driver: 'kvm2', runtime: 'crio' })!, /crio/);
});

test('1: a failed image load with "blob … not found" gets the docker save remedy, not "free disk space"', async () => {
  const exec = new RecordingExec().on(['minikube', 'image', 'load'], {
    exitCode: 80,
    stderr:
      'X Exiting due to GUEST_IMAGE_LOAD: Failed to load image: save to dir: caching images: caching image "/h/.minikube/cache/images/amd64/todo-backend_1a": write: unable to calculate manifest: blob sha256:4e4b not found',
  });
  const failed = await attempt(new Minikube(exec, 'dev').imageLoad('todo-backend:1a', 60_000));
  assert.ok(!failed.ok);
  assert.match(failed.error.reason, /^Exiting due to GUEST_IMAGE_LOAD/);
  const remedy = loadRemedy(failed.error.stderr, 'todo-backend:1a', 'dev');
  assert.match(remedy, /docker save todo-backend:1a -o todo-backend_1a\.tar && minikube image load todo-backend_1a\.tar -p dev/);
  assert.doesNotMatch(remedy, /free disk space/);
});

// 2. validateSpecifiedDriver (cmd/minikube/cmd/start.go): another driver for an existing profile exits 81.
test('2: an existing profile is started with its own driver; asking for another is refused without suggesting a delete first', () => {
  assert.equal(startDriver({ requested: '', existing: 'qemu2', profile: 'minikube' }), 'qemu2');
  assert.equal(startDriver({ requested: '', profile: 'minikube' }), 'docker');
  assert.equal(startDriver({ requested: 'podman', profile: 'minikube' }), 'podman');
  assert.throws(
    () => startDriver({ requested: 'docker', existing: 'kvm2', profile: 'minikube' }),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /runs on the kvm2 driver/);
      assert.match(e.remedy, /MINIKUBE_DRIVER=kvm2/);
      assert.ok(e.remedy.indexOf('--profile') < e.remedy.indexOf('minikube delete'), 'a new profile comes before any delete');
      return true;
    },
  );
  assert.match(DELETE_LOSES, /volume .*database/);
});

// 4. cluster.GetStatus (pkg/minikube/cluster/status.go): no statuses → `null`, exit 7.
test('4: `minikube status -o json` printing null (exit 7) is an unreadable node, not a missing profile', () => {
  const s = parseStatus('null', 7);
  assert.equal(s.unreadable, true);
  assert.equal(s.exists, true);
  assert.equal(s.running, false);
  assert.equal(
    parseStatus('{"Name":"m","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped"}', 7).unreadable,
    false,
  );
});

// 3. `helm uninstall --wait` arrived in helm 3.7.0 (cmd/helm/uninstall.go).
test('3: helm older than 3.7.0 is refused with the reason; 3.7 and 4 are accepted', () => {
  assert.match(helmVersionProblem('v3.6.3')!, /older than v3\.7\.0: helm uninstall --wait, used by 07-teardown, arrived in helm 3\.7\.0/);
  assert.match(helmVersionProblem('v2.17.0')!, /older than v3\.7\.0/);
  assert.equal(helmVersionProblem('v3.7.0'), undefined);
  assert.equal(helmVersionProblem('v3.16.2'), undefined);
  assert.equal(helmVersionProblem('v4.0.0'), undefined);
  assert.equal(HELM_MINIMUM.version, 'v3.7.0');
});

// 5. helm 4 applies server-side (pkg/cmd/upgrade.go --server-side, --force-conflicts).
test('5: on helm 4 the upgrade and rollback that follow a kubectl scale pass --force-conflicts (and --rollback-on-failure for --atomic); helm 3 gets neither', async () => {
  for (const [version, expectForce] of [
    ['v4.0.0', true],
    ['v3.16.2', false],
  ] as const) {
    const exec = new RecordingExec().on(['helm', 'version'], { stdout: version });
    const helm = new Helm(exec, { kubeContext: 'minikube', clock: instantClock });
    await helm.upgrade({
      release: 'r',
      chart: '/c',
      namespace: 'n',
      timeoutMs: 60_000,
      reuseValues: true,
      forceConflicts: true,
      atomic: true,
    });
    await helm.rollback('r', 1, 'n', 60_000, { forceConflicts: true });
    const [upgrade, rollback] = exec.argvs.filter((a) => a[1] !== 'version');
    assert.equal(upgrade!.includes('--force-conflicts'), expectForce, version);
    assert.equal(rollback!.includes('--force-conflicts'), expectForce, version);
    assert.ok(upgrade!.includes(expectForce ? '--rollback-on-failure' : '--atomic'), version);
  }
});

// 7. kagent invoke's JSON: trpc-a2a-go in 0.9.x/0.10, a2a-go v2 on main (a2a/core.go Part.MarshalJSON).
test("7: the agent's answer is read from both A2A shapes, and the user's own prompt in history never counts", () => {
  const released = {
    kind: 'task',
    id: 't',
    status: { state: 'completed' },
    history: [{ kind: 'message', role: 'user', parts: [{ kind: 'text', text: 'PROMPT' }] }],
    artifacts: [{ artifactId: 'a', parts: [{ kind: 'text', text: 'the backend crashes' }] }],
  };
  const main = {
    id: 't',
    status: { state: 'TASK_STATE_COMPLETED' },
    history: [{ role: 'ROLE_USER', parts: [{ text: 'PROMPT' }] }],
    artifacts: [{ artifactId: 'a', parts: [{ text: 'the backend crashes' }] }],
  };
  assert.deepEqual(agentAnswer(released), { text: 'the backend crashes', state: 'completed' });
  assert.deepEqual(agentAnswer(main), { text: 'the backend crashes', state: 'completed' });
  const onlyPrompt = { id: 't', status: { state: 'TASK_STATE_FAILED' }, history: [{ role: 'ROLE_USER', parts: [{ text: 'PROMPT' }] }] };
  assert.deepEqual(agentAnswer(onlyPrompt), { text: '', state: 'failed' });
  const agentInHistory = {
    kind: 'task',
    status: { state: 'completed' },
    history: [
      { role: 'user', parts: [{ kind: 'text', text: 'PROMPT' }] },
      { role: 'agent', parts: [{ kind: 'text', text: 'all pods ready' }] },
    ],
  };
  assert.equal(agentAnswer(agentInHistory).text, 'all pods ready');
  assert.equal(agentAnswer({ role: 'ROLE_AGENT', parts: [{ text: 'a message result' }] }).text, 'a message result');
});

// 8. Gordon's `docker ai "<prompt>"` opens a terminal UI (docs.docker.com/ai/gordon/how-to/cli).
test('8: Gordon is opened with the terminal handed over, never captured; the printed command runs as is in a shell', async () => {
  const exec = new RecordingExec();
  await new Gordon(exec).openInTerminal('/app/docker', "Review backend.Dockerfile: what's wrong?");
  assert.equal(exec.calls[0]!.terminal, true);
  assert.equal(exec.calls[0]!.input, undefined);
  const command = gordonCommand('/app/docker', "Review backend.Dockerfile: what's wrong?");
  assert.equal(command, `docker ai -C /app/docker 'Review backend.Dockerfile: what'\\''s wrong?'`);
  const { spawnSync } = await import('node:child_process');
  const echoed = spawnSync('sh', ['-c', command.replace(/^docker ai/, 'printf "%s\\n"')], { encoding: 'utf8' });
  assert.deepEqual(echoed.stdout.trim().split('\n'), ['-C', '/app/docker', "Review backend.Dockerfile: what's wrong?"]);
});

// 6. NeedsPortForward (pkg/minikube/driver/driver.go), with the inputs minikube reads.
test('6: the node IP is unreachable wherever minikube itself would port-forward, and only there', () => {
  const linux = {
    driver: 'docker',
    os: 'linux' as const,
    env: {},
    dockerOs: 'Debian GNU/Linux 12 (bookworm)',
    dockerSecurityOptions: ['name=seccomp,profile=builtin'],
    uid: 1000,
  };
  assert.equal(needsPortForward(linux), undefined);
  assert.match(needsPortForward({ ...linux, os: 'macos' })!, /macOS/);
  assert.match(needsPortForward({ ...linux, os: 'windows' })!, /Windows/);
  assert.match(needsPortForward({ ...linux, env: { WSL_DISTRO_NAME: 'Ubuntu' } })!, /WSL/);
  assert.match(needsPortForward({ ...linux, dockerOs: 'Docker Desktop' })!, /Docker Desktop/);
  assert.match(
    needsPortForward({ ...linux, dockerSecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless'] })!,
    /rootless Docker/,
  );
  assert.match(needsPortForward({ ...linux, env: { DOCKER_HOST: 'ssh://me@build-box' } })!, /remote .*DOCKER_HOST=ssh/);
  assert.equal(needsPortForward({ ...linux, env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } }), undefined);
  assert.match(needsPortForward({ ...linux, driver: 'podman' })!, /rootless Podman/);
  assert.equal(needsPortForward({ ...linux, driver: 'podman', uid: 0 }), undefined);
  for (const driver of ['kvm2', 'qemu2', 'hyperkit', 'virtualbox'])
    assert.equal(needsPortForward({ ...linux, driver, os: 'macos' }), undefined, driver);
});

test("6: the frontend's public URLs follow the address the browser will use", () => {
  assert.deepEqual(publicUrls('192.168.49.2'), { frontend: 'http://192.168.49.2:30080', backend: 'http://192.168.49.2:30081' });
  assert.deepEqual(publicUrls(LOCAL_FORWARD_ADDRESS), { frontend: 'http://127.0.0.1:3000', backend: 'http://127.0.0.1:8000' });
});
