// Secret rotation's building blocks: the in-pod commands run by a real sh (the password reaches psql
// in its environment and never on an argv; psql reads the script after the password's line), the
// digests sha256sum prints, helm's stored record decoded, the argv of the tool methods it added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { Helm } from '../../src/tools/helm.ts';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import {
  alterRoleCommand,
  alterRoleInput,
  envDigestCommand,
  parseDigests,
  passwordCheckCommand,
  passwordProblem,
} from '../../src/cluster/rotation-commands.ts';
import { decodeHelmRecord, forms } from '../../src/runbooks/steps/rotation-proof.ts';

const PASSWORD = `n3w pass'word "with" $HOME \\ and spaces`;

/** A folder with a stand-in psql that prints its argv, the variables it was given and its stdin. */
function fakePsql(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rotation-psql-'));
  writeFileSync(
    join(dir, 'psql'),
    `#!/bin/sh\nprintf 'argv:%s\\n' "$*"\nprintf 'ROTATE_PASSWORD:%s\\n' "$ROTATE_PASSWORD"\nprintf 'PGPASSWORD:%s\\n' "$PGPASSWORD"\nprintf 'stdin:'\ncat\n`,
  );
  chmodSync(join(dir, 'psql'), 0o755);
  return dir;
}

function runInSh(argv: string[], input: string, dir: string) {
  assert.equal(argv[0], 'sh');
  return spawnSync('sh', argv.slice(1), {
    input,
    encoding: 'utf8',
    env: { PATH: `${dir}:/usr/bin:/bin`, POSTGRES_USER: 'todo', POSTGRES_DB: 'todo' },
  });
}

test('ALTER ROLE: the password reaches psql as an environment variable, never an argument; psql reads the script after it', () => {
  const argv = alterRoleCommand();
  assert.ok(!argv.join(' ').includes(PASSWORD));
  const r = runInSh(argv, alterRoleInput(PASSWORD), fakePsql());
  assert.equal(r.status, 0, r.stderr);
  const [args, env, ...rest] = r.stdout.split('\n');
  assert.equal(args, 'argv:--no-psqlrc --quiet --set=ON_ERROR_STOP=1 --username=todo --dbname=todo --file=-');
  assert.equal(env, `ROTATE_PASSWORD:${PASSWORD}`, 'read -r keeps the line as typed: quotes, $ and backslashes');
  const script = rest.join('\n').replace(/^PGPASSWORD:\nstdin:/, '');
  assert.ok(!script.includes(PASSWORD), 'the script names the variable, not the value');
  assert.match(script, /^SET log_statement = 'none';\nSET log_min_error_statement = 'panic';\n\\getenv new_password ROTATE_PASSWORD\n/);
  assert.match(script, /ALTER ROLE :"role" PASSWORD :'new_password';\n$/);
});

test('the password check: PGPASSWORD from stdin, the pod IP as the one positional argument', () => {
  const argv = passwordCheckCommand('10.244.0.7');
  assert.equal(argv.at(-1), '10.244.0.7');
  const r = runInSh(argv, `${PASSWORD}\n`, fakePsql());
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^argv:--no-psqlrc --tuples-only --no-align --host=10\.244\.0\.7 --username=todo --dbname=todo --command=SELECT 1\n/,
  );
  assert.ok(r.stdout.includes(`PGPASSWORD:${PASSWORD}\n`));
});

test('passwords that cannot travel as one line are refused; others pass', () => {
  assert.match(passwordProblem('a\nb') ?? '', /line break/);
  assert.match(passwordProblem('a\rb') ?? '', /line break/);
  assert.equal(passwordProblem(PASSWORD), undefined);
});

test("the digests sha256sum prints inside a pod are the values' SHA-256, in the keys' order", () => {
  const keys = ['BETTER_AUTH_SECRET', 'DATABASE_URL'];
  const env = { BETTER_AUTH_SECRET: 'abc def', DATABASE_URL: 'postgresql://todo:p%40ss@db:5432/todo' };
  const argv = envDigestCommand(keys);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
  assert.equal(r.status, 0, r.stderr);
  const digests = parseDigests(keys, r.stdout);
  for (const k of keys)
    assert.equal(
      digests[k],
      createHash('sha256')
        .update(env[k as keyof typeof env])
        .digest('hex'),
    );
  assert.throws(() => envDigestCommand(['$(reboot)']), /not a variable name/);
  assert.throws(() => parseDigests(keys, 'garbage\n'), /unexpected sha256sum line/);
});

test("helm's stored record of a revision is decoded (base64 of gzip of JSON, inside the Secret's base64)", () => {
  const json = JSON.stringify({ name: 'todo-chatbot', config: { secrets: { OPENAI_API_KEY: 'sk-old-key' } } });
  const stored = gzipSync(Buffer.from(json)).toString('base64');
  const secret = {
    metadata: { name: 'sh.helm.release.v1.todo-chatbot.v1' },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(stored).toString('base64') },
  };
  assert.equal(decodeHelmRecord(secret), json);
  assert.equal(decodeHelmRecord({ ...secret, type: 'Opaque' }), '');
  assert.deepEqual(forms('p@ss'), ['p@ss', Buffer.from('p@ss').toString('base64'), 'p%40ss']);
});

test('the tool calls rotation adds: exec -i with input, delete of Secrets by name, helm values/manifest of a revision', async () => {
  const exec = new RecordingExec();
  const k = new Kubectl(exec, { context: 'minikube', requestTimeoutS: 20, clock: instantClock });
  const h = new Helm(exec.on(['helm', 'get', 'values'], { stdout: '{}' }), { kubeContext: 'minikube', clock: instantClock });
  await k.execIn({ pod: 'pg-0', container: 'postgresql', namespace: 'todo-app' }, ['sh', '-c', 'x'], {
    timeoutMs: 1000,
    why: 'w',
    remedy: 'r',
    input: 'secret\n',
  });
  await k.deleteSecrets(['sh.helm.release.v1.todo-chatbot.v1', 'sh.helm.release.v1.todo-chatbot.v2'], 'todo-app', 'w');
  await h.values('todo-chatbot', 'todo-app', true, 3);
  await h.manifest('todo-chatbot', 'todo-app', 3);
  const K = ['--context', 'minikube', '--request-timeout=20s'];
  assert.deepEqual(exec.argvs, [
    ['kubectl', 'exec', '-i', 'pg-0', '-c', 'postgresql', '-n', 'todo-app', ...K, '--', 'sh', '-c', 'x'],
    [
      'kubectl',
      'delete',
      'secret',
      'sh.helm.release.v1.todo-chatbot.v1',
      'sh.helm.release.v1.todo-chatbot.v2',
      '-n',
      'todo-app',
      '--ignore-not-found',
      ...K,
    ],
    ['helm', 'get', 'values', 'todo-chatbot', '-n', 'todo-app', '-o', 'json', '--all', '--revision', '3', '--kube-context', 'minikube'],
    ['helm', 'get', 'manifest', 'todo-chatbot', '-n', 'todo-app', '--revision', '3', '--kube-context', 'minikube'],
  ]);
  assert.equal(exec.calls[0]!.input, 'secret\n', 'the secret goes on stdin');
});
