// Parity with the REAL parsers: every argv the wrappers send (recorded from src/tools/*, see
// test/unit/helpers/wrapper-argv.ts) is accepted by the real kubectl, helm and docker CLIs installed
// here (they fail later, on the unreachable cluster/daemon) and by the stand-ins, and bogus flags
// are rejected by the real tool and by the stand-in with the same message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { machine, installFixture, CHART, FIXTURES } from './helpers.mjs';
import { findRealHelm } from '../../../sim/lib/helm/render.mjs';
import { recordWrapperArgv } from '../helpers/wrapper-argv.ts';

const home = mkdtempSync(join(tmpdir(), 'real-parsers-'));
const kubeconfig = join(home, 'kubeconfig');
writeFileSync(
  kubeconfig,
  'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://127.0.0.1:1"}\n  name: c\ncontexts:\n- context: {cluster: c, user: u, namespace: default}\n  name: minikube\ncurrent-context: minikube\nusers:\n- name: u\n  user: {token: x}\n',
  { mode: 0o600 },
);
mkdirSync(join(home, '.docker'), { recursive: true });
const realEnv = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: home,
  KUBECONFIG: kubeconfig,
  DOCKER_CONFIG: join(home, '.docker'),
  DOCKER_HOST: 'unix:///nonexistent/docker.sock',
};
const REAL = {
  kubectl: ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p)),
  helm: findRealHelm({ PATH: '/usr/local/bin:/usr/bin:/bin' }),
  docker: ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => existsSync(p)),
};
const runReal = (tool, args) => {
  // kubectl proxy serves until killed without reaching the cluster: its first line is enough
  if (tool === 'kubectl' && args[0] === 'proxy') return untilServing(spawn(REAL.kubectl, args, { env: realEnv, cwd: home }));
  const r = spawnSync(REAL[tool], args, { env: realEnv, encoding: 'utf8', timeout: 30000, cwd: home });
  return { code: r.status, stderr: r.stderr ?? '', stdout: r.stdout ?? '' };
};

/** A kubectl proxy (real or stand-in): waits for "Starting to serve on", then stops it. */
async function untilServing(child) {
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/Starting to serve on 127\.0\.0\.1:\d+/.test(stdout)) child.kill('SIGTERM');
    });
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.match(stdout, /Starting to serve on 127\.0\.0\.1:\d+/, `kubectl proxy did not come up: ${stderr}`);
  return { code, stdout, stderr };
}
const PARSE_ERR =
  /(unknown (shorthand )?flag: [^\n]+|unknown command "[^"]+"|invalid argument "[^"]+" for "[^"]+" flag[^\n]*|flag needs an argument: [^\n]+|unknown command: docker \S+)/;

const NS = 'todo-app';
const REL = 'todo-chatbot';
const values = join(home, 'values.yaml');
writeFileSync(values, 'secrets:\n  POSTGRES_PASSWORD: pw-123456\n', { mode: 0o600 });

/**
 * The argv the wrappers of src/tools/* send, recorded by driving every operation (the pod name is
 * filled in once a simulated machine runs). The contract in sim/ARGV-CONTRACT.md describes them.
 */
export const CONTRACT = await recordWrapperArgv({
  namespace: NS,
  release: REL,
  chart: CHART,
  valuesFile: values,
  pod: 'PODNAME',
  image: 'todo-backend:abc123',
  dockerfile: join(FIXTURES, 'app/Dockerfile'),
  buildContext: join(FIXTURES, 'app/backend'),
});
/** Flags of the contract that the helm installed here predates (the stand-in emulates helm v3.16). */
const NEWER_THAN_REAL_HELM = { '--ignore-not-found': 'helm uninstall --ignore-not-found (helm ≥ 3.13)' };

for (const tool of ['kubectl', 'helm', 'docker']) {
  test(`real ${tool} parses every argv the wrappers send`, { skip: !REAL[tool] && `no real ${tool} here` }, async (t) => {
    for (const args of CONTRACT[tool]) {
      const r = await runReal(tool, args);
      const m = PARSE_ERR.exec(r.stderr);
      const newer = tool === 'helm' && Object.keys(NEWER_THAN_REAL_HELM).find((f) => args.includes(f) && m?.[0] === `unknown flag: ${f}`);
      if (newer) {
        t.diagnostic(`the installed helm predates ${NEWER_THAN_REAL_HELM[newer]}; accepted by the stand-in (helm v3.16.2)`);
        continue;
      }
      assert.equal(m, null, `real ${tool} rejected: ${tool} ${args.join(' ')}\n${r.stderr}`);
    }
  });
}

/** A port-forward serves until killed: its first lines, then stop it. */
async function untilForwarding(m, args) {
  const child = m.spawn('kubectl', args);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.stdout.on('data', () => {
      if (/Forwarding from/.test(stdout)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.match(stdout, /Forwarding from 127\.0\.0\.1:\d+ -> 8001/, `port-forward did not come up: ${stderr}`);
  return { code, stdout, stderr };
}

test('the stand-ins accept every argv the wrappers send (on a running simulated machine)', async () => {
  const m = await machine();
  try {
    assert.equal(installFixture(m, { values: ['-f', values] }).code, 0);
    const pod = m.json('kubectl', ['get', 'pods', '-n', NS, '-o', 'json', '-l', 'app.kubernetes.io/component=backend']).items[0].metadata
      .name;
    const envs = m.json('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    // kubectl before helm: the recorded helm calls end with an uninstall, and a port-forward needs the release
    for (const tool of ['docker', 'kubectl', 'helm']) {
      for (const args0 of CONTRACT[tool]) {
        const args = args0.map((a) => (a === 'PODNAME' ? pod : a));
        const r =
          args[0] === 'port-forward'
            ? await untilForwarding(m, args)
            : args[0] === 'proxy'
              ? await untilServing(m.spawn('kubectl', args))
              : // the claims are in use by the release's pods: like the real kubectl, the stand-in
                // waits for ever (pvc-protection) once it has parsed the argv, so it is cut short
                m.run(tool, args, {
                  env: tool === 'docker' ? envs : {},
                  timeout: args[0] === 'delete' && args[1] === 'pvc' ? 5000 : undefined,
                });
        assert.equal(PARSE_ERR.exec(r.stderr), null, `stand-in rejected: ${tool} ${args.join(' ')}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /sim: .* is not implemented/, `${tool} ${args.join(' ')}`);
        assert.doesNotMatch(r.stderr, /internal error/, `${tool} ${args.join(' ')}: ${r.stderr}`);
      }
    }
  } finally {
    m.cleanup();
  }
});

const BOGUS = {
  kubectl: [
    ['get', 'pods', '--foo'],
    ['get', 'pods', '-Z'],
    ['version', '--client', '--short'],
    ['logs', 'p', '--bogus'],
    ['scale', 'deployment/x', '--replicas=3', '--nope'],
    ['rollout', 'status', 'deployment/x', '--timout=5s'],
    ['wait', '--for=condition=Ready', 'pod', '-l', 'a=b', '--timeout', '5x'],
    ['exec', 'p', '--containr', 'c', '--', 'ls'],
    ['get', 'pods', '-n'],
    ['delete', 'pod', 'p', '--wait=maybe'],
    ['top', 'pods', '--containerz'],
    ['frobnicate'],
  ],
  helm: [
    ['upgrade', '--install', 'x', CHART, '--foo'],
    ['status', 'x', '-Z'],
    ['history', 'x', '-o', 'xml'],
    ['list', '--bogus'],
    ['rollback', 'x', '1', '--wiat'],
    ['test', 'x', '--timeout', '5'],
    ['get', 'values', 'x', '--alll'],
    ['frobnicate'],
  ],
  docker: [
    ['build', '--foo', '.'],
    ['images', '--bogus'],
    ['image', 'inspect', '--foo', 'x'],
    ['history', '--foo', 'x'],
    ['version', '--bogus'],
    ['build', '-t'],
    ['frobnicate'],
  ],
};
for (const tool of ['kubectl', 'helm', 'docker']) {
  test(`bogus ${tool} flags: rejected by the real parser and by the stand-in with the same message`, {
    skip: !REAL[tool] && `no real ${tool} here`,
  }, async () => {
    const m = await machine();
    try {
      for (const args of BOGUS[tool]) {
        const real = runReal(tool, args);
        const sim = m.run(tool, args);
        const rm = PARSE_ERR.exec(real.stderr);
        const sm = PARSE_ERR.exec(sim.stderr);
        assert.ok(rm, `real ${tool} accepted ${args.join(' ')}: ${real.stderr}`);
        assert.notEqual(real.code, 0);
        assert.ok(sm, `stand-in accepted ${args.join(' ')}: ${sim.stderr}`);
        assert.equal(sim.code, real.code, `exit code for ${tool} ${args.join(' ')}`);
        assert.equal(sm[0], rm[0], `${tool} ${args.join(' ')}`);
      }
    } finally {
      m.cleanup();
    }
  });
}
