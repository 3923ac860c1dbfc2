// The CD example's deployment script (.github/scripts/helm-deploy.sh, run by the workflow's
// `deploy` job) on the simulated toolchain: settings refused before any command, the deployment
// with --atomic and the images from the registry, the `helm test` health gate, and the rollback
// (or, on a first install, the uninstall) when the gate fails. The gate is made to fail by a
// `helm` in front of the simulated one that adds the never-ready=backend fault to `helm test`
// only, so the upgrade itself succeeds and only the gate sees a backend that does not answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { newStateDir, readCalls, ROOT } from './harness.ts';

const SCRIPT = join(ROOT, '.github', 'scripts', 'helm-deploy.sh');
const SECRETS = {
  POSTGRES_PASSWORD: 'ci-deploy-pg-0123456789',
  BETTER_AUTH_SECRET: 'ci-deploy-auth-secret-0123456789abcdef',
  OPENAI_API_KEY: 'sk-ci-deploy-0123',
};
const SETTINGS = { KUBE_CONTEXT: 'minikube', IMAGE_REGISTRY: 'registry.test/todo', IMAGE_TAG: 'v1', DEPLOY_TIMEOUT: '120s' };
const KUBE = ['-n', 'todo-app', '--kube-context', 'minikube'];

describe('.github/scripts/helm-deploy.sh on the simulated toolchain', () => {
  let sim: { binDir: string; env: Record<string, string>; stateDir: string };
  let gateFails = '';

  const tool = (name: string, args: string[]) =>
    spawnSync(join(sim.binDir, name), args, { env: { ...process.env, ...sim.env }, encoding: 'utf8' });
  /** Runs the script in its own process group, so a hang is killed with every helm it started. */
  const deploy = (env: Record<string, string | undefined>, options: { failingGate?: boolean; faults?: string } = {}) => {
    const path = [options.failingGate ? gateFails : '', sim.binDir, process.env.PATH].filter(Boolean).join(delimiter);
    const full: NodeJS.ProcessEnv = { ...process.env, ...sim.env, SIM_FAULTS: options.faults ?? '', PATH: path, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', [SCRIPT], { cwd: ROOT, env: full, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        stderr += '\n[test] helm-deploy.sh killed after 300 s';
        process.kill(-child.pid!, 'SIGKILL');
      }, 300_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  };
  const history = () => JSON.parse(tool('helm', ['history', 'todo-chatbot', ...KUBE, '-o', 'json']).stdout || '[]');
  const helmCalls = () => readCalls(sim.stateDir).filter((c) => c.argv[0] === 'helm');

  before(async () => {
    const { prepareSimulation } = await import(join(ROOT, 'sim/lib/setup.mjs'));
    sim = await prepareSimulation({ stateDir: newStateDir() });
    assert.equal(tool('minikube', ['start', '-p', 'minikube']).status, 0);
    // The images as a registry would serve them: built into the node under the registry's names.
    const dockerEnv = JSON.parse(tool('minikube', ['-p', 'minikube', 'docker-env', '--shell', 'none', '-o', 'json']).stdout);
    for (const c of ['frontend', 'backend', 'mcp']) {
      const built = spawnSync(
        join(sim.binDir, 'docker'),
        ['build', '-q', '-t', `registry.test/todo/todo-${c}:v1`, '-f', join(ROOT, 'docker', `${c}.Dockerfile`), join(ROOT, 'app')],
        { env: { ...process.env, ...sim.env, ...dockerEnv }, encoding: 'utf8' },
      );
      assert.equal(built.status, 0, built.stderr);
    }
    gateFails = mkdtempSync(join(tmpdir(), 'ci-deploy-gate-'));
    writeFileSync(
      join(gateFails, 'helm'),
      // "simulated" in its head keeps the simulator from taking it for the real helm it renders with
      // (sim/lib/helm/render.mjs, findRealHelm), which would make it call itself.
      `#!/bin/sh\n# simulated helm, with never-ready=backend for helm test only\nif [ "$1" = test ]; then SIM_FAULTS=never-ready=backend; export SIM_FAULTS; fi\nexec '${join(sim.binDir, 'helm')}' "$@"\n`,
    );
    chmodSync(join(gateFails, 'helm'), 0o755);
  });

  after(() => {
    if (sim) tool('minikube', ['delete', '-p', 'minikube']);
    if (gateFails) rmSync(gateFails, { recursive: true, force: true });
  });

  for (const [name, env, message] of [
    ['no KUBE_CONTEXT', { ...SETTINGS, ...SECRETS, KUBE_CONTEXT: undefined }, /KUBE_CONTEXT is not set/],
    [
      'a context the kubeconfig does not have',
      { ...SETTINGS, ...SECRETS, KUBE_CONTEXT: 'prod-typo' },
      /'prod-typo' is not in the kubeconfig/,
    ],
    ['no image tag', { ...SETTINGS, ...SECRETS, IMAGE_TAG: undefined }, /IMAGE_REGISTRY and IMAGE_TAG/],
    ['no database secret', { ...SETTINGS, ...SECRETS, POSTGRES_PASSWORD: undefined }, /POSTGRES_PASSWORD .* or DATABASE_URL/],
    ['no OPENAI_API_KEY', { ...SETTINGS, ...SECRETS, OPENAI_API_KEY: undefined }, /OPENAI_API_KEY is not set/],
  ] as const) {
    test(`bad settings (${name}): exit 2, one line, no helm command`, async () => {
      const before = helmCalls().length;
      const r = await deploy(env);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(helmCalls().length, before);
    });
  }

  test('a first install whose health gate fails is uninstalled: nothing to roll back to', async () => {
    const r = await deploy({ ...SETTINGS, ...SECRETS }, { failingGate: true });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /health gate FAILED on the first install: nothing to roll back to, uninstalling it/);
    assert.notEqual(tool('helm', ['status', 'todo-chatbot', ...KUBE]).status, 0, 'the release is gone');
  });

  test('a deployment: --atomic --wait, the images from the registry pulled if absent, the gate passes; no secret on a command line', async () => {
    const r = await deploy({ ...SETTINGS, ...SECRETS });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /deployed and healthy: revision \d+/);
    const upgrade = helmCalls()
      .filter((c) => c.argv[1] === 'upgrade')
      .at(-1)!;
    assert.ok(upgrade.argv.includes('--atomic') && upgrade.argv.includes('--wait'), upgrade.argv.join(' '));
    assert.ok(upgrade.argv.includes('minikube'), 'the named context');
    for (const c of ['frontend', 'backend', 'mcp']) {
      const dep = JSON.parse(
        tool('kubectl', ['get', 'deployment', `todo-chatbot-${c}`, '-n', 'todo-app', '-o', 'json', '--context', 'minikube']).stdout,
      );
      assert.equal(dep.spec.template.spec.containers[0].image, `registry.test/todo/todo-${c}:v1`);
      assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    }
    const argvText = readCalls(sim.stateDir)
      .map((c) => c.argv.join(' '))
      .join('\n');
    for (const value of Object.values(SECRETS)) assert.ok(!argvText.includes(value), 'a secret reached a command line');
  });

  test('an upgrade whose health gate fails is rolled back to the previous revision, and the job fails', async () => {
    const deployed = history().at(-1).revision as number;
    const r = await deploy({ ...SETTINGS, ...SECRETS }, { failingGate: true });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`health gate FAILED on revision ${deployed + 1}: rolling back`));
    const last = history().at(-1);
    assert.equal(last.revision, deployed + 2);
    assert.equal(last.status, 'deployed');
    assert.equal(last.description, `Rollback to ${deployed}`);
  });

  test('an upgrade whose pods never become Ready is undone by helm itself (--atomic), before any gate', async () => {
    const deployed = history().at(-1).revision as number;
    const r = await deploy({ ...SETTINGS, ...SECRETS, DEPLOY_TIMEOUT: '60s' }, { faults: 'never-ready=backend' });
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /health gate/);
    const last = history().at(-1);
    assert.equal(last.status, 'deployed');
    assert.equal(last.description, `Rollback to ${deployed}`);
  });
});
