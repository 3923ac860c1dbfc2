// A cluster that is not a minikube profile, fed through a registry — the path a user who outgrows
// minikube takes — on the real node: a real Distribution registry on loopback with htpasswd
// authentication (local-registry.ts), a kube-context named "lane-remote" that points at the node
// but is not the minikube profile's, and the runbooks with IMAGE_REGISTRY. 00 skips minikube's own
// steps and says so; 01 logs in (password on stdin) and pushes, proving each digest; 02 has nothing
// to load; 03 creates the pull secret, and the node's containerd pulls the images by itself — they
// are absent from it before 03 (the node is made afresh and nothing is loaded into it), the
// registry's access log shows containerd fetching each repository's blobs, and each pod's imageID
// is the pushed digest. A wrong password stops 01 before any build, with docker's reason and a remedy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalBase } from '../docker/lib.ts';
import {
  KUBECONFIG,
  NAMESPACE,
  NODE_BIN,
  PROFILE,
  REPORT_DIR,
  adapter,
  check,
  kubectl,
  checks,
  ensureNodeBase,
  kubectlJson,
  missingPrerequisite,
  prepareLane,
  recordFigure,
  runRunbook,
  tail,
  type RunOutcome,
} from './harness.ts';
import { startRegistry, type LocalRegistry } from './local-registry.ts';
import { analyze } from '../../src/cluster/analyzers.ts';
import { emptySnapshot, type ClusterSnapshot } from '../../src/cluster/snapshot.ts';

const why = missingPrerequisite();
const REMOTE = 'lane-remote';
const NAMESPACE_IN_REGISTRY = 'lane';
const COMPONENTS = ['frontend', 'backend', 'mcp'] as const;
let registry: LocalRegistry | undefined;
const pushed: Record<string, { ref: string; repository: string; tag: string; digest: string }> = {};

const kubeconfig = (args: string[]) =>
  spawnSync(join(NODE_BIN, 'kubectl'), ['config', '--kubeconfig', KUBECONFIG, ...args], { encoding: 'utf8' });

const env = (extra: Record<string, string> = {}) => ({
  KUBE_CONTEXT: REMOTE,
  IMAGE_REGISTRY: `${registry!.host}/${NAMESPACE_IN_REGISTRY}`,
  REGISTRY_USERNAME: registry!.username,
  REGISTRY_PASSWORD: registry!.password,
  ...extra,
});

/** The registry password must appear nowhere a user or a log could read it. */
function assertNoPassword(r: RunOutcome, password: string): void {
  const basic = Buffer.from(`${registry!.username}:${password}`).toString('base64');
  for (const [where, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
    ['markdown report', r.markdown],
    ['JSON report', JSON.stringify(r.json)],
  ] as const) {
    assert.ok(!text.includes(password), `the password appears in the ${where}`);
    assert.ok(!text.includes(basic), `base64(user:password) appears in the ${where}`);
  }
}

/** The node's images as its containerd lists them (the adapter's minikube image ls). */
const nodeImages = (): string[] =>
  JSON.parse(adapter(['image', 'ls', '-p', PROFILE, '--format', 'json']).stdout).flatMap((i: { repoTags?: string[] }) => i.repoTags ?? []);

before(async () => {
  if (why) return;
  prepareLane();
  await ensureNodeBase(ensureLocalBase);
  registry = await startRegistry();
  // A node made afresh: nothing an earlier file loaded is in its containerd.
  assert.equal(adapter(['delete', '-p', PROFILE]).status, 0);
  const start = adapter(['start', '-p', PROFILE]);
  assert.equal(start.status, 0, start.stderr);
  // The context a user of another cluster has: its own name, made current, the profile's left alone.
  assert.equal(kubeconfig(['set-context', REMOTE, `--cluster=${PROFILE}`, `--user=${PROFILE}`, '--namespace=default']).status, 0);
  assert.equal(kubeconfig(['use-context', REMOTE]).status, 0);
});

after(async () => {
  if (why) return;
  // Everything this file made: the release and the node (deleted as a whole), the context, the
  // pushed image names in Docker, the registry and its folder.
  adapter(['delete', '-p', PROFILE]);
  kubeconfig(['delete-context', REMOTE]);
  // delete-context leaves current-context naming the context it removed: the next file's 00 would
  // find the lane on a context that is not the profile's, and its guard would refuse.
  kubeconfig(['unset', 'current-context']);
  for (const p of Object.values(pushed)) spawnSync('docker', ['rmi', p.ref], { stdio: 'ignore' });
  await registry?.stop();
});

test('00-setup on a kube-context that is not a minikube profile: the minikube-only steps are skipped and the report says so', {
  skip: why,
  timeout: 600_000,
}, async () => {
  const refused = await runRunbook('00-setup', [], { env: { ...env(), KUBE_CONTEXT: '' } });
  assert.equal(refused.exitCode, 1, 'the guard still wants the other context named explicitly');
  assert.equal(check(refused, 'SAFE-CONTEXT')?.status, 'fail');

  const r = await runRunbook('00-setup', [], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  assert.ok(
    r.json.notes.some((n: string) => /^skipped on lane-remote: minikube start and status/.test(n)),
    r.json.notes.join('\n'),
  );
  assert.ok(r.json.notes.some((n: string) => /^skipped on lane-remote: minikube addons enable metrics-server/.test(n)));
  const minikubeCalls = r.json.transcript
    .filter((t: { argv: string[] }) => /minikube$/.test(t.argv[0]!))
    .map((t: { argv: string[] }) => t.argv.slice(1, 3).join(' '));
  assert.deepEqual(
    minikubeCalls.filter((c: string) => !/^(version|profile list)/.test(c)),
    [],
    'no minikube start, status or addons',
  );
  assert.equal(check(r, 'SETUP-NAMESPACE')?.status, 'pass');
});

test("a wrong registry password stops 01 before any build: docker's own reason, a remedy, and the password nowhere", {
  skip: why,
  timeout: 600_000,
}, async () => {
  const wrong = 'not-the-lane-password-0042';
  const r = await runRunbook('01-build', [], { env: env({ REGISTRY_PASSWORD: wrong }) });
  assert.equal(r.exitCode, 1, tail(r));
  const login = check(r, 'REGISTRY-LOGIN');
  assert.equal(login?.status, 'fail');
  assert.match(login.measured, /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/);
  assert.match(r.json.remedy, /REGISTRY_USERNAME and REGISTRY_PASSWORD/);
  assert.equal(r.json.transcript.filter((t: { argv: string[] }) => t.argv[1] === 'build').length, 0, 'nothing was built');
  const loginCall = r.json.transcript.find((t: { argv: string[] }) => t.argv[1] === 'login');
  assert.deepEqual(loginCall.argv.slice(1), ['login', registry!.host, '--username', registry!.username, '--password-stdin']);
  assertNoPassword(r, wrong);
});

test('01 pushes the three images to the registry; the digest in the report is the one the registry serves', {
  skip: why,
  timeout: 2_400_000,
}, async () => {
  const r = await runRunbook('01-build', [], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  assert.equal(check(r, 'REGISTRY-LOGIN')?.status, 'pass');
  for (const c of COMPONENTS) {
    const C = c.toUpperCase();
    assert.equal(check(r, `PUSH-${C}`)?.status, 'pass');
    assert.equal(check(r, `PUSH-DIGEST-${C}`)?.status, 'pass');
    const digest = /^(sha256:[0-9a-f]{64}) in /.exec(check(r, `PUSH-${C}`).measured)?.[1];
    assert.ok(digest, check(r, `PUSH-${C}`).measured);
    const ref = String(r.json.environment[`pushed ${c}`] ?? '').split(' = ')[0]!;
    const repository = `${NAMESPACE_IN_REGISTRY}/todo-${c}`;
    const tag = ref.slice(ref.lastIndexOf(':') + 1);
    assert.equal(ref, `${registry!.host}/${repository}:${tag}`);
    assert.equal(await registry!.manifestDigest(repository, tag), digest, `the registry serves ${repository}:${tag} as ${digest}`);
    pushed[c] = { ref, repository: `${registry!.host}/${repository}`, tag, digest };
  }
  assertNoPassword(r, registry!.password);
  assert.ok(r.json.notes.some((n: string) => /building into the host's Docker: IMAGE_REGISTRY is set/.test(n)));
  // The login lived in a private DOCKER_CONFIG: the user's own docker config did not get it.
  const userConfig = join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  if (existsSync(userConfig)) assert.ok(!readFileSync(userConfig, 'utf8').includes(registry!.host));
  recordFigure('registry push', Object.fromEntries(COMPONENTS.map((c) => [c, check(r, `PUSH-${c.toUpperCase()}`).measured])));
});

test('02 has nothing to load: it says the push replaced it, and the node still has none of the images', {
  skip: why,
  timeout: 300_000,
}, async () => {
  const r = await runRunbook('02-load', [], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  assert.ok(r.json.notes.some((n: string) => /02-load is replaced by the push in 01-build/.test(n)));
  assert.equal(r.json.transcript.filter((t: { argv: string[] }) => t.argv.slice(1, 3).join(' ') === 'image load').length, 0);
  for (const c of COMPONENTS) assert.equal(check(r, `PUSHED-${c.toUpperCase()}`)?.status, 'pass');
  const onNode = nodeImages();
  for (const p of Object.values(pushed)) assert.ok(!onNode.includes(p.ref), `${p.ref} is not on the node before 03`);
});

test('03 installs from the registry: pull secret, the node pulls by itself, every pod Ready on the pushed digest, smoke checks pass', {
  skip: why,
  timeout: 1_800_000,
}, async () => {
  const pullsBefore = registry!
    .log()
    .split('\n')
    .filter((l) => /"GET \/v2\/lane\/todo-\w+\/blobs\//.test(l)).length;
  const r = await runRunbook('03-install', ['--no-screenshot'], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  assert.equal(check(r, 'PULL-SECRET')?.status, 'pass');
  for (const id of ['SMOKE-BACKEND-HEALTH', 'SMOKE-BACKEND-READY', 'SMOKE-FRONTEND', 'SMOKE-MCP', 'SECRETS-ARGV'])
    assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  for (const ready of checks(r, 'READY-')) assert.equal(ready.status, 'pass', `${ready.id}: ${ready.measured}`);
  for (const c of COMPONENTS) assert.match(check(r, `IMAGE-${c.toUpperCase()}`).measured, /pulled from the registry/);
  assert.ok(r.json.notes.some((n: string) => /^skipped on lane-remote: minikube status/.test(n)));
  const minikubeCalls = r.json.transcript
    .filter((t: { argv: string[] }) => /minikube$/.test(t.argv[0]!))
    .map((t: { argv: string[] }) => t.argv.slice(1, 3).join(' '));
  assert.deepEqual(
    minikubeCalls.filter((c: string) => c !== 'profile list'),
    [],
    'no minikube status, image ls, ip or service',
  );
  assertNoPassword(r, registry!.password);

  // The kubelet pulled through containerd: the registry saw containerd fetch every repository's blobs.
  const log = registry!.log().split('\n');
  for (const c of COMPONENTS) {
    const fetched = log.filter((l) => l.includes(`"GET /v2/lane/todo-${c}/blobs/sha256:`) && /" 200 /.test(l) && /containerd\//.test(l));
    assert.ok(fetched.length > 0, `containerd fetched the blobs of lane/todo-${c}`);
  }
  assert.ok(log.filter((l) => /"GET \/v2\/lane\/todo-\w+\/blobs\//.test(l)).length > pullsBefore);
  // Now on the node, and every pod runs the pushed manifest.
  const onNode = nodeImages();
  const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items;
  for (const [c, p] of Object.entries(pushed)) {
    assert.ok(onNode.includes(p.ref), `${p.ref} on the node after 03`);
    const running = pods.filter((pod: any) => pod.metadata.labels['app.kubernetes.io/component'] === c);
    assert.ok(running.length > 0);
    for (const pod of running) {
      const status = pod.status.containerStatuses.find((s: { name: string }) => s.name === c);
      assert.equal(status.imageID, `${p.repository}@${p.digest}`);
      assert.equal(pod.spec.imagePullSecrets?.[0]?.name, 'regcred');
      assert.equal(pod.spec.containers.find((x: { name: string }) => x.name === c).imagePullPolicy, 'IfNotPresent');
    }
  }
  const secret = kubectlJson(['get', 'secret', 'regcred', '-n', NAMESPACE]);
  assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
  assert.equal(
    secret.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
    undefined,
    'no copy of the data in an annotation',
  );
  const reports = readdirSync(REPORT_DIR, { recursive: true, encoding: 'utf8' })
    .map((f) => join(REPORT_DIR, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'));
  for (const text of reports) assert.ok(!text.includes(registry!.password), 'no report of the lane holds the registry password');
  recordFigure('registry 03', Object.fromEntries(checks(r, 'READY-').map((c: { id: string; measured: string }) => [c.id, c.measured])));
});

test("a pod that must pull without the pull secret: the kubelet's real ErrImagePull / ImagePullBackOff text (the one the simulator copies) and the analyzers' remedy", {
  skip: why,
  timeout: 300_000,
}, async () => {
  const p = pushed.frontend!;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'lane-no-pull-secret', namespace: NAMESPACE, labels: { 'app.kubernetes.io/component': 'frontend' } },
    // Always: the node has the image since 03, so only a forced pull meets the registry's login.
    spec: { containers: [{ name: 'frontend', image: p.ref, imagePullPolicy: 'Always' }], restartPolicy: 'Never' },
  };
  const created = spawnSync(join(NODE_BIN, 'kubectl'), ['--kubeconfig', KUBECONFIG, '--context', REMOTE, 'apply', '-f', '-'], {
    input: JSON.stringify(pod),
    encoding: 'utf8',
  });
  assert.equal(created.status, 0, created.stderr);
  try {
    const seen = new Set<string>();
    let live: any;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && !seen.has('ImagePullBackOff'); ) {
      live = kubectlJson(['get', 'pod', pod.metadata.name, '-n', NAMESPACE]);
      const waiting = live.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason) seen.add(waiting.reason);
      if (waiting?.reason === 'ErrImagePull')
        assert.match(
          waiting.message,
          new RegExp(
            `failed to pull and unpack image "${p.ref}": failed to resolve reference "${p.ref}": pulling from host ${registry!.host} failed with status code \\[manifests ${p.tag}\\]: 401 Unauthorized`,
          ),
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(seen.has('ErrImagePull') && seen.has('ImagePullBackOff'), `seen: ${[...seen].join(', ')}`);
    const snapshot: ClusterSnapshot = { ...emptySnapshot(NAMESPACE), pods: [live as ClusterSnapshot['pods'][number]] };
    const finding = analyze(snapshot).find((f) => f.object === `pod/${pod.metadata.name}`);
    assert.equal(finding?.reason, 'ImagePullBackOff');
    assert.match(finding!.remedy, /^the pods have no imagePullSecrets: set IMAGE_REGISTRY, REGISTRY_USERNAME and REGISTRY_PASSWORD/);
  } finally {
    kubectl(['delete', 'pod', pod.metadata.name, '-n', NAMESPACE, '--wait=false']);
  }
});

test('07 on the other cluster removes the release, namespace and claims; --delete-cluster and 04 are refused there', {
  skip: why,
  timeout: 600_000,
}, async () => {
  const restart = await runRunbook('04-restart-test', [], { env: env() });
  assert.equal(restart.exitCode, 2, tail(restart));
  assert.match(restart.json.reason, /acts on the minikube cluster "minikube", and kube-context "lane-remote" is another cluster/);
  const refused = await runRunbook('07-teardown', ['--delete-cluster'], { env: env() });
  assert.equal(refused.exitCode, 2, tail(refused));
  const r = await runRunbook('07-teardown', [], { env: env() });
  assert.equal(r.exitCode, 0, tail(r));
  for (const id of ['TEARDOWN-RELEASE', 'TEARDOWN-NAMESPACE', 'TEARDOWN-PVC']) assert.equal(check(r, id)?.status, 'pass', id);
  assert.equal(kubectl(['get', 'namespace', NAMESPACE]).status, 1, 'the namespace is gone');
  assert.equal(adapter(['status', '-p', PROFILE, '-o', 'json']).status, 0, 'the node itself still runs');
});
