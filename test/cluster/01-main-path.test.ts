// 00 → 01 → 02 → 03 on the real node: the cluster started through `minikube start` (the adapter,
// so cluster/start.sh), the demo images really built by Docker and really imported into the
// node's containerd, the chart really installed, every pod Ready by its own conditions, the smoke
// checks answered by the real containers, and the secrets only in the real Secret object.
import { before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalBase } from '../docker/lib.ts';
import {
  K8S_VERSION,
  NAMESPACE,
  NODE_PORTS,
  PROFILE,
  REPORT_DIR,
  SECRETS,
  adapter,
  check,
  checks,
  ensureNodeBase,
  kubectl,
  kubectlJson,
  missingPrerequisite,
  prepareLane,
  recordFigure,
  runRunbook,
  tail,
  type RunOutcome,
} from './harness.ts';

const why = missingPrerequisite();

before(async () => {
  if (why) return;
  prepareLane();
  await ensureNodeBase(ensureLocalBase);
});

test('00-setup starts the real node through minikube start and reports it as a real cluster', { skip: why, timeout: 900_000 }, async () => {
  adapter(['delete', '-p', PROFILE]);
  const r = await runRunbook('00-setup');
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('00-setup (cold: creates the node) s', Math.round(r.ms / 1000));
  assert.equal(r.json.simulated, false);
  assert.doesNotMatch(r.markdown, /SIMULATED/);
  assert.match(r.json.environment.mode, /real tools/);
  assert.match(
    r.json.environment.minikube,
    new RegExp(`driver none, runtime containerd, 2 CPUs, 4096 MB, Kubernetes ${K8S_VERSION.replace(/\./g, '\\.')}, node 127\\.0\\.0\\.1`),
  );
  assert.equal(check(r, 'SETUP-CLUSTER').status, 'pass');
  assert.equal(check(r, 'SETUP-NODE').status, 'pass');
  assert.equal(check(r, 'SETUP-NAMESPACE').status, 'pass');
  const node = kubectlJson(['get', 'node', PROFILE]);
  assert.equal(node.status.nodeInfo.kubeletVersion, K8S_VERSION, 'a real kubelet of the pinned version');
  assert.equal(kubectlJson(['get', 'namespace', NAMESPACE]).status.phase, 'Active');
});

test('01-build builds the three demo images with Docker; docker-env is refused as minikube refuses it for the none driver', {
  skip: why,
  timeout: 1_800_000,
}, async () => {
  const env = adapter(['docker-env', '-p', PROFILE, '-o', 'json']);
  assert.equal(env.status, 51);
  assert.match(env.stderr, /Exiting due to ENV_DRIVER_CONFLICT: 'none' driver does not support 'minikube docker-env' command/);
  // 01 reuses an image built from the same inputs; the lane wants a real build, so the demo
  // images of earlier runs (01 labels them) go first.
  const earlier = spawnSync('docker', ['images', '--filter', 'label=io.todo-chatbot.component', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter((ref) => ref && !ref.endsWith(':<none>'));
  if (earlier.length) spawnSync('docker', ['rmi', ...new Set(earlier)], { stdio: 'ignore' });
  const r = await runRunbook('01-build', [], { timeoutMs: 1_800_000 });
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('01-build s', Math.round(r.ms / 1000));
  for (const c of ['FRONTEND', 'BACKEND', 'MCP']) {
    assert.equal(check(r, `BUILD-${c}`)?.status, 'pass', `BUILD-${c}`);
    assert.doesNotMatch(check(r, `BUILD-${c}`).measured, /already/, `BUILD-${c} really built: ${check(r, `BUILD-${c}`).measured}`);
    assert.equal(check(r, `SECRETS-LAYERS-${c}`)?.status, 'pass', `SECRETS-LAYERS-${c}`);
    // The build time judged against the 5-minute target (003 SC-001) from the real build's duration.
    const time = check(r, `BUILD-TIME-${c}`);
    assert.equal(time?.status, 'pass', `BUILD-TIME-${c}: ${time?.measured}`);
    assert.ok(Number.isFinite(time.value) && time.value > 0 && time.value <= 300_000, `BUILD-TIME-${c} value ${time.value} ms`);
    assert.match(time.expected, /≤ 5 min 0 s per image/);
    assert.doesNotMatch(time.measured, /not built/);
  }
  recordFigure('01 build times', Object.fromEntries(['FRONTEND', 'BACKEND', 'MCP'].map((c) => [c, check(r, `BUILD-TIME-${c}`).measured])));
  assert.doesNotMatch(r.json.environment['build target'] ?? '', /minikube's Docker/);
});

test("02-load imports the exact tags into the node's containerd", { skip: why, timeout: 900_000 }, async () => {
  const r = await runRunbook('02-load');
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('02-load s', Math.round(r.ms / 1000));
  const listed = adapter(['image', 'ls', '-p', PROFILE, '--format', 'json']);
  assert.equal(listed.status, 0, listed.stderr);
  const tags: string[] = JSON.parse(listed.stdout).flatMap((i: { repoTags: string[] }) => i.repoTags);
  for (const repo of ['todo-frontend', 'todo-backend', 'todo-mcp']) {
    assert.ok(
      tags.some((t) => t.startsWith(`docker.io/library/${repo}:`)),
      `${repo} in containerd: ${tags.join(', ')}`,
    );
  }
});

test('03-install: every pod Ready by its own conditions, smoke checks answered by the real containers, secrets only in the Secret', {
  skip: why,
  timeout: 1_200_000,
}, async () => {
  const r = await runRunbook('03-install', ['--no-screenshot']);
  assert.equal(r.exitCode, 0, tail(r));
  recordFigure('03-install s', Math.round(r.ms / 1000));
  const ready = checks(r, 'READY-');
  assert.equal(ready.length, 4, 'frontend, backend, mcp, postgresql');
  for (const c of ready) assert.equal(c.status, 'pass', `${c.id}: ${c.measured}`);
  recordFigure('03 Ready times', Object.fromEntries(ready.map((c: { id: string; measured: string }) => [c.id, c.measured])));

  // Ready as the pods themselves say it.
  const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items;
  assert.ok(pods.length >= 4);
  for (const p of pods) {
    assert.equal(p.status.conditions.find((c: { type: string }) => c.type === 'Ready')?.status, 'True', `${p.metadata.name} Ready`);
  }
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-BACKEND-READY', 'SMOKE-FRONTEND', 'SMOKE-MCP']) {
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  }
  assert.match(r.markdown, /add_task, list_tasks, complete_task, delete_task/);
  assertSystemPicture(r, pods);

  // The real backend answers on the NodePort the lane's values file gave, on loopback, and the
  // frontend was built for it.
  const health = await fetch(`http://127.0.0.1:${NODE_PORTS.backend}/health`);
  assert.equal(health.status, 200);
  const url = adapter(['service', 'todo-chatbot-frontend', '-n', NAMESPACE, '-p', PROFILE, '--url']);
  assert.equal(url.stdout.trim(), `http://127.0.0.1:${NODE_PORTS.frontend}`);
  assert.match(
    r.markdown,
    new RegExp(`Frontend: http://127\\.0\\.0\\.1:${NODE_PORTS.frontend} {3}Backend: http://127\\.0\\.0\\.1:${NODE_PORTS.backend}`),
  );
  // kube-proxy's rules name the lane's NodePorts, never the simulator's 30080/30081 (lane-values.yaml).
  const rules = spawnSync('bash', ['-c', 'iptables-save -t nat; iptables-save -t filter'], { encoding: 'utf8' }).stdout;
  assert.match(rules, new RegExp(`--dport ${NODE_PORTS.frontend}\\b`));
  assert.doesNotMatch(rules, /--dport 3008[01]\b/);

  // Secrets: in the Secret, unchanged; in no ConfigMap, report, or pod spec as a literal.
  const secret = kubectlJson(['get', 'secret', 'todo-chatbot-secrets', '-n', NAMESPACE]);
  const configMaps = kubectl(['get', 'configmaps', '-n', NAMESPACE, '-o', 'json']).stdout;
  const podSpecs = JSON.stringify(pods.map((p: { spec: unknown }) => p.spec));
  // Every file under the report folder, backups/ included (validate-all writes one there on an earlier run).
  const reports = readdirSync(REPORT_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'latin1'))
    .join('\n');
  for (const [key, value] of Object.entries(SECRETS)) {
    const b64 = Buffer.from(value).toString('base64');
    assert.equal(Buffer.from(secret.data[key], 'base64').toString('utf8'), value, `${key} in the Secret`);
    for (const [where, text] of [
      ['a ConfigMap', configMaps],
      ['a pod spec', podSpecs],
      ['a report', reports],
      ['the output', r.stdout + r.stderr],
    ] as const) {
      assert.ok(!text.includes(value) && !text.includes(b64), `${key} in ${where}`);
    }
  }
});

/** 03's SYSTEM-PICTURE on the real node: every pod `kubectl get pods` lists, with its container port, and every Service with its real ports. */
function assertSystemPicture(r: RunOutcome, pods: any[]): void {
  const picture = check(r, 'SYSTEM-PICTURE');
  assert.equal(picture?.status, 'pass', `SYSTEM-PICTURE: ${picture?.measured}`);
  assert.match(
    picture.measured,
    /^4 of 4 parts complete \(frontend, backend, mcp, postgresql\), 4 pods; Secret todo-chatbot-secrets read by/,
  );
  const diagram = (r.json.evidence as Array<{ title: string; body: string }>).find((e) => e.title.startsWith('The deployed system'))?.body;
  assert.ok(diagram, 'the diagram is in the report');
  for (const p of pods) {
    const port = p.spec.containers[0].ports[0].containerPort;
    assert.ok(diagram.includes(`("pod ${p.metadata.name}<br/>:${port}")`), `pod ${p.metadata.name} :${port} drawn:\n${diagram}`);
  }
  const services = kubectlJson(['get', 'services', '-n', NAMESPACE]).items;
  for (const svc of services) {
    const [port] = svc.spec.ports;
    const component = svc.metadata.labels['app.kubernetes.io/component'];
    const pod = pods.find((p) => p.metadata.labels['app.kubernetes.io/component'] === component);
    const target = pod.spec.containers[0].ports[0].containerPort;
    const drawn = `Service ${svc.metadata.name}<br/>${svc.spec.type} :${port.port} → pod :${target}${port.nodePort ? `, node port :${port.nodePort}` : ''}"]]`;
    assert.ok(diagram.includes(drawn), `${drawn} drawn:\n${diagram}`);
  }
  assert.match(diagram, new RegExp(`node port :${NODE_PORTS.frontend}\\b`));
  assert.match(diagram, new RegExp(`node port :${NODE_PORTS.backend}\\b`));
  recordFigure('03 system picture', { measured: picture.measured, pods: pods.map((p) => p.metadata.name) });
}
