// The registry path on the simulated toolchain (sim/lib/registry.mjs: registries that demand the
// login of SIM_FAULTS=registry-auth=<user>:<password>, a kubelet that pulls with the pods'
// imagePullSecrets), on a cluster that is not a minikube profile (context=gke_prod): no minikube
// step runs, 01 logs in with the password on stdin and pushes, 02 has nothing to load, 03
// creates the pull secret and the pods run the pushed digest; bad settings are refused (exit 2)
// before anything changes; a wrong password and a missing pull secret fail with their cause and a
// remedy. The same path on a real registry and node: test/cluster/08-registry.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutatingCalls, newStateDir, readCalls, runRunbook, simTool, type RunOutcome } from './harness.ts';

const USER = 'ci-pusher';
const PASSWORD = 'reg-Pa55-word-0123456789';
const FAULTS = `registry-auth=${USER}:${PASSWORD}`;
const HOST = 'registry.test:5000';
const SECRETS = {
  POSTGRES_PASSWORD: 'pg-Pa55word-e2e-7781',
  BETTER_AUTH_SECRET: 'e2e-better-auth-secret-0123456789abcdef',
  OPENAI_API_KEY: 'sk-e2e-registry-0123456789',
};
const REGISTRY = { IMAGE_REGISTRY: `${HOST}/team`, REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD };
const env = { ...SECRETS, ...REGISTRY };
const COMPONENTS = ['frontend', 'backend', 'mcp'];
const check = (r: RunOutcome, id: string) => r.json?.checks?.find((c: { id: string }) => c.id === id);
const run = (id: string, stateDir: string, extra: Record<string, string> = {}, args: string[] = []) =>
  runRunbook(id, ['--yes', ...args], { stateDir, faults: FAULTS, env: { ...env, ...extra } });
/** The simulator's other cluster (context=gke_prod: its own always-up cluster, current), named with --context as the guard wants. */
const OTHER = 'gke_prod';
const onOther = (id: string, stateDir: string, extra: Record<string, string> = {}, args: string[] = []) =>
  runRunbook(id, ['--yes', '--context', OTHER, ...args], { stateDir, faults: `context=${OTHER},${FAULTS}`, env: { ...env, ...extra } });
/** minikube commands other than the read-only version and profile list (which tells another cluster from a profile). */
const minikubeSteps = (r: RunOutcome) =>
  r.calls.filter((c) => c.argv[0] === 'minikube' && !['version', 'profile'].includes(c.argv[1]!)).map((c) => c.argv.join(' '));

/** The password, and the base64 forms docker and Kubernetes keep it in, appear in no argv, output or report. */
function assertHidden(r: RunOutcome, password = PASSWORD): void {
  const basic = Buffer.from(`${USER}:${password}`).toString('base64');
  const texts = { argv: JSON.stringify(r.calls.map((c) => c.argv)), stdout: r.stdout, markdown: r.markdown, json: JSON.stringify(r.json) };
  for (const [where, text] of Object.entries(texts)) {
    assert.ok(!text.includes(password), `password in ${where}`);
    assert.ok(!text.includes(basic), `base64(user:password) in ${where}`);
  }
}

test('another cluster with IMAGE_REGISTRY: no minikube step, 01 pushes with the password on stdin, 02 loads nothing, 03 pulls through the pull secret and every pod runs the pushed digest', {
  timeout: 1_800_000,
}, async () => {
  const stateDir = newStateDir();
  const setup = await onOther('00-setup', stateDir);
  assert.equal(setup.exitCode, 0, setup.stdout.slice(-3000));
  assert.ok(setup.json.notes.some((n: string) => n.startsWith(`skipped on ${OTHER}: minikube start and status`)));
  assert.deepEqual(minikubeSteps(setup), []);

  const wrong = 'not-the-password-0000';
  const refused = await onOther('01-build', stateDir, { REGISTRY_PASSWORD: wrong });
  assert.equal(refused.exitCode, 1, refused.stdout.slice(-3000));
  assert.match(
    check(refused, 'REGISTRY-LOGIN').measured,
    /login attempt to https:\/\/registry\.test:5000\/v2\/ failed with status: 401 Unauthorized/,
  );
  assert.match(refused.json.remedy, /check REGISTRY_USERNAME and REGISTRY_PASSWORD/);
  assert.equal(refused.calls.filter((c) => c.argv[1] === 'build').length, 0, 'refused before any build');
  assertHidden(refused, wrong);

  const built = await onOther('01-build', stateDir);
  assert.equal(built.exitCode, 0, built.stdout.slice(-3000));
  const login = built.calls.find((c) => c.argv[1] === 'login');
  assert.deepEqual(login?.argv, ['docker', 'login', HOST, '--username', USER, '--password-stdin']);
  const digests: Record<string, string> = {};
  for (const c of COMPONENTS) {
    const push = check(built, `PUSH-${c.toUpperCase()}`);
    assert.equal(push?.status, 'pass');
    assert.equal(check(built, `PUSH-DIGEST-${c.toUpperCase()}`)?.status, 'pass');
    digests[c] = /^(sha256:[0-9a-f]{64})/.exec(push.measured)![1]!;
  }
  assertHidden(built);

  const loaded = await onOther('02-load', stateDir);
  assert.equal(loaded.exitCode, 0, loaded.stdout.slice(-3000));
  assert.ok(loaded.json.notes.some((n: string) => n.startsWith('02-load is replaced by the push in 01-build')));
  for (const r of [built, loaded]) assert.deepEqual(minikubeSteps(r), []);

  const installed = await onOther('03-install', stateDir, {}, ['--no-screenshot']);
  assert.equal(installed.exitCode, 0, installed.stdout.slice(-4000));
  assert.equal(check(installed, 'PULL-SECRET')?.status, 'pass');
  for (const c of COMPONENTS) assert.match(check(installed, `IMAGE-${c.toUpperCase()}`).measured, /pulled from the registry/);
  const apply = installed.calls.find((c) => c.argv[1] === 'apply');
  assert.deepEqual(apply?.argv.slice(0, 8), [
    'kubectl',
    'apply',
    '--server-side',
    '--field-manager=todo-chatbot-runbooks',
    '--force-conflicts',
    '-f',
    '-',
    '-n',
  ]);
  assertHidden(installed);
  assert.deepEqual(minikubeSteps(installed), [], 'no minikube status, image ls, ip or service on another cluster');
  assert.ok(installed.json.notes.some((n: string) => /kubectl port-forward .*minikube ip and minikube service --url skipped/.test(n)));
  const pods = JSON.parse(simTool(stateDir, 'kubectl', ['get', 'pods', '-n', 'todo-app', '-o', 'json', '--context', OTHER]).stdout).items;
  for (const c of COMPONENTS) {
    const pod = pods.find((p: any) => p.metadata.labels['app.kubernetes.io/component'] === c);
    assert.equal(pod.spec.imagePullSecrets[0].name, 'regcred');
    assert.equal(pod.status.containerStatuses[0].imageID, `docker-pullable://${HOST}/team/todo-${c}@${digests[c]}`);
  }

  // What only minikube can do is refused on another cluster, before any change; 07 still tears the release down there.
  // The state folder's calls.jsonl holds every run's calls: each refusal is judged on its own.
  const callsBefore = readCalls(stateDir).length;
  const restart = await onOther('04-restart-test', stateDir);
  assert.equal(restart.exitCode, 2, restart.stdout.slice(-2000));
  assert.match(
    restart.json.reason,
    /^04's restart drill \(minikube stop and start\) acts on the minikube cluster "minikube", and kube-context "gke_prod" is another cluster/,
  );
  assert.deepEqual(mutatingCalls(restart.calls.slice(callsBefore)), []);
  const deleteCluster = await onOther('07-teardown', stateDir, {}, ['--delete-cluster']);
  assert.equal(deleteCluster.exitCode, 2);
  assert.deepEqual(mutatingCalls(deleteCluster.calls.slice(callsBefore)), []);
  const teardown = await onOther('07-teardown', stateDir);
  assert.equal(teardown.exitCode, 0, teardown.stdout.slice(-3000));
  for (const id of ['TEARDOWN-RELEASE', 'TEARDOWN-NAMESPACE', 'TEARDOWN-PVC']) assert.equal(check(teardown, id)?.status, 'pass', id);
  assert.deepEqual(minikubeSteps(teardown), []);
});

test('refused before anything changes (exit 2): a URL as IMAGE_REGISTRY, a user without a password under --yes, another cluster without a registry', {
  timeout: 600_000,
}, async () => {
  const url = await run('01-build', newStateDir(), { IMAGE_REGISTRY: 'https://registry.test/team' });
  assert.equal(url.exitCode, 2);
  assert.match(url.stdout, /IMAGE_REGISTRY "https:\/\/registry\.test\/team" has a scheme/);
  assert.deepEqual(url.calls, []);

  const noPassword = await run('01-build', newStateDir(), { REGISTRY_PASSWORD: '' });
  assert.equal(noPassword.exitCode, 2, noPassword.stdout.slice(-2000));
  assert.match(noPassword.json.reason, /^REGISTRY_PASSWORD is not set/);
  assert.deepEqual(mutatingCalls(noPassword.calls), []);

  const other = await runRunbook('01-build', ['--yes', '--context', 'gke_prod'], {
    stateDir: newStateDir(),
    faults: 'context=gke_prod',
    env: SECRETS,
  });
  assert.equal(other.exitCode, 2, other.stdout.slice(-2000));
  assert.match(other.json.reason, /the cluster of kube-context "gke_prod" is not a minikube profile/);
  assert.match(other.json.remedy, /set IMAGE_REGISTRY/);
  assert.deepEqual(mutatingCalls(other.calls), []);
});

test('no pull secret for a registry that wants one: 03 fails on the pull and the analyzers name it with the remedy', {
  timeout: 1_800_000,
}, async () => {
  const stateDir = newStateDir();
  for (const id of ['00-setup', '01-build']) assert.equal((await run(id, stateDir)).exitCode, 0, id);
  // 03 without a registry user: no docker-registry Secret, so the kubelet's pulls are refused.
  const r = await run('03-install', stateDir, { REGISTRY_USERNAME: '', REGISTRY_PASSWORD: '' }, ['--no-screenshot', '--timeout', '90s']);
  assert.equal(r.exitCode, 1, r.stdout.slice(-3000));
  assert.ok(
    r.json.notes.some((n: string) => /REGISTRY_USERNAME is not set: no pull secret/.test(n)),
    r.json.notes.join('\n'),
  );
  assert.match(r.json.reason, /(ErrImagePull|ImagePullBackOff)/);
  assert.match(r.json.remedy, /^the pods have no imagePullSecrets: set IMAGE_REGISTRY, REGISTRY_USERNAME and REGISTRY_PASSWORD/);
  assert.match(r.markdown, /pulling from host registry\.test:5000 failed with status code \[manifests [0-9a-f]{12}\]: 401 Unauthorized/);
  assert.match(r.markdown, /ImagePullBackOff/);
});
