// Parity with the REAL parsers: every argv form of sim/ARGV-CONTRACT.md is accepted by the real
// kubectl, helm and docker CLIs installed here (they fail later, on the unreachable cluster/daemon),
// and bogus flags are rejected by the real tool and by the stand-in with the same message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { machine, installFixture, CHART, FIXTURES } from './helpers.mjs';
import { findRealHelm } from '../../../sim/lib/helm/render.mjs';

const home = mkdtempSync(join(tmpdir(), 'real-parsers-'));
const kubeconfig = join(home, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://127.0.0.1:1"}\n  name: c\ncontexts:\n- context: {cluster: c, user: u, namespace: default}\n  name: minikube\ncurrent-context: minikube\nusers:\n- name: u\n  user: {token: x}\n', { mode: 0o600 });
mkdirSync(join(home, '.docker'), { recursive: true });
const realEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig, DOCKER_CONFIG: join(home, '.docker'), DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const REAL = {
  kubectl: ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p)),
  helm: findRealHelm({ PATH: '/usr/local/bin:/usr/bin:/bin' }),
  docker: ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => existsSync(p)),
};
const runReal = (tool, args) => { const r = spawnSync(REAL[tool], args, { env: realEnv, encoding: 'utf8', timeout: 30000, cwd: home }); return { code: r.status, stderr: r.stderr ?? '', stdout: r.stdout ?? '' }; };
const PARSE_ERR = /(unknown (shorthand )?flag: [^\n]+|unknown command "[^"]+"|invalid argument "[^"]+" for "[^"]+" flag[^\n]*|flag needs an argument: [^\n]+|unknown command: docker \S+)/;

const NS = 'todo-app'; const REL = 'todo-chatbot'; const CTX = ['--context', 'minikube']; const RT = '--request-timeout=10s';
const values = join(home, 'values.yaml');
writeFileSync(values, 'secrets:\n  POSTGRES_PASSWORD: pw-123456\n', { mode: 0o600 });

/** The argv forms of ARGV-CONTRACT.md (placeholders filled in). */
export const CONTRACT = {
  kubectl: [
    ['version', '--client', '-o', 'json'],
    ['config', 'current-context'],
    ['config', 'get-contexts', '-o', 'name'],
    ['get', 'nodes', '-o', 'json', RT, ...CTX],
    ['get', 'namespace', NS, '-o', 'json', RT, ...CTX],
    ['create', 'namespace', NS, RT, ...CTX],
    ...['pods', 'deployments', 'replicasets', 'statefulsets', 'services', 'endpoints', 'pvc', 'events', 'configmaps'].flatMap((k) => [['get', k, '-n', NS, '-o', 'json', RT, ...CTX], ['get', k, '-n', NS, '-o', 'json', '-l', 'app.kubernetes.io/instance=todo-chatbot', RT, ...CTX]]),
    ['get', 'secret', 'todo-chatbot-secrets', '-n', NS, '-o', 'json', RT, ...CTX],
    ['get', 'configmap', 'todo-chatbot-config', '-n', NS, '-o', 'json', RT, ...CTX],
    ['wait', '--for=condition=Ready', 'pod', '-l', 'app.kubernetes.io/instance=todo-chatbot', '-n', NS, '--timeout=300s', RT, ...CTX],
    ['rollout', 'status', 'deployment/todo-chatbot-frontend', '-n', NS, '--timeout=300s', RT, ...CTX],
    ['scale', 'deployment/todo-chatbot-frontend', '--replicas=2', '-n', NS, RT, ...CTX],
    ['logs', 'PODNAME', '-c', 'backend', '-n', NS, '--tail=50', RT, ...CTX],
    ['logs', 'PODNAME', '-c', 'backend', '-n', NS, '--tail=50', '--previous', RT, ...CTX],
    ['describe', 'pod', 'PODNAME', '-n', NS, RT, ...CTX],
    ['exec', 'PODNAME', '-c', 'backend', '-n', NS, RT, ...CTX, '--', 'printenv', 'MAX_CONVERSATION_HISTORY'],
    ['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`, RT, ...CTX],
    ['top', 'pods', '-n', NS, RT, ...CTX],
    ['delete', 'pod', 'PODNAME', '-n', NS, '--wait=false', RT, ...CTX],
    ['delete', 'pods', '-l', 'app.kubernetes.io/component=frontend', '-n', NS, '--wait=false', RT, ...CTX],
    ['delete', 'pvc', '-l', 'app.kubernetes.io/instance=todo-chatbot', '-n', NS, '--ignore-not-found', RT, ...CTX],
    ['delete', 'namespace', NS, '--wait=true', '--timeout=120s', RT, ...CTX],
  ],
  helm: [
    ['version', '--template', '{{.Version}}'],
    ['upgrade', '--install', REL, CHART, '-n', NS, '--create-namespace', '--atomic', '--wait', '--timeout', '300s', '-f', values, '--set', 'backend.replicaCount=1', '--kube-context', 'minikube'],
    ['upgrade', '--install', REL, CHART, '-n', NS, '--create-namespace', '--atomic', '--wait', '--timeout', '300s', '-f', values, '--reuse-values', '--kube-context', 'minikube'],
    ['upgrade', REL, CHART, '-n', NS, '--reuse-values', '--wait', '--timeout', '300s', '--set', 'frontend.replicaCount=2', '--set', 'backend.env.MAX_CONVERSATION_HISTORY=30', '--kube-context', 'minikube'],
    ['status', REL, '-n', NS, '-o', 'json', '--kube-context', 'minikube'],
    ['list', '-n', NS, '-o', 'json', '--kube-context', 'minikube'],
    ['history', REL, '-n', NS, '-o', 'json', '--kube-context', 'minikube'],
    ['get', 'values', REL, '-n', NS, '-o', 'json', '--kube-context', 'minikube'],
    ['get', 'values', REL, '-n', NS, '-o', 'json', '--all', '--kube-context', 'minikube'],
    ['get', 'manifest', REL, '-n', NS, '--kube-context', 'minikube'],
    ['test', REL, '-n', NS, '--timeout', '300s', '--kube-context', 'minikube'],
    ['rollback', REL, '1', '-n', NS, '--wait', '--timeout', '300s', '--kube-context', 'minikube'],
    ['uninstall', REL, '-n', NS, '--wait', '--timeout', '300s', '--ignore-not-found', '--kube-context', 'minikube'],
  ],
  docker: [
    ['version', '--format', '{{json .}}'],
    ['info', '--format', '{{json .}}'],
    ['build', '-t', 'todo-backend:abc123', '-f', join(FIXTURES, 'app/Dockerfile'), '--build-arg', 'NEXT_PUBLIC_API_URL=http://x', '--label', 'org.opencontainers.image.revision=abc', join(FIXTURES, 'app/backend')],
    ['image', 'inspect', '--format', '{{json .}}', 'todo-backend:abc123'],
    ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', 'todo-backend:abc123'],
  ],
};
/** Flags of the contract that the helm installed here predates (the stand-in emulates helm v3.16). */
const NEWER_THAN_REAL_HELM = { '--ignore-not-found': 'helm uninstall --ignore-not-found (helm ≥ 3.13)' };

for (const tool of ['kubectl', 'helm', 'docker']) {
  test(`real ${tool} parses every contract form`, { skip: !REAL[tool] && `no real ${tool} here` }, (t) => {
    for (const args of CONTRACT[tool]) {
      const r = runReal(tool, args);
      const m = PARSE_ERR.exec(r.stderr);
      const newer = tool === 'helm' && Object.keys(NEWER_THAN_REAL_HELM).find((f) => args.includes(f) && m?.[0] === `unknown flag: ${f}`);
      if (newer) { t.diagnostic(`the installed helm predates ${NEWER_THAN_REAL_HELM[newer]}; accepted by the stand-in (helm v3.16.2)`); continue; }
      assert.equal(m, null, `real ${tool} rejected: ${tool} ${args.join(' ')}\n${r.stderr}`);
    }
  });
}

test('the stand-ins accept every contract form (on a running simulated machine)', async () => {
  const m = await machine({ speed: 100 });
  try {
    assert.equal(installFixture(m, { values: ['-f', values] }).code, 0);
    const pod = m.json('kubectl', ['get', 'pods', '-n', NS, '-o', 'json', '-l', 'app.kubernetes.io/component=backend']).items[0].metadata.name;
    const envs = m.json('minikube', ['docker-env', '-p', 'minikube', '--shell', 'none', '-o', 'json']);
    for (const tool of ['docker', 'helm', 'kubectl']) {
      for (const args0 of CONTRACT[tool]) {
        const args = args0.map((a) => (a === 'PODNAME' ? pod : a));
        const r = m.run(tool, args, { env: tool === 'docker' ? envs : {} });
        assert.equal(PARSE_ERR.exec(r.stderr), null, `stand-in rejected: ${tool} ${args.join(' ')}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /sim: .* is not implemented/, `${tool} ${args.join(' ')}`);
        assert.doesNotMatch(r.stderr, /internal error/, `${tool} ${args.join(' ')}: ${r.stderr}`);
      }
    }
  } finally { m.cleanup(); }
});

const BOGUS = {
  kubectl: [['get', 'pods', '--foo'], ['get', 'pods', '-Z'], ['version', '--client', '--short'], ['logs', 'p', '--bogus'], ['scale', 'deployment/x', '--replicas=3', '--nope'], ['rollout', 'status', 'deployment/x', '--timout=5s'], ['wait', '--for=condition=Ready', 'pod', '-l', 'a=b', '--timeout', '5x'], ['exec', 'p', '--containr', 'c', '--', 'ls'], ['get', 'pods', '-n'], ['delete', 'pod', 'p', '--wait=maybe'], ['top', 'pods', '--containerz'], ['frobnicate']],
  helm: [['upgrade', '--install', 'x', CHART, '--foo'], ['status', 'x', '-Z'], ['history', 'x', '-o', 'xml'], ['list', '--bogus'], ['rollback', 'x', '1', '--wiat'], ['test', 'x', '--timeout', '5'], ['get', 'values', 'x', '--alll'], ['frobnicate']],
  docker: [['build', '--foo', '.'], ['images', '--bogus'], ['image', 'inspect', '--foo', 'x'], ['history', '--foo', 'x'], ['version', '--bogus'], ['build', '-t'], ['frobnicate']],
};
for (const tool of ['kubectl', 'helm', 'docker']) {
  test(`bogus ${tool} flags: rejected by the real parser and by the stand-in with the same message`, { skip: !REAL[tool] && `no real ${tool} here` }, async () => {
    const m = await machine();
    try {
      for (const args of BOGUS[tool]) {
        const real = runReal(tool, args);
        const sim = m.run(tool, args);
        const rm = PARSE_ERR.exec(real.stderr); const sm = PARSE_ERR.exec(sim.stderr);
        assert.ok(rm, `real ${tool} accepted ${args.join(' ')}: ${real.stderr}`);
        assert.notEqual(real.code, 0);
        assert.ok(sm, `stand-in accepted ${args.join(' ')}: ${sim.stderr}`);
        assert.equal(sim.code, real.code, `exit code for ${tool} ${args.join(' ')}`);
        assert.equal(sm[0], rm[0], `${tool} ${args.join(' ')}`);
      }
    } finally { m.cleanup(); }
  });
}
