// The registry path's pure parts and its docker argv: IMAGE_REGISTRY's grammar (refused before
// anything runs), the login with the password on stdin only, the push's digest, the remedies for
// docker's refusals, the pull secret's shape, the chart values, the proof by digest, and the
// analyzers' remedy for a pull the registry refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExec } from './helpers/fake-exec.ts';
import { registryPrefix } from '../../src/registry/reference.ts';
import { DockerRegistry, parsePushDigest, registryRemedy } from '../../src/tools/docker-registry.ts';
import { pullSecretManifest, registryValues } from '../../src/registry/install.ts';
import { proveDigest } from '../../src/cluster/image-proof.ts';
import { Remedies } from '../../src/cluster/analysis/remedies.ts';
import { UsageError } from '../../src/errors.ts';
import { redact } from '../../src/redact.ts';
import type { PlannedImage } from '../../src/images.ts';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

test('IMAGE_REGISTRY: a host with an optional namespace; empty means no registry', () => {
  assert.equal(registryPrefix('', 'IMAGE_REGISTRY'), undefined);
  assert.deepEqual(registryPrefix('ghcr.io/you', 'IMAGE_REGISTRY'), { host: 'ghcr.io', prefix: 'ghcr.io/you' });
  assert.deepEqual(registryPrefix('127.0.0.1:5000', 'IMAGE_REGISTRY'), { host: '127.0.0.1:5000', prefix: '127.0.0.1:5000' });
  assert.deepEqual(registryPrefix('localhost:5000/team/app/', 'IMAGE_REGISTRY'), {
    host: 'localhost:5000',
    prefix: 'localhost:5000/team/app',
  });
  assert.deepEqual(registryPrefix('registry.example.com/a_b/c-d', 'x'), {
    host: 'registry.example.com',
    prefix: 'registry.example.com/a_b/c-d',
  });
});

test('IMAGE_REGISTRY: a URL, a bare namespace, a tag or capitals are refused with one line and a remedy', () => {
  for (const [raw, why] of [
    ['https://ghcr.io/you', /has a scheme/],
    ['you/team', /would be read as a Docker Hub namespace \(docker\.io\/you\)/],
    ['ghcr.io/You', /"You", which is not a repository path component/],
    ['ghcr.io/you:v1', /"you:v1"/],
    ['127.0.0.1:99999', /outside 1-65535/],
    ['-bad.example.com', /does not start with a registry host/],
  ] as const) {
    assert.throws(
      () => registryPrefix(raw, 'IMAGE_REGISTRY'),
      (e: unknown) => e instanceof UsageError && why.test(e.message) && /e\.g\. ghcr\.io\/you/.test(e.remedy),
      raw,
    );
  }
});

test('docker login takes the password on stdin only; tag, push and context inspect argv', async () => {
  const exec = new RecordingExec()
    .on(['docker', 'login'], { stdout: 'Login Succeeded\n' })
    .on(['docker', 'context', 'inspect'], { stdout: 'unix:///var/run/docker.sock\n' })
    .on(['docker', 'push'], {
      stdout: `The push refers to repository [ghcr.io/you/todo-mcp]\n5f70bf18a086: Pushed\nabc123: digest: ${DIGEST} size: 1574\n`,
    });
  const registry = new DockerRegistry(exec);
  await registry.login('ghcr.io', 'you', 'hunter2-token', { DOCKER_CONFIG: '/tmp/x' });
  assert.equal(await registry.daemonHost(), 'unix:///var/run/docker.sock');
  await registry.tag('todo-mcp:abc123', 'ghcr.io/you/todo-mcp:abc123');
  assert.deepEqual(await registry.push('ghcr.io/you/todo-mcp:abc123', 'ghcr.io', undefined, 1000), { digest: DIGEST, manifestBytes: 1574 });
  assert.deepEqual(exec.argvs, [
    ['docker', 'login', 'ghcr.io', '--username', 'you', '--password-stdin'],
    ['docker', 'context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'],
    ['docker', 'tag', 'todo-mcp:abc123', 'ghcr.io/you/todo-mcp:abc123'],
    ['docker', 'push', 'ghcr.io/you/todo-mcp:abc123'],
  ]);
  assert.equal(exec.calls[0]!.input, 'hunter2-token');
  assert.deepEqual(exec.calls[0]!.env, { DOCKER_CONFIG: '/tmp/x' });
  assert.ok(!exec.argvs.flat().includes('hunter2-token'));
});

test("a refused login and a push without credentials: CommandFailed with docker's reason and a remedy that says what to fix", async () => {
  const exec = new RecordingExec()
    .on(['docker', 'login'], {
      exitCode: 1,
      stderr: 'Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized\n',
    })
    .on(['docker', 'push'], {
      exitCode: 1,
      stdout: 'The push refers to repository [127.0.0.1:5000/todo-mcp]\n',
      stderr: 'no basic auth credentials\n',
    });
  const registry = new DockerRegistry(exec);
  await assert.rejects(registry.login('127.0.0.1:5000', 'u', 'wrong-pass', {}), (e: any) => {
    assert.match(e.reason, /failed with status: 401 Unauthorized/);
    assert.match(e.remedy, /REGISTRY_USERNAME and REGISTRY_PASSWORD/);
    return true;
  });
  await assert.rejects(registry.push('127.0.0.1:5000/todo-mcp:1', '127.0.0.1:5000', undefined, 1000), (e: any) => {
    assert.equal(e.reason, 'no basic auth credentials');
    assert.match(e.remedy, /refused the credentials/);
    return true;
  });
});

test('push digest and remedies read what docker prints', () => {
  assert.equal(parsePushDigest('nothing here'), undefined);
  assert.equal(parsePushDigest(`a: digest: ${DIGEST} size: 12\n`)?.digest, DIGEST);
  assert.match(registryRemedy('http: server gave HTTP response to HTTPS client', 'r.example:5000'), /insecure-registries/);
  assert.match(registryRemedy('x509: certificate signed by unknown authority', 'r.example'), /certs\.d\/r\.example\/ca\.crt/);
  assert.match(registryRemedy('dial tcp 10.0.0.1:443: connect: connection refused', 'r.example'), /cannot reach the registry r\.example/);
  assert.match(registryRemedy('denied: requested access to the resource is denied', 'docker.io'), /does not let this user push/);
});

test('the pull secret is a dockerconfigjson Secret for the host, registered for redaction in every form', () => {
  const manifest = JSON.parse(pullSecretManifest('regcred', 'todo-app', '127.0.0.1:5000', { username: 'lane', password: 'pw-0123456789' }));
  assert.equal(manifest.type, 'kubernetes.io/dockerconfigjson');
  assert.deepEqual(manifest.metadata, {
    name: 'regcred',
    namespace: 'todo-app',
    labels: { 'app.kubernetes.io/managed-by': 'todo-chatbot-runbooks' },
  });
  const config = JSON.parse(Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString());
  assert.deepEqual(config.auths['127.0.0.1:5000'], {
    username: 'lane',
    password: 'pw-0123456789',
    auth: Buffer.from('lane:pw-0123456789').toString('base64'),
  });
  assert.doesNotMatch(redact(manifest.data['.dockerconfigjson']), /[A-Za-z0-9+/=]{40}/);
});

test('chart values for a registry: repository there, IfNotPresent, the pull secret', () => {
  const image = { component: 'mcp', registryRepository: 'ghcr.io/you/todo-mcp' } as PlannedImage;
  assert.deepEqual(registryValues([image], 'regcred'), {
    'mcp.image.repository': 'ghcr.io/you/todo-mcp',
    'mcp.image.pullPolicy': 'IfNotPresent',
    'imagePullSecrets[0].name': 'regcred',
  });
  assert.deepEqual(registryValues([{ component: 'mcp' } as PlannedImage], undefined), {});
});

test('proof by digest: every pod must run <repository>@<pushed digest>', () => {
  const repo = '127.0.0.1:5000/lane/todo-mcp';
  assert.equal(proveDigest(repo, DIGEST, [{ pod: 'a', imageID: `${repo}@${DIGEST}` }]).pass, true);
  assert.equal(proveDigest(repo, DIGEST, [{ pod: 'a', imageID: `docker-pullable://${repo}@${DIGEST}` }]).pass, true);
  const wrong = proveDigest(repo, DIGEST, [{ pod: 'a', imageID: `${repo}@sha256:${'0'.repeat(64)}` }]);
  assert.equal(wrong.pass, false);
  assert.match(wrong.measured, /^a runs /);
  assert.equal(proveDigest(repo, DIGEST, []).pass, false);
});

test('a refused pull: the remedy names the pull secret (or its absence) and 03 with the registry settings', () => {
  const remedies = new Remedies({ profile: 'minikube', namespace: 'todo-app', release: 'todo-chatbot', chartDir: 'helm/todo-chatbot' });
  assert.match(
    remedies.registryRefusedPull('127.0.0.1:5000/lane/todo-mcp:1', []),
    /^the pods have no imagePullSecrets: set IMAGE_REGISTRY, REGISTRY_USERNAME and REGISTRY_PASSWORD/,
  );
  assert.match(
    remedies.registryRefusedPull('127.0.0.1:5000/lane/todo-mcp:1', ['regcred']),
    /^the pull secret regcred holds no valid login for 127\.0\.0\.1:5000/,
  );
});
