// The built-in analyzers on realistic kubectl output (test/unit/fixtures/cluster/*): each test
// names the finding its analyzer must produce, so removing or breaking one analyzer fails a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { collectSnapshot, type ClusterSnapshot } from '../../src/cluster/snapshot.ts';
import { analyze, podLogTails, summarizeFindings, type Finding } from '../../src/cluster/analyzers.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/cluster/', import.meta.url));
const NS = 'todo-app';
const KINDS = ['nodes', 'pods', 'deployments', 'replicasets', 'statefulsets', 'services', 'endpoints', 'pvc', 'events'];

/** The file of a scenario, or the healthy one when the scenario does not change it. */
function fixture(scenario: string, file: string): string | undefined {
  for (const dir of [scenario, 'healthy']) {
    const path = join(FIXTURES, dir, file);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  return undefined;
}

/** A fake kubectl that answers every call collectSnapshot makes from a scenario's files. */
function fakeCluster(scenario: string): RecordingExec {
  const exec = new RecordingExec();
  for (const kind of KINDS) exec.on(['kubectl', 'get', kind], { stdout: fixture(scenario, `${kind}.json`)! });
  // Scheduled backups: none unless a scenario has them.
  for (const kind of ['cronjobs', 'jobs'])
    exec.on(['kubectl', 'get', kind], { stdout: fixture(scenario, `${kind}.json`) ?? '{"items":[]}' });
  const metricsError = existsSync(join(FIXTURES, scenario, 'metrics.stderr'))
    ? readFileSync(join(FIXTURES, scenario, 'metrics.stderr'), 'utf8')
    : undefined;
  exec.on(
    ['kubectl', 'get', '--raw'],
    metricsError !== undefined ? { exitCode: 1, stderr: metricsError } : { stdout: fixture(scenario, 'metrics.json')! },
  );
  return exec;
}

function kubectl(exec: RecordingExec): Kubectl {
  return new Kubectl(exec, { context: 'minikube', requestTimeoutS: 20, clock: instantClock });
}

async function snapshotOf(scenario: string): Promise<ClusterSnapshot> {
  return collectSnapshot(kubectl(fakeCluster(scenario)), NS);
}

async function findingsOf(scenario: string, options = {}): Promise<Finding[]> {
  return analyze(await snapshotOf(scenario), options);
}

function only(findings: Finding[], object: string, reason: string): Finding {
  const matching = findings.filter((f) => f.object === object && f.reason === reason);
  assert.equal(matching.length, 1, `expected one ${reason} on ${object}, got:\n${summarizeFindings(findings)}`);
  return matching[0]!;
}

const POD = {
  frontend: 'pod/todo-chatbot-frontend-7c9d5f6b8d-q2x7h',
  backend: 'pod/todo-chatbot-backend-5d8c7b9f6d-abcde',
  mcp: 'pod/todo-chatbot-mcp-6f4b8c7d95-k8m2p',
  postgresql: 'pod/todo-chatbot-postgresql-0',
};

// ---------------------------------------------------------------- snapshot

test('snapshot: one read-only kubectl get per kind plus the metrics API, all with --context and --request-timeout', async () => {
  const exec = fakeCluster('healthy');
  const snapshot = await collectSnapshot(kubectl(exec), NS);
  assert.deepEqual(exec.argvs, [
    ['kubectl', 'get', 'nodes', '-o', 'json', '--context', 'minikube', '--request-timeout=20s'],
    ...[...KINDS.slice(1), 'cronjobs', 'jobs'].map((kind) => [
      'kubectl',
      'get',
      kind,
      '-o',
      'json',
      '-n',
      NS,
      '--context',
      'minikube',
      '--request-timeout=20s',
    ]),
    ['kubectl', 'get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`, '--context', 'minikube', '--request-timeout=20s'],
  ]);
  assert.equal(snapshot.pods.length, 4);
  assert.equal(snapshot.services.length, 5);
  assert.equal(snapshot.metrics.available, true);
  assert.equal(snapshot.metrics.items.length, 4);
});

test('snapshot: a missing metrics API is recorded, not thrown', async () => {
  const snapshot = await snapshotOf('no-metrics');
  assert.equal(snapshot.metrics.available, false);
  assert.match(snapshot.metrics.error, /could not find the requested resource/);
  assert.equal(snapshot.pods.length, 4);
});

test("snapshot: an unreachable cluster throws with kubectl's error and a remedy", async () => {
  const exec = new RecordingExec().on(['kubectl', 'get'], {
    exitCode: 1,
    stderr: 'The connection to the server 127.0.0.1:32771 was refused - did you specify the right host or port?',
  });
  await assert.rejects(
    collectSnapshot(kubectl(exec), NS),
    (error: Error & { remedy?: string }) => /was refused/.test(error.message) && /minikube status/.test(error.remedy ?? ''),
  );
});

// ---------------------------------------------------------------- a healthy release

test('healthy release: no finding at all', async () => {
  assert.deepEqual(await findingsOf('healthy'), []);
});

test('a not-ready pod that is being deleted is ignored', async () => {
  assert.deepEqual(await findingsOf('terminating'), []);
});

// ---------------------------------------------------------------- pods

test('ErrImageNeverPull: names the image and sends the user to 02-load and minikube image ls', async () => {
  const findings = await findingsOf('image-never-pull', { profile: 'dev' });
  const f = only(findings, POD.frontend, 'ErrImageNeverPull');
  assert.equal(f.severity, 'critical');
  assert.equal(f.component, 'frontend');
  assert.equal(f.container, 'frontend');
  assert.match(f.evidence, /Container image "todo-frontend:0\.1\.0" is not present with pull policy of Never/);
  assert.match(f.remedy, /npx zx runbooks\/02-load\.mjs/);
  assert.match(f.remedy, /minikube image ls -p dev/);
  // Its ErrImageNeverPull/Failed events are covered by the pod finding, not repeated.
  assert.equal(findings.filter((x) => x.object === POD.frontend).length, 1);
});

test('ImagePullBackOff: a local image is told to use pullPolicy Never and 02-load', async () => {
  const f = only(await findingsOf('image-pull-backoff'), POD.backend, 'ImagePullBackOff');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /pull access denied for todo-backend/);
  assert.match(f.evidence, /pull policy IfNotPresent/);
  assert.match(f.remedy, /backend\.image\.pullPolicy=Never/);
  assert.match(f.remedy, /02-load\.mjs/);
  // A registry image (PostgreSQL from Docker Hub) is sent to its repository, tag and the network instead.
  const snapshot = structuredClone(await snapshotOf('image-pull-backoff'));
  const pod = snapshot.pods.find((p) => `pod/${p.metadata.name}` === POD.backend)!;
  pod.metadata.labels!['app.kubernetes.io/component'] = 'postgresql';
  pod.spec.containers[0].image = 'postgres:16.99-alpine';
  const registry = only(analyze(snapshot), POD.backend, 'ImagePullBackOff');
  assert.match(registry.remedy, /check postgresql\.image\.repository and postgresql\.image\.tag/);
  assert.match(registry.remedy, /docker pull postgres:16\.99-alpine/);
  assert.doesNotMatch(registry.remedy, /pullPolicy=Never/);
});

test('CrashLoopBackOff: last termination reason and exit code, logs --previous as the remedy', async () => {
  const f = only(await findingsOf('crashloop'), POD.backend, 'CrashLoopBackOff');
  assert.equal(f.severity, 'critical');
  assert.equal(f.restarts, 5);
  assert.match(f.evidence, /last run ended Error with exit code 1/);
  assert.match(f.evidence, /restarted 5 times/);
  assert.match(f.remedy, /kubectl logs todo-chatbot-backend-5d8c7b9f6d-abcde -c backend -n todo-app --previous/);
});

test("OOMKilled in a crash loop: raise the component's memory limit, with a concrete --set", async () => {
  const f = only(await findingsOf('oom', { release: 'todo-chatbot' }), POD.mcp, 'OOMKilled');
  assert.equal(f.severity, 'critical');
  assert.equal(f.component, 'mcp');
  assert.match(f.evidence, /CrashLoopBackOff: its last run ended OOMKilled with exit code 137/);
  assert.match(f.evidence, /128Mi memory limit/);
  assert.match(f.remedy, /raise mcp\.resources\.limits\.memory \(now 128Mi\)/);
  assert.match(
    f.remedy,
    /helm upgrade todo-chatbot helm\/todo-chatbot -n todo-app --reuse-values --set mcp\.resources\.limits\.memory=256Mi/,
  );
});

test('a crash loop caught while the container is briefly up again is still a crash loop (or OOM); one restart is not', async () => {
  const findings = await findingsOf('crashloop-between-restarts');
  const crash = only(findings, POD.backend, 'CrashLoopBackOff');
  assert.equal(crash.severity, 'critical');
  assert.match(
    crash.evidence,
    /running again but not Ready; its last run ended Error with exit code 1.*restarted 6 times: it is crash-looping/,
  );
  assert.match(crash.remedy, /--previous/);
  const oom = only(findings, POD.mcp, 'OOMKilled');
  assert.equal(oom.severity, 'critical');
  assert.match(oom.evidence, /OOMKilled with exit code 137.*256Mi memory limit; restarted 3 times/);
  const starting = only(findings, POD.frontend, 'NotReady');
  assert.equal(starting.severity, 'warning');
});

test('CreateContainerConfigError: names the missing Secret key, and the missing Secret', async () => {
  const findings = await findingsOf('config-error');
  const key = only(findings, POD.backend, 'CreateContainerConfigError');
  assert.equal(key.severity, 'critical');
  assert.match(key.remedy, /the Secret todo-chatbot-secrets has no key OPENAI_API_KEY/);
  assert.match(key.remedy, /set OPENAI_API_KEY in \.env/);
  assert.match(key.remedy, /03-install\.mjs/);
  assert.doesNotMatch(key.remedy, /--from-literal /);
  const secret = only(findings, POD.frontend, 'CreateContainerConfigError');
  assert.match(secret.remedy, /the Secret todo-chatbot-secrets does not exist/);
  assert.match(secret.remedy, /kubectl delete pod todo-chatbot-frontend-7c9d5f6b8d-q2x7h -n todo-app/);
});

test('Unschedulable: the scheduler\'s message and "the cluster is too small"', async () => {
  const findings = await findingsOf('unschedulable');
  const f = only(findings, POD.postgresql, 'Unschedulable');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /0\/1 nodes are available: 1 Insufficient memory/);
  assert.match(f.remedy, /too small/);
  assert.match(f.remedy, /MINIKUBE_CPUS=4 MINIKUBE_MEMORY=8192/);
  assert.match(f.remedy, /postgresql\.resources\.requests\.memory/);
  // The FailedScheduling event belongs to the same pod and is not repeated.
  assert.equal(findings.filter((x) => x.reason === 'FailedScheduling').length, 0);
  only(findings, 'statefulset/todo-chatbot-postgresql', 'ReplicasNotReady');
});

test('Readiness probe failing: the probe, its path and port, and what /ready means', async () => {
  const f = only(await findingsOf('probe-fail'), POD.mcp, 'ReadinessProbeFailed');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /Readiness probe failed: HTTP probe failed with statuscode: 503 \(×58\)/);
  assert.match(f.evidence, /GET \/health on port http \(8001\)/);
  const backend = only(await findingsOf('unschedulable'), POD.backend, 'ReadinessProbeFailed');
  assert.match(backend.remedy, /\/ready answers only when the database is reachable/);
});

test('ContainerCreating with FailedMount: the volume and the missing Secret', async () => {
  const f = only(await findingsOf('failed-mount'), POD.frontend, 'FailedMount');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /MountVolume\.SetUp failed for volume "tls" : secret "todo-chatbot-tls" not found/);
  assert.match(f.remedy, /the Secret todo-chatbot-tls does not exist/);
});

test('terminated non-zero and evicted pods', async () => {
  const findings = await findingsOf('failed-and-evicted');
  const failed = only(findings, 'pod/todo-chatbot-test', 'NonZeroExit');
  assert.equal(failed.severity, 'critical');
  assert.match(failed.evidence, /exit code 1/);
  const evicted = only(findings, 'pod/todo-chatbot-backend-5d8c7b9f6d-zz9vw', 'Evicted');
  assert.equal(evicted.severity, 'warning');
  assert.match(evicted.evidence, /low on resource: memory/);
});

test('a restart that recovered is info; liveness-probe restarts are a warning', async () => {
  const findings = await findingsOf('warning-events');
  const restarted = only(findings, POD.frontend, 'Restarted');
  assert.equal(restarted.severity, 'info');
  assert.match(restarted.evidence, /exit code 255/);
  const liveness = only(findings, POD.mcp, 'LivenessProbeFailed');
  assert.equal(liveness.severity, 'warning');
  assert.match(liveness.evidence, /context deadline exceeded/);
  assert.match(liveness.evidence, /restarted 2 times/);
});

// ---------------------------------------------------------------- workloads, services, storage, nodes

test('deployments: ready < desired, and Progressing False (ProgressDeadlineExceeded)', async () => {
  const findings = await findingsOf('progress-deadline');
  const stalled = only(findings, 'deployment/todo-chatbot-backend', 'ProgressDeadlineExceeded');
  assert.equal(stalled.severity, 'critical');
  assert.match(stalled.evidence, /has timed out progressing.*1\/2 replicas ready/);
  assert.match(stalled.remedy, /helm rollback todo-chatbot/);
  const partial = only(findings, 'deployment/todo-chatbot-mcp', 'ReplicasNotReady');
  assert.equal(partial.severity, 'warning');
  const crash = only(await findingsOf('crashloop'), 'deployment/todo-chatbot-backend', 'ReplicasNotReady');
  assert.equal(crash.severity, 'critical');
  assert.equal(crash.evidence.startsWith('0/1 replicas ready'), true);
  // Its remedy points at the pod finding that explains it.
  assert.match(
    crash.remedy,
    /^caused by pod\/todo-chatbot-backend-5d8c7b9f6d-abcde: CrashLoopBackOff — fix that first \(read why it exits/,
  );
});

test('replicasets: FailedCreate with the quota message; old revisions at 0 replicas are left alone', async () => {
  const findings = await findingsOf('failed-create');
  const f = only(findings, 'replicaset/todo-chatbot-backend-5d8c7b9f6d', 'FailedCreate');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /exceeded quota: todo-quota/);
  assert.match(f.remedy, /ResourceQuota/);
  assert.equal(
    findings.some((x) => x.object === 'replicaset/todo-chatbot-backend-6b9d7c8f5a'),
    false,
  );
});

test('services: no endpoints for the selector, and only not-ready endpoints', async () => {
  const none = only(await findingsOf('service-no-endpoints'), 'service/todo-chatbot-mcp', 'NoEndpoints');
  assert.equal(none.severity, 'critical');
  assert.match(none.evidence, /app\.kubernetes\.io\/component=mcp-server/);
  assert.match(none.evidence, /matches 0 pod\(s\)/);
  assert.match(none.remedy, /--show-labels/);
  const notReady = only(await findingsOf('crashloop'), 'service/todo-chatbot-backend', 'NotReadyEndpoints');
  assert.match(notReady.evidence, /1 not ready; selector .* matches 1 pod\(s\)/);
  assert.match(notReady.remedy, /^caused by pod\/todo-chatbot-backend-5d8c7b9f6d-abcde: CrashLoopBackOff/);
});

test('services: without an Endpoints object the pods are counted instead', async () => {
  const snapshot = await snapshotOf('crashloop');
  snapshot.endpoints = [];
  const f = only(analyze(snapshot), 'service/todo-chatbot-backend', 'NotReadyEndpoints');
  assert.match(f.evidence, /no Endpoints object; counted from the pods/);
  assert.equal(analyze({ ...(await snapshotOf('healthy')), endpoints: [] }).length, 0);
});

test('PVC Pending with ProvisioningFailed names the storage class', async () => {
  const findings = await findingsOf('pvc-pending');
  const f = only(findings, 'persistentvolumeclaim/data-todo-chatbot-postgresql-0', 'ProvisioningFailed');
  assert.equal(f.severity, 'critical');
  assert.match(f.evidence, /storageclass\.storage\.k8s\.io "fast-ssd" not found/);
  assert.match(f.remedy, /storage-provisioner/);
  assert.match(f.remedy, /postgresql\.persistence\.storageClass/);
  // The pod waiting for the claim is sent to the claim, not told the cluster is too small.
  const waiting = only(findings, POD.postgresql, 'Unschedulable');
  assert.match(waiting.remedy, /volume claim is not bound/);
  assert.doesNotMatch(waiting.remedy, /too small/);
});

test('nodes: not Ready is critical; memory pressure and a cordon are warnings', async () => {
  const down = only(await findingsOf('node-not-ready'), 'node/minikube', 'NodeNotReady');
  assert.equal(down.severity, 'critical');
  assert.match(down.evidence, /Kubelet stopped posting node status/);
  const findings = await findingsOf('node-pressure', { profile: 'dev' });
  const pressure = only(findings, 'node/minikube', 'MemoryPressure');
  assert.equal(pressure.severity, 'warning');
  assert.match(pressure.remedy, /minikube delete -p dev/);
  only(findings, 'node/minikube', 'NodeCordoned');
});

// ---------------------------------------------------------------- metrics and events

test('metrics: memory and CPU at ≥ 80% of the limit are warnings; below the threshold nothing', async () => {
  const findings = await findingsOf('high-usage');
  const memory = only(findings, POD.backend, 'HighMemory');
  assert.equal(memory.severity, 'warning');
  assert.match(memory.evidence, /uses 324Mi of its 384Mi memory limit \(84%\)/);
  assert.match(memory.remedy, /backend\.resources\.limits\.memory=768Mi/);
  const cpu = only(findings, POD.backend, 'HighCPU');
  assert.match(cpu.evidence, /uses 463m of its 500m CPU limit \(93%\)/);
  only(findings, POD.mcp, 'HighMemory');
  assert.equal(findings.length, 3);
  // A higher threshold leaves only the CPU use (93%) and the MCP memory (86%).
  assert.deepEqual((await findingsOf('high-usage', { usageThreshold: 0.85 })).map((f) => f.reason).sort(), ['HighCPU', 'HighMemory']);
});

test('metrics API absent: one info finding with the command that enables it', async () => {
  const findings = await findingsOf('no-metrics', { profile: 'dev' });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.severity, 'info');
  assert.equal(f.reason, 'MetricsUnavailable');
  assert.match(f.evidence, /metrics API not available/);
  assert.equal(f.remedy.startsWith('minikube addons enable metrics-server -p dev'), true);
});

test('warning events not covered by another finding are reported once per object and reason; stale ones are not', async () => {
  const findings = await findingsOf('warning-events');
  const dns = only(findings, POD.backend, 'DNSConfigForming');
  assert.equal(dns.severity, 'warning');
  assert.match(dns.evidence, /Nameserver limits were exceeded.*\(×3\)/);
  only(findings, 'service/todo-chatbot-frontend', 'FailedToUpdateEndpoint');
  // The mcp pod's Unhealthy events are covered by its probe finding, the Normal Killing event is no warning,
  // and the BackOff of a pod that no longer exists says nothing about the release now.
  assert.equal(
    findings.some((f) => f.object === POD.mcp && f.reason === 'Unhealthy'),
    false,
  );
  assert.equal(
    findings.some((f) => f.object.includes('old01')),
    false,
  );
  // The backend is Ready: its start-up readiness failures are history, not a finding.
  assert.equal(
    findings.some((f) => f.object === POD.backend && f.reason === 'Unhealthy'),
    false,
  );
});

// ---------------------------------------------------------------- order, purity

test('findings are sorted by severity, causes (node, pod) before consequences (deployment, service), and the analysis is pure', async () => {
  // Critical pod findings, warnings from the node, an info from the missing metrics API.
  const snapshot = {
    ...(await snapshotOf('unschedulable')),
    nodes: (await snapshotOf('node-pressure')).nodes,
    metrics: (await snapshotOf('no-metrics')).metrics,
  };
  const frozen = JSON.stringify(snapshot);
  const first = analyze(snapshot);
  const second = analyze(snapshot);
  assert.deepEqual(first, second);
  assert.equal(JSON.stringify(snapshot), frozen, 'analyze must not change its input');
  const order = { critical: 0, warning: 1, info: 2 };
  for (let i = 1; i < first.length; i++) assert.ok(order[first[i - 1]!.severity] <= order[first[i]!.severity], 'severity order');
  assert.deepEqual(
    first.filter((f) => f.severity === 'critical').map((f) => f.object),
    [
      POD.backend,
      POD.postgresql,
      'statefulset/todo-chatbot-postgresql',
      'deployment/todo-chatbot-backend',
      'service/todo-chatbot-backend',
      'service/todo-chatbot-postgresql',
      'service/todo-chatbot-postgresql-headless',
    ],
  );
  assert.deepEqual([...new Set(first.map((f) => f.severity))], ['critical', 'warning', 'info']);
});

test('every finding has evidence and a remedy; the combined faulted scenarios name each cause', async () => {
  const scenarios = [
    'image-never-pull',
    'image-pull-backoff',
    'crashloop',
    'crashloop-between-restarts',
    'oom',
    'config-error',
    'unschedulable',
    'probe-fail',
    'failed-mount',
    'failed-and-evicted',
    'progress-deadline',
    'failed-create',
    'service-no-endpoints',
    'pvc-pending',
    'node-pressure',
    'node-not-ready',
    'high-usage',
    'no-metrics',
    'warning-events',
  ];
  for (const scenario of scenarios) {
    const findings = await findingsOf(scenario);
    assert.ok(findings.length > 0, `${scenario}: no finding`);
    for (const f of findings) {
      assert.ok(f.evidence.trim(), `${scenario}: ${f.object} ${f.reason} has no evidence`);
      assert.ok(f.remedy.trim(), `${scenario}: ${f.object} ${f.reason} has no remedy`);
      assert.match(f.object, /^[a-z]+(\.[a-z0-9.]+)?\/[a-z0-9.-]+$/);
    }
  }
});

// ---------------------------------------------------------------- log tails

test('podLogTails: current and --previous logs for critical pod findings whose container ran; none for images never pulled', async () => {
  const findings = [...(await findingsOf('crashloop')), ...(await findingsOf('image-never-pull'))];
  const exec = new RecordingExec().on(['kubectl', 'logs'], (request) => ({
    stdout: request.args.includes('--previous') ? 'Error: DATABASE_URL is not set\n' : '',
  }));
  const tails = await podLogTails(kubectl(exec), NS, findings);
  assert.deepEqual(exec.argvs, [
    [
      'kubectl',
      'logs',
      'todo-chatbot-backend-5d8c7b9f6d-abcde',
      '-c',
      'backend',
      '-n',
      NS,
      '--tail=30',
      '--previous',
      '--context',
      'minikube',
      '--request-timeout=20s',
    ],
    [
      'kubectl',
      'logs',
      'todo-chatbot-backend-5d8c7b9f6d-abcde',
      '-c',
      'backend',
      '-n',
      NS,
      '--tail=30',
      '--context',
      'minikube',
      '--request-timeout=20s',
    ],
  ]);
  assert.equal(tails.length, 2);
  assert.match(tails[0]!.title, /previous run/);
  assert.equal(tails[0]!.body, 'Error: DATABASE_URL is not set');
  assert.equal(tails[1]!.body, '(empty)');
});

test('a container that failed only a few readiness probes and never restarted is starting: a warning, not critical', async () => {
  const snapshot = await snapshotOf('probe-fail');
  const mcpName = POD.mcp.slice('pod/'.length);
  const unhealthy = snapshot.events.filter((e: any) => e.reason === 'Unhealthy' && e.involvedObject?.name === mcpName);
  assert.ok(unhealthy.length > 0, 'the fixture has probe failures for the mcp pod');
  for (const e of unhealthy) (e as { count?: number }).count = 1;
  snapshot.events = snapshot.events.filter((e) => !unhealthy.includes(e) || e === unhealthy[0]);
  const f = only(analyze(snapshot), POD.mcp, 'ReadinessProbeFailed');
  assert.equal(f.severity, 'warning');
  assert.match(f.evidence, /may still be starting/);
});
