// rotate-secrets on the real node (the release 01-main-path installed; sorts after 03-backup-restore,
// before 03-scaling): all three keys rotated with PostgreSQL 15's own psql, then proven here
// independently of the runbook's checks — every pod replaced, each pod's variables hashed inside
// it equal the new values', the real server takes the new password over TCP and refuses the old
// one, helm's stored records (decoded from the Secrets) hold no old value, nor does any Secret,
// ConfigMap, pod, the report or the output; the todo written before is read back. Then the lane's
// own values are rotated back, so the files after this one find the release as they expect it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import {
  LANE_DIR,
  NAMESPACE,
  NODE_BIN,
  NODE_PORTS,
  NODE_STATE,
  RELEASE,
  SECRETS,
  check,
  kubectlJson,
  missingPrerequisite,
  recordFigure,
  runRunbook,
  tail,
  type RunOutcome,
} from './harness.ts';
import { createTodo, listTodos } from '../../src/cluster/todo-api.ts';
import { envDigestCommand, parseDigests, passwordCheckCommand } from '../../src/cluster/rotation-commands.ts';
import { decodeHelmRecord, forms } from '../../src/runbooks/steps/rotation-proof.ts';
import { ROTATION_PROOF_CHECKS } from '../e2e/rotation-checks.ts';

const why = missingPrerequisite();
const BACKEND = `http://127.0.0.1:${NODE_PORTS.backend}`;
const SETTINGS = join(LANE_DIR, 'rotate-secrets.env');
const sha = (v: string) => createHash('sha256').update(v).digest('hex');

function kubectlIn(args: string[], input?: string) {
  const kubeconfig = join(NODE_STATE, 'pki', 'admin.kubeconfig');
  return spawnSync(join(NODE_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args], { encoding: 'utf8', input });
}

const pods = () => kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', `app.kubernetes.io/instance=${RELEASE}`]).items as any[];
const livePods = () => pods().filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running');

function dbTakes(password: string): boolean {
  const ip = kubectlJson(['get', 'pod', `${RELEASE}-postgresql-0`, '-n', NAMESPACE]).status.podIP;
  const r = kubectlIn(
    ['exec', '-i', `${RELEASE}-postgresql-0`, '-c', 'postgresql', '-n', NAMESPACE, '--', ...passwordCheckCommand(ip)],
    `${password}\n`,
  );
  return r.status === 0 && r.stdout.trim() === '1';
}

/** Every object of the namespace as text, helm's stored records decoded. */
function namespaceText(): string {
  const parts: string[] = [];
  for (const kind of ['secrets', 'configmaps', 'pods', 'deployments', 'statefulsets', 'replicasets']) {
    for (const o of kubectlJson(['get', kind, '-n', NAMESPACE]).items as any[]) {
      parts.push(JSON.stringify(o), decodeHelmRecord(o));
      for (const v of Object.values((o.data ?? {}) as Record<string, string>)) parts.push(Buffer.from(v, 'base64').toString('utf8'));
    }
  }
  return parts.join('\n');
}

/** Polls /ready every half second while a run goes on: how long the app could not reach its database. */
function watchReady() {
  const seen: Array<{ at: number; ok: boolean }> = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const ok = await fetch(`${BACKEND}/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      seen.push({ at: Date.now(), ok });
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    const failed = seen.filter((s) => !s.ok);
    return {
      polls: seen.length,
      failed: failed.length,
      failingSeconds: failed.length ? Math.round((failed.at(-1)!.at - failed[0]!.at) / 100) / 10 : 0,
    };
  };
}

const stepTimes = (r: RunOutcome) =>
  Object.fromEntries((r.json?.steps ?? []).map((s: { name: string; ms: number }) => [s.name, Math.round(s.ms / 100) / 10]));

test('rotate-secrets on the real node: new values in every pod and in PostgreSQL, the old ones nowhere', {
  skip: why,
  timeout: 1_500_000,
}, async () => {
  // the user's env file: the lane passes its values in the environment, so it starts empty
  writeFileSync(SETTINGS, '', { mode: 0o600 });
  let created = await createTodo(BACKEND, 'lane: written before the rotation');
  for (let i = 0; !created.ok && i < 30; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    created = await createTodo(BACKEND, 'lane: written before the rotation');
  }
  assert.ok(created.ok, JSON.stringify(created));
  const before = Object.fromEntries(livePods().map((p) => [p.metadata.name, p.metadata.uid]));
  const newKey = 'sk-cluster-lane-rotated-key-7781';

  const ready = watchReady();
  const r = await runRunbook('rotate-secrets', ['--generate', '--settings-file', SETTINGS], {
    env: { OPENAI_API_KEY: newKey },
    timeoutMs: 1_200_000,
  });
  const outage = await ready();
  assert.equal(r.exitCode, 0, tail(r));
  for (const id of ROTATION_PROOF_CHECKS) assert.equal(check(r, id)?.status, 'pass', `${id}: ${check(r, id)?.measured}`);
  const fresh = { ...parse(readFileSync(SETTINGS, 'utf8')), OPENAI_API_KEY: newKey } as Record<string, string>;
  assert.notEqual(fresh.POSTGRES_PASSWORD, SECRETS.POSTGRES_PASSWORD);
  assert.notEqual(fresh.BETTER_AUTH_SECRET, SECRETS.BETTER_AUTH_SECRET);

  // Every pod replaced, and each one's variables, hashed inside it, are the new values.
  const after = livePods();
  assert.equal(after.length, Object.keys(before).length, after.map((p) => p.metadata.name).join(', '));
  for (const p of after) assert.ok(!Object.values(before).includes(p.metadata.uid), `${p.metadata.name} is from before`);
  const secret = kubectlJson(['get', 'secret', `${RELEASE}-secrets`, '-n', NAMESPACE]);
  const url = Buffer.from(secret.data.DATABASE_URL, 'base64').toString('utf8');
  assert.equal(decodeURIComponent(new URL(url).password), fresh.POSTGRES_PASSWORD);
  const expected: Record<string, string> = { ...fresh, DATABASE_URL: url };
  let compared = 0;
  for (const p of after) {
    const c = p.spec.containers[0];
    const keys = (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.key).filter(Boolean) as string[];
    const out = kubectlIn(['exec', p.metadata.name, '-c', c.name, '-n', NAMESPACE, '--', ...envDigestCommand(keys)]);
    assert.equal(out.status, 0, out.stderr);
    const digests = parseDigests(keys, out.stdout);
    for (const k of keys) {
      assert.equal(digests[k], sha(expected[k]!), `${p.metadata.name} ${k}`);
      compared++;
    }
  }

  // The real PostgreSQL: the new password in, the old one out; neither in its log.
  assert.ok(dbTakes(fresh.POSTGRES_PASSWORD!), 'the server takes the new password');
  assert.ok(!dbTakes(SECRETS.POSTGRES_PASSWORD), 'the server refuses the old password');
  const log = kubectlIn(['logs', `${RELEASE}-postgresql-0`, '-n', NAMESPACE]).stdout;
  for (const v of [fresh.POSTGRES_PASSWORD!, SECRETS.POSTGRES_PASSWORD]) assert.ok(!log.includes(v), 'no password in the server log');

  // Old values nowhere: every object of the namespace (helm's records decoded), one helm record left.
  const records = kubectlJson(['get', 'secrets', '-n', NAMESPACE, '-l', `owner=helm,name=${RELEASE}`]).items as any[];
  assert.equal(records.length, 1, records.map((s) => s.metadata.name).join(', '));
  assert.ok(decodeHelmRecord(records[0]).includes(fresh.POSTGRES_PASSWORD!), 'the decoded record is readable and has the new value');
  const text = namespaceText();
  for (const v of Object.values(SECRETS)) for (const f of forms(v)) assert.ok(!text.includes(f), 'an old value is left in the namespace');
  for (const out of [r.markdown, JSON.stringify(r.json), r.stdout, r.stderr])
    for (const v of [...Object.values(SECRETS), ...Object.values(fresh)]) assert.ok(!out.includes(v), 'a value in the report or output');

  const todos = await listTodos(BACKEND, 10_000);
  assert.ok(todos.ok && todos.todos.some((t) => t.title === 'lane: written before the rotation'), JSON.stringify(todos));
  recordFigure('rotate-secrets', {
    seconds: Math.round(r.ms / 1000),
    steps: stepTimes(r),
    podKeyDigests: compared,
    readyDuringRotation: outage,
  });

  // Back to the lane's own values (a second rotation, from the environment), for the files after this one.
  const back = await runRunbook('rotate-secrets', ['--settings-file', SETTINGS], { timeoutMs: 1_200_000 });
  assert.equal(back.exitCode, 0, tail(back));
  for (const id of ROTATION_PROOF_CHECKS) assert.equal(check(back, id)?.status, 'pass', `back: ${id}: ${check(back, id)?.measured}`);
  assert.ok(dbTakes(SECRETS.POSTGRES_PASSWORD) && !dbTakes(fresh.POSTGRES_PASSWORD!));
  const textBack = namespaceText();
  for (const v of Object.values(fresh)) for (const f of forms(v)) assert.ok(!textBack.includes(f), 'a rotated-out value is left');
  recordFigure('rotate-secrets back', { seconds: Math.round(back.ms / 1000), steps: stepTimes(back) });
  rmSync(SETTINGS, { force: true });
});
