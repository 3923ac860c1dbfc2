// Pins the argv of every tool-module function: the wrappers' argv is never left untested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import { Docker } from '../../src/tools/docker.ts';
import { Minikube, minikubeReason } from '../../src/tools/minikube.ts';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { Helm } from '../../src/tools/helm.ts';
import { KubectlAi } from '../../src/tools/kubectl-ai.ts';
import { Kagent } from '../../src/tools/kagent.ts';
import { Gordon } from '../../src/tools/gordon.ts';
import { CommandFailed, attempt } from '../../src/errors.ts';
import { clearSecrets, registerSecret } from '../../src/redact.ts';
import { podLogTails } from '../../src/cluster/analyzers.ts';

const K = ['--context', 'minikube', '--request-timeout=20s'];
const H = ['--kube-context', 'minikube'];

function kubectl(exec: RecordingExec) {
  return new Kubectl(exec, { context: 'minikube', requestTimeoutS: 20, clock: instantClock });
}

test('docker: argv of every operation', async () => {
  const exec = new RecordingExec()
    .on(['docker', 'version'], { stdout: '{"Client":{"Version":"28.2.2"},"Server":{"Version":"28.2.2","Os":"linux"}}' })
    .on(['docker', 'info'], { stdout: '{"ServerVersion":"28.2.2","NCPU":4,"MemTotal":8000000000,"OperatingSystem":"Debian"}' })
    .on(['docker', 'image', 'inspect'], {
      stdout: '{"Id":"sha256:abc","RepoTags":["todo-backend:1a2b"],"Size":123,"Created":"2026-11-23T04:00:00Z"}\n',
    })
    .on(['docker', 'history'], {
      stdout:
        '{"Comment":"","CreatedAt":"2026-11-23T04:18:14Z","CreatedBy":"/bin/sh -c npm ci","CreatedSince":"x","ID":"sha256:0f","Size":"3216"}\n',
    });
  const docker = new Docker(exec);
  const v = await docker.version();
  assert.equal(v.daemonUp, true);
  assert.equal(v.version.server, '28.2.2');
  await docker.info();
  await docker.build({
    image: 'todo-backend:1a2b',
    dockerfile: 'docker/backend.Dockerfile',
    context: '.',
    buildArgs: { NODE_IMAGE: 'node:20-alpine' },
    labels: { 'org.opencontainers.image.revision': '1a2b' },
    env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
    timeoutMs: 1000,
  });
  assert.deepEqual((await docker.inspectImage('todo-backend:1a2b'))?.sizeBytes, 123);
  assert.deepEqual(await docker.history('todo-backend:1a2b'), [
    { id: 'sha256:0f', createdBy: '/bin/sh -c npm ci', sizeBytes: 3216, comment: '' },
  ]);
  assert.deepEqual(exec.argvs, [
    ['docker', 'version', '--format', '{{json .}}'],
    ['docker', 'info', '--format', '{{json .}}'],
    [
      'docker',
      'build',
      '-t',
      'todo-backend:1a2b',
      '-f',
      'docker/backend.Dockerfile',
      '--build-arg',
      'NODE_IMAGE=node:20-alpine',
      '--label',
      'org.opencontainers.image.revision=1a2b',
      '.',
    ],
    ['docker', 'image', 'inspect', '--format', '{{json .}}', 'todo-backend:1a2b'],
    ['docker', 'history', '--no-trunc', '--human=false', '--format', '{{json .}}', 'todo-backend:1a2b'],
  ]);
  assert.deepEqual(exec.calls[2]!.env, { DOCKER_HOST: 'tcp://127.0.0.1:1' });
});

test('docker: a down daemon is reported, not thrown', async () => {
  const exec = new RecordingExec().on(['docker', 'version'], {
    exitCode: 1,
    stdout: '{"Client":{"Version":"28.2.2"},"Server":null}',
    stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  });
  const v = await new Docker(exec).version();
  assert.equal(v.daemonUp, false);
  assert.equal(v.version.client, '28.2.2');
  assert.match(v.error, /Cannot connect/);
});

test('minikube: argv of every operation, profile always explicit', async () => {
  const exec = new RecordingExec()
    .on(['minikube', 'version'], { stdout: '{"commit":"x","minikubeVersion":"v1.37.0"}' })
    .on(['minikube', 'status'], {
      stdout: '{"Name":"dev","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Configured","Worker":false}',
    })
    .on(['minikube', 'ip'], { stdout: '192.168.49.2\n' })
    .on(['minikube', 'profile'], { stdout: '{"invalid":[],"valid":[]}' })
    .on(['minikube', 'addons', 'list'], { stdout: '{"metrics-server":{"Profile":"dev","Status":"enabled"}}' })
    .on(['minikube', 'docker-env'], { stdout: '{"DOCKER_HOST":"tcp://127.0.0.1:32842"}' })
    .on(['minikube', 'image', 'ls'], {
      stdout: '[{"id":"x","repoDigests":[],"repoTags":["docker.io/library/todo-backend:1a2b"],"size":"1"}]\n',
    })
    .on(['minikube', 'service'], { stdout: 'http://192.168.49.2:30080\n' });
  const m = new Minikube(exec, 'dev');
  assert.equal(await m.version(), 'v1.37.0');
  assert.equal((await m.status()).running, true);
  await m.start({ cpus: 2, memoryMb: 4096, driver: 'docker', timeoutMs: 1000 });
  await m.start({ cpus: 4, memoryMb: 8192, driver: '', timeoutMs: 1000 });
  await m.stop(1000);
  await m.delete(1000);
  assert.equal(await m.ip(), '192.168.49.2');
  await m.profiles();
  assert.equal(await m.addonEnabled('metrics-server'), true);
  await m.enableAddon('metrics-server');
  assert.equal((await m.dockerEnv()).DOCKER_HOST, 'tcp://127.0.0.1:32842');
  await m.imageLoad('todo-backend:1a2b', 1000);
  assert.deepEqual(await m.imageList(), ['todo-backend:1a2b']);
  assert.deepEqual(await m.serviceUrl('todo-chatbot-frontend', 'todo-app'), ['http://192.168.49.2:30080']);
  assert.deepEqual(exec.argvs, [
    ['minikube', 'version', '--output', 'json'],
    ['minikube', 'status', '-p', 'dev', '-o', 'json'],
    ['minikube', 'start', '-p', 'dev', '--cpus=2', '--memory=4096', '--driver=docker'],
    ['minikube', 'start', '-p', 'dev', '--cpus=4', '--memory=8192'],
    ['minikube', 'stop', '-p', 'dev'],
    ['minikube', 'delete', '-p', 'dev'],
    ['minikube', 'ip', '-p', 'dev'],
    ['minikube', 'profile', 'list', '-o', 'json'],
    ['minikube', 'addons', 'list', '-p', 'dev', '-o', 'json'],
    ['minikube', 'addons', 'enable', 'metrics-server', '-p', 'dev'],
    ['minikube', 'docker-env', '-p', 'dev', '--shell', 'none', '-o', 'json'],
    ['minikube', 'image', 'load', 'todo-backend:1a2b', '-p', 'dev'],
    ['minikube', 'image', 'ls', '-p', 'dev', '--format', 'json'],
    ['minikube', 'service', 'todo-chatbot-frontend', '-n', 'todo-app', '-p', 'dev', '--url'],
  ]);
});

test('minikube: docker-env failure printed as "false exit code" on stdout is an error', async () => {
  const exec = new RecordingExec().on(['minikube', 'docker-env'], { exitCode: 0, stdout: 'false exit code 83' });
  await assert.rejects(new Minikube(exec, 'minikube').dockerEnv(), /docker-env/);
});

test('kubectl: argv of every operation carries --context and --request-timeout', async () => {
  const list = { stdout: '{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}\n' };
  const exec = new RecordingExec()
    .on(['kubectl', 'version'], { stdout: '{"clientVersion":{"gitVersion":"v1.32.4"}}' })
    .on(['kubectl', 'config', 'current-context'], { stdout: 'minikube\n' })
    .on(['kubectl', 'config', 'get-contexts'], { stdout: 'gke_prod\nminikube\n' })
    .on(['kubectl', 'get'], list)
    .on(['kubectl', 'get', 'namespace'], { exitCode: 1, stderr: 'Error from server (NotFound): namespaces "todo-app" not found' })
    .on(['kubectl', 'get', '--raw'], { stdout: '{"kind":"PodMetricsList","items":[]}' })
    .on(['kubectl', 'logs'], { stdout: 'line\n' })
    .on(['kubectl', 'describe'], { stdout: 'Name: x\n' })
    .on(['kubectl', 'exec'], { stdout: '100\n' });
  const k = kubectl(exec);
  assert.equal(await k.clientVersion(), 'v1.32.4');
  assert.equal(await k.currentContext(), 'minikube');
  assert.deepEqual(await k.contexts(), ['gke_prod', 'minikube']);
  await k.nodes();
  await k.list('pods', 'todo-app', 'app.kubernetes.io/component=backend');
  assert.equal(await k.get('namespace', 'todo-app'), undefined);
  await k.createNamespace('todo-app');
  await k.deleteNamespace('todo-app', 120_000);
  await k.waitPodsReady('todo-app', 'app.kubernetes.io/instance=todo-chatbot', 60_000);
  await k.rolloutStatus('todo-chatbot-backend', 'todo-app', 90_000);
  await k.scale('todo-chatbot-frontend', 3, 'todo-app');
  await k.deletePod('todo-chatbot-backend-abc', 'todo-app');
  await k.deletePods('app.kubernetes.io/instance=todo-chatbot', 'todo-app');
  await k.deletePvcs('app.kubernetes.io/instance=todo-chatbot', 'todo-app');
  await k.logs('p', 'backend', 'todo-app', 50);
  await k.logs('p', 'backend', 'todo-app', 50, true);
  await k.describePod('p', 'todo-app');
  assert.equal(await k.printenv('p', 'backend', 'todo-app', 'MAX_CONVERSATION_HISTORY'), '100');
  assert.equal((await k.podMetrics('todo-app')).available, true);
  const pf = await k.portForward('svc/todo-chatbot-mcp', 8001, 'todo-app', 10_000);
  assert.equal(pf.localPort, 40123);
  assert.deepEqual(exec.argvs, [
    ['kubectl', 'version', '--client', '-o', 'json', '--request-timeout=20s'],
    ['kubectl', 'config', 'current-context', '--request-timeout=20s'],
    ['kubectl', 'config', 'get-contexts', '-o', 'name', '--request-timeout=20s'],
    ['kubectl', 'get', 'nodes', '-o', 'json', ...K],
    ['kubectl', 'get', 'pods', '-o', 'json', '-n', 'todo-app', '-l', 'app.kubernetes.io/component=backend', ...K],
    ['kubectl', 'get', 'namespace', 'todo-app', '-o', 'json', ...K],
    ['kubectl', 'create', 'namespace', 'todo-app', ...K],
    ['kubectl', 'delete', 'namespace', 'todo-app', '--wait=true', '--timeout=120s', ...K],
    [
      'kubectl',
      'wait',
      '--for=condition=Ready',
      'pod',
      '-l',
      'app.kubernetes.io/instance=todo-chatbot',
      '-n',
      'todo-app',
      '--timeout=60s',
      ...K,
    ],
    ['kubectl', 'rollout', 'status', 'deployment/todo-chatbot-backend', '-n', 'todo-app', '--timeout=90s', ...K],
    ['kubectl', 'scale', 'deployment/todo-chatbot-frontend', '--replicas=3', '-n', 'todo-app', ...K],
    ['kubectl', 'delete', 'pod', 'todo-chatbot-backend-abc', '-n', 'todo-app', '--wait=false', ...K],
    ['kubectl', 'delete', 'pods', '-l', 'app.kubernetes.io/instance=todo-chatbot', '-n', 'todo-app', '--wait=false', ...K],
    ['kubectl', 'delete', 'pvc', '-l', 'app.kubernetes.io/instance=todo-chatbot', '-n', 'todo-app', '--ignore-not-found', ...K],
    ['kubectl', 'logs', 'p', '-c', 'backend', '-n', 'todo-app', '--tail=50', ...K],
    ['kubectl', 'logs', 'p', '-c', 'backend', '-n', 'todo-app', '--tail=50', '--previous', ...K],
    ['kubectl', 'describe', 'pod', 'p', '-n', 'todo-app', ...K],
    ['kubectl', 'exec', 'p', '-c', 'backend', '-n', 'todo-app', ...K, '--', 'printenv', 'MAX_CONVERSATION_HISTORY'],
    ['kubectl', 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/todo-app/pods', ...K],
    ['kubectl', 'port-forward', 'svc/todo-chatbot-mcp', ':8001', '-n', 'todo-app', ...K],
  ]);
});

test('kubectl: transient API errors are retried with backoff, others are not', async () => {
  const exec = new RecordingExec()
    .on(['kubectl', 'get', 'pods'], { stdout: '{"items":[{"metadata":{"name":"a"}}]}' })
    .on(
      ['kubectl', 'get', 'pods'],
      { exitCode: 1, stderr: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request' },
      2,
    );
  const pods = await kubectl(exec).list('pods', 'todo-app');
  assert.equal(pods.length, 1);
  assert.equal(exec.calls.length, 3);

  const refused = new RecordingExec().on(['kubectl', 'get'], {
    exitCode: 1,
    stderr: 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
  });
  await assert.rejects(kubectl(refused).list('pods', 'todo-app'), /refused/);
  assert.equal(refused.calls.length, 1);
});

test('kubectl: scale and delete are retried after a transient error that refused the request; a real error is thrown at once', async () => {
  const flaky = new RecordingExec()
    .on(['kubectl', 'scale'], { stdout: 'deployment.apps/todo-chatbot-frontend scaled\n' })
    .on(['kubectl', 'scale'], { exitCode: 1, stderr: 'Unable to connect to the server: net/http: TLS handshake timeout' }, 1)
    .on(['kubectl', 'delete'], { stdout: 'pod "p" deleted\n' })
    .on(
      ['kubectl', 'delete'],
      { exitCode: 1, stderr: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request' },
      1,
    );
  const k = kubectl(flaky);
  await k.scale('todo-chatbot-frontend', 3, 'todo-app');
  await k.deletePod('p', 'todo-app');
  assert.equal(flaky.calls.length, 4);

  const missing = new RecordingExec().on(['kubectl', 'scale'], {
    exitCode: 1,
    stderr: 'Error from server (NotFound): deployments.apps "nope" not found',
  });
  await assert.rejects(kubectl(missing).scale('nope', 2, 'todo-app'), /NotFound/);
  assert.equal(missing.calls.length, 1);
});

test('minikubeReason: the "Exiting due to" line without its ❌ or low-fi "X " marker', () => {
  const result = (stderr: string, stdout = '') => ({
    argv: ['minikube', 'start'],
    exitCode: 80,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
  });
  assert.equal(
    minikubeReason(result('\nX Exiting due to GUEST_PROVISION: error provisioning guest\n\n')),
    'Exiting due to GUEST_PROVISION: error provisioning guest',
  );
  assert.equal(
    minikubeReason(result('\n❌  Exiting due to RSRC_INSUFFICIENT_CORES: Requested cpu count 1\n')),
    'Exiting due to RSRC_INSUFFICIENT_CORES: Requested cpu count 1',
  );
  assert.equal(minikubeReason(result('', '* Done\nfalse exit code 83\n')), 'false exit code 83');
});

test('helm: argv of every operation; secrets only ever through -f files', async () => {
  const exec = new RecordingExec()
    .on(['helm', 'version'], { stdout: 'v3.16.2' })
    .on(['helm', 'status'], {
      stdout:
        '{"name":"todo-chatbot","info":{"first_deployed":"x","last_deployed":"y","deleted":"","description":"Install complete","status":"deployed","notes":""},"manifest":"---","version":1,"namespace":"todo-app"}\n',
    })
    .on(['helm', 'list'], {
      stdout:
        '[{"name":"todo-chatbot","namespace":"todo-app","revision":"2","updated":"u","status":"deployed","chart":"todo-chatbot-0.1.0","app_version":"0.1.0"}]\n',
    })
    .on(['helm', 'history'], {
      stdout: '[{"revision":1,"updated":"u","status":"superseded","chart":"c","app_version":"a","description":"Install complete"}]\n',
    })
    .on(['helm', 'get', 'values'], { stdout: '{"frontend":{"replicaCount":2}}\n' })
    .on(['helm', 'get', 'manifest'], { stdout: '---\n' })
    .on(['helm', 'uninstall'], { exitCode: 1, stderr: 'Error: uninstall: Release not loaded: todo-chatbot: release: not found' });
  const h = new Helm(exec, { kubeContext: 'minikube', clock: instantClock });
  assert.equal(await h.version(), 'v3.16.2');
  await h.upgrade({
    release: 'todo-chatbot',
    chart: 'helm/todo-chatbot',
    namespace: 'todo-app',
    timeoutMs: 300_000,
    install: true,
    atomic: true,
    createNamespace: true,
    valuesFiles: ['/tmp/v.yaml', '/tmp/s.yaml'],
    set: { 'frontend.replicaCount': 1 },
    setString: { 'frontend.image.tag': '836353239820' },
  });
  await h.upgrade({
    release: 'todo-chatbot',
    chart: 'helm/todo-chatbot',
    namespace: 'todo-app',
    timeoutMs: 120_000,
    reuseValues: true,
    set: { 'frontend.replicaCount': 2 },
  });
  assert.equal((await h.status('todo-chatbot', 'todo-app'))?.status, 'deployed');
  assert.equal((await h.list('todo-app'))[0]!.revision, 2);
  assert.equal((await h.history('todo-chatbot', 'todo-app')).length, 1);
  await h.values('todo-chatbot', 'todo-app');
  await h.values('todo-chatbot', 'todo-app', true);
  await h.manifest('todo-chatbot', 'todo-app');
  await h.rollback('todo-chatbot', 1, 'todo-app', 120_000);
  assert.deepEqual(await h.uninstall('todo-chatbot', 'todo-app', 120_000), { existed: false });
  await h.test('todo-chatbot', 'todo-app', 60_000);
  assert.deepEqual(exec.argvs, [
    ['helm', 'version', '--template', '{{.Version}}'],
    [
      'helm',
      'upgrade',
      '--install',
      'todo-chatbot',
      'helm/todo-chatbot',
      '-n',
      'todo-app',
      '--create-namespace',
      '--atomic',
      '--wait',
      '--timeout',
      '300s',
      '-f',
      '/tmp/v.yaml',
      '-f',
      '/tmp/s.yaml',
      '--set',
      'frontend.replicaCount=1',
      '--set-string',
      'frontend.image.tag=836353239820',
      ...H,
    ],
    [
      'helm',
      'upgrade',
      'todo-chatbot',
      'helm/todo-chatbot',
      '-n',
      'todo-app',
      '--reuse-values',
      '--wait',
      '--timeout',
      '120s',
      '--set',
      'frontend.replicaCount=2',
      ...H,
    ],
    ['helm', 'status', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', ...H],
    ['helm', 'list', '-n', 'todo-app', '-o', 'json', ...H],
    ['helm', 'history', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', ...H],
    ['helm', 'get', 'values', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', ...H],
    ['helm', 'get', 'values', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', '--all', ...H],
    ['helm', 'get', 'manifest', 'todo-chatbot', '-n', 'todo-app', ...H],
    ['helm', 'rollback', 'todo-chatbot', '1', '-n', 'todo-app', '--wait', '--timeout', '120s', ...H],
    ['helm', 'uninstall', 'todo-chatbot', '-n', 'todo-app', '--wait', '--timeout', '120s', ...H],
    ['helm', 'test', 'todo-chatbot', '-n', 'todo-app', '--timeout', '60s', ...H],
  ]);
});

test('kubectl-ai: read-only single shot, question as one element, never --skip-permissions', async () => {
  const exec = new RecordingExec()
    .on(['kubectl-ai', 'version'], { stdout: 'version: 0.0.29\ncommit: abc\ndate: x\n' })
    .on(['kubectl-ai', '--quiet'], { stdout: 'The pod x is failing its readiness probe.\n' });
  const ai = new KubectlAi(exec);
  assert.equal(await ai.version(), '0.0.29');
  await ai.ask({
    question: 'why is pod x failing in namespace todo-app?',
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    maxIterations: 10,
    timeoutMs: 120_000,
    env: { GEMINI_API_KEY: 'k' },
  });
  assert.deepEqual(exec.argvs, [
    ['kubectl-ai', 'version'],
    [
      'kubectl-ai',
      '--quiet',
      '--llm-provider',
      'gemini',
      '--model',
      'gemini-2.5-flash',
      '--max-iterations',
      '10',
      'why is pod x failing in namespace todo-app?',
    ],
  ]);
  assert.ok(!exec.argvs.flat().includes('--skip-permissions'));
  assert.equal(exec.calls[1]!.input, undefined, 'no stdin content: the exec layer closes stdin');
  assert.ok(!exec.argvs.flat().includes('k'), 'the key travels in the environment');
});

test('kagent: success needs exit 0, empty stderr and JSON stdout', async () => {
  const ok = new RecordingExec()
    .on(['kagent', 'version'], { stdout: '{"kagent_version":"0.9.12","git_commit":"x","build_date":"d","backend_version":"0.9.12"}' })
    .on(['kagent', 'invoke'], { stdout: '{"result":"2 pods failing"}\n' });
  const k = new Kagent(ok);
  assert.deepEqual(await k.version(), { cli: '0.9.12', backend: '0.9.12', controllerReachable: true });
  assert.deepEqual(await k.invoke('kagent', 'k8s-agent', 'list failing pods', 60_000), { result: '2 pods failing' });
  assert.deepEqual(ok.argvs[1], ['kagent', 'invoke', '-n', 'kagent', '--agent', 'k8s-agent', '--task', 'list failing pods']);

  const bad = new RecordingExec()
    .on(['kagent', 'version'], { stdout: '{"kagent_version":"0.9.12","backend_version":"unknown"}' })
    .on(['kagent', 'invoke'], { exitCode: 0, stderr: "Error starting port-forward: … Please run 'install' command first" });
  const kb = new Kagent(bad);
  assert.equal((await kb.version()).controllerReachable, false);
  const answer = await attempt(kb.invoke('kagent', 'k8s-agent', 'x', 60_000));
  assert.ok(!answer.ok);
  assert.match(answer.error.reason, /install/);
});

test('gordon: detected with `docker ai version`, opened in the terminal with -C and one question element', async () => {
  const absent = new RecordingExec().on(['docker', 'ai', 'version'], { exitCode: 1, stderr: 'docker: unknown command: docker ai' });
  assert.equal(await new Gordon(absent).version(), undefined);
  const present = new RecordingExec().on(['docker', 'ai', 'version'], { stdout: 'v1.9.11\n' });
  const g = new Gordon(present);
  assert.equal(await g.version(), 'v1.9.11');
  await g.openInTerminal('docker', 'Review backend.Dockerfile for size and security');
  assert.deepEqual(present.argvs[1], ['docker', 'ai', '-C', 'docker', 'Review backend.Dockerfile for size and security']);
  assert.equal(present.calls[1]!.terminal, true, 'Gordon is a TUI: it gets the terminal');
});

test('a port-forward that never comes up is a CommandFailed naming the Service, with a remedy (not an unexpected error)', async () => {
  const exec = new RecordingExec();
  exec.startedOutput = '';
  const k = new Kubectl(exec, { context: 'dev', requestTimeoutS: 20, clock: instantClock });
  await assert.rejects(k.portForward('svc/todo-chatbot-mcp', 8001, 'todo-app', 30_000), (e: unknown) => {
    assert.ok(e instanceof CommandFailed, String(e));
    assert.equal(e.exitCode, 124);
    assert.match(e.message, /kubectl port-forward svc\/todo-chatbot-mcp/);
    assert.match(e.message, /waited 30 s/);
    assert.match(e.remedy, /kubectl get endpoints todo-chatbot-mcp -n todo-app --context dev/);
    return true;
  });
});

// ---------------------------------------------------------------- the wrappers' contract
// Each operation returns its value or throws CommandFailed carrying the tool, the argv (secrets
// masked), the exit code, the tail of the error output and a remedy. Tolerance is the caller's,
// explicit (podLogTails, 07's namespace deletion), or a named outcome (deleteNamespace's existed).

/** Runs `operation`, expects a CommandFailed and returns it for further checks. */
async function failure(operation: () => Promise<unknown>): Promise<CommandFailed> {
  try {
    await operation();
  } catch (error) {
    assert.ok(error instanceof CommandFailed, `expected CommandFailed, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the operation to throw CommandFailed');
}

const GONE = { exitCode: 1, stderr: 'Error from server (NotFound): pods "p" not found' };

test('kubectl contract: logs and describe of a pod that is gone throw CommandFailed with context, never "(no logs: …)" text', async () => {
  const k = kubectl(new RecordingExec().on(['kubectl', 'logs'], GONE).on(['kubectl', 'describe'], GONE));
  const logs = await failure(() => k.logs('p', 'backend', 'todo-app', 30, true));
  assert.equal(logs.tool, 'kubectl');
  assert.deepEqual(logs.argv, ['kubectl', 'logs', 'p', '-c', 'backend', '-n', 'todo-app', '--tail=30', '--previous', ...K]);
  assert.equal(logs.exitCode, 1);
  assert.match(logs.stderr, /pods "p" not found/);
  assert.match(logs.message, /^kubectl logs p … exited 1: Error from server \(NotFound\)/);
  assert.match(logs.remedy, /kubectl get pods -n todo-app --context minikube/);
  const describe = await failure(() => k.describePod('p', 'todo-app'));
  assert.match(describe.stderr, /not found/);
});

test('kubectl contract: deleteNamespace — already gone is existed:false, a stuck one throws with the finalizer remedy', async () => {
  const gone = kubectl(
    new RecordingExec().on(['kubectl', 'delete', 'namespace'], {
      exitCode: 1,
      stderr: 'Error from server (NotFound): namespaces "todo-app" not found',
    }),
  );
  assert.deepEqual(await gone.deleteNamespace('todo-app', 60_000), { existed: false });
  assert.deepEqual(await kubectl(new RecordingExec()).deleteNamespace('todo-app', 60_000), { existed: true });
  const stuck = kubectl(new RecordingExec().on(['kubectl', 'delete', 'namespace'], { exitCode: 124, timedOut: true }));
  const e = await failure(() => stuck.deleteNamespace('todo-app', 60_000));
  assert.equal(e.exitCode, 124);
  assert.match(e.message, /exited 124: timed out: killed at its deadline/);
  assert.match(e.remedy, /finalizer.*kubectl get namespace todo-app -o json --context minikube/);
});

test('kubectl contract: waits, rollouts, claim deletion and printenv throw on failure; an unset variable is undefined', async () => {
  const exec = new RecordingExec()
    .on(['kubectl', 'wait'], { exitCode: 1, stderr: 'error: timed out waiting for the condition on pods/todo-chatbot-backend-abc' })
    .on(['kubectl', 'rollout'], { exitCode: 1, stderr: 'error: deployment "todo-chatbot-backend" exceeded its progress deadline' })
    .on(['kubectl', 'delete', 'pvc'], { exitCode: 1, stderr: 'Error from server (Forbidden): persistentvolumeclaims is forbidden' })
    .on(['kubectl', 'exec', 'unset'], { exitCode: 1, stderr: 'command terminated with exit code 1\n' })
    .on(['kubectl', 'exec', 'gone'], { exitCode: 1, stderr: 'Error from server (NotFound): pods "gone" not found' });
  const k = kubectl(exec);
  assert.match(
    (await failure(() => k.waitPodsReady('todo-app', 'app=x', 60_000))).remedy,
    /kubectl describe pods -l app=x -n todo-app --context minikube/,
  );
  const rollout = await failure(() => k.rolloutStatus('todo-chatbot-backend', 'todo-app', 60_000));
  assert.match(rollout.stderr, /exceeded its progress deadline/);
  assert.match(rollout.remedy, /kubectl describe deployment todo-chatbot-backend/);
  assert.match((await failure(() => k.deletePvcs('app=x', 'todo-app'))).stderr, /forbidden/);
  assert.equal(await k.printenv('unset', 'backend', 'todo-app', 'NOPE'), undefined);
  assert.match((await failure(() => k.printenv('gone', 'backend', 'todo-app', 'NOPE'))).stderr, /not found/);
});

test('CommandFailed masks registered secrets in its argv, output tail and message, and keeps only the tail', async () => {
  registerSecret('sk-contract-Tk9Xq2Lm5Vb8');
  try {
    const noise = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const e = new CommandFailed(
      ['helm', 'upgrade', '--set', 'key=sk-contract-Tk9Xq2Lm5Vb8'],
      1,
      `${noise}\nError: bad value sk-contract-Tk9Xq2Lm5Vb8`,
      'remedy',
    );
    assert.equal(e.tool, 'helm');
    assert.ok(!e.argv.join(' ').includes('sk-contract'), e.argv.join(' '));
    assert.ok(!e.stderr.includes('sk-contract') && !e.message.includes('sk-contract'), e.message);
    assert.equal(e.stderr.split('\n').length, 20);
    assert.match(e.stderr, /^line 31\n/);
  } finally {
    clearSecrets();
  }
});

test('podLogTails tolerates a pod replaced since the snapshot, at the call site: its tail says why there are no logs', async () => {
  const exec = new RecordingExec().on(['kubectl', 'logs'], GONE);
  const finding = {
    severity: 'critical' as const,
    object: 'pod/p',
    component: 'backend',
    container: 'backend',
    restarts: 2,
    reason: 'CrashLoopBackOff',
    evidence: 'e',
    remedy: 'r',
  };
  const tails = await podLogTails(kubectl(exec), 'todo-app', [finding]);
  assert.deepEqual(
    tails.map((t) => t.body),
    ['(no logs: Error from server (NotFound): pods "p" not found)', '(no logs: Error from server (NotFound): pods "p" not found)'],
  );
});

test('helm contract: history of a missing release throws CommandFailed with a remedy instead of returning no revisions', async () => {
  const h = new Helm(new RecordingExec().on(['helm', 'history'], { exitCode: 1, stderr: 'Error: release: not found' }), {
    kubeContext: 'dev',
    clock: instantClock,
  });
  const e = await failure(() => h.history('todo-chatbot', 'todo-app'));
  assert.equal(e.tool, 'helm');
  assert.deepEqual(e.argv, ['helm', 'history', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', '--kube-context', 'dev']);
  assert.match(e.stderr, /release: not found/);
  assert.match(e.remedy, /helm list -n todo-app --kube-context dev/);
});
