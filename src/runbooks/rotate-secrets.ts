// Runbook rotate-secrets: gives BETTER_AUTH_SECRET, OPENAI_API_KEY and the in-chart PostgreSQL's
// password new values and proves it. New values come from the environment, the env file or a
// masked prompt (as 03 reads them), or are generated (--generate); every refusal comes before any
// change (exit 2). The database password is changed inside the database first (ALTER ROLE: the
// server reads POSTGRES_PASSWORD only on its first start), then the Secret through the same path
// 03 uses (helm upgrade with the release's values and the new secrets in a 0600 values file,
// --atomic --wait), which rolls every workload whose pod template checksum covers a changed key. If the
// upgrade fails, helm rolls the Secret back and the runbook puts the old password back in the
// database. Then: the pods rolled, each sees the new value, the database takes only the new
// password, the app answers and reads a todo written before, helm's older revisions (which hold
// the old values in their stored values) are deleted, and no old value is left in the namespace.
import { resolve } from 'node:path';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { objectName, requireRelease } from './steps/release.ts';
import { findDatabase, type DatabaseTarget } from '../cluster/backup-target.ts';
import { dataCheckFor } from '../cluster/data-check.ts';
import { probeHttpRepeated } from '../cluster/smoke.ts';
import type { Todo } from '../cluster/todo-api.ts';
import { connect } from './steps/drill.ts';
import { writePrivateValues } from './steps/private-values.ts';
import { envFilePath, gatherNewValues, keepEnvFileInStep, rotationKeys, type NewValue } from './steps/rotation-values.ts';
import { checkDatabaseBefore, proveDatabasePassword, revertRolePassword, rotateRolePassword } from './steps/rotation-database.ts';
import {
  checkPodValues,
  checkRolled,
  findOldValues,
  forms,
  readersOf,
  snapshotWorkloads,
  waitSettled,
  type Workload,
} from './steps/rotation-proof.ts';
import { registerSecret } from '../redact.ts';
import { saveToEnvFile } from '../secrets.ts';
import { readFileSync, existsSync } from 'node:fs';
import { Interrupted, UsageError, attempt } from '../errors.ts';

const HEALTHY_WAIT_MS = 180_000;

interface Current {
  /** Each rotated key's value now, in the Secret and in helm's stored values (one or two). */
  byKey: Record<string, string[]>;
  /** The Secret's whole data, decoded. */
  secret: Record<string, string>;
}

async function readCurrent(ctx: RunbookContext, keys: string[]): Promise<Current> {
  const { namespace, release } = ctx.settings;
  const values = (await ctx.tools.helm.values(release, namespace)) as {
    existingSecret?: string;
    postgresql?: { enabled?: boolean };
    secrets?: Record<string, unknown>;
  };
  if (values.existingSecret)
    throw new UsageError(
      `release ${release} reads the Secret ${values.existingSecret}, made outside Helm; nothing was changed`,
      `change that Secret yourself (kubectl create secret generic ${values.existingSecret} --from-env-file=… --dry-run=client -o yaml | kubectl apply -f -), then kubectl rollout restart deployment -n ${namespace}`,
    );
  if (values.postgresql?.enabled === false && keys.includes('POSTGRES_PASSWORD'))
    throw new UsageError(
      `release ${release} uses an external database (postgresql.enabled=false): its password is not this chart's to rotate; nothing was changed`,
      "change the password at your database's provider, put the new DATABASE_URL in .env and run 03-install; rotate the other keys with --keys BETTER_AUTH_SECRET,OPENAI_API_KEY",
    );
  const name = objectName(ctx, 'secrets');
  const found = await ctx.tools.kubectl.get('secret', name, namespace);
  ctx.require({
    id: 'ROTATE-SECRET-FOUND',
    title: "the release's Secret exists",
    expected: `Secret ${name}`,
    measured: found ? 'found' : 'not found',
    pass: Boolean(found),
    remedy: `run npx zx runbooks/03-install.mjs to put it back`,
  });
  const secret = Object.fromEntries(Object.entries(found?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  const byKey: Record<string, string[]> = {};
  for (const key of [...keys, ...(keys.includes('POSTGRES_PASSWORD') ? ['DATABASE_URL'] : [])]) {
    const stored = values.secrets?.[key];
    byKey[key] = [...new Set([secret[key], typeof stored === 'string' ? stored : undefined].filter((v): v is string => Boolean(v)))];
    for (const v of byKey[key]) registerSecret(v);
  }
  return { byKey, secret };
}

/** The app's own answer: /health, /ready and the todo written before the rotation. */
async function writeProbeTodo(ctx: RunbookContext, driver: string): Promise<Todo> {
  const access = await connect(ctx, driver);
  try {
    const check = dataCheckFor(ctx.settings, access);
    const written = await check.write(`rotate-secrets probe ${new Date(ctx.clock.now()).toISOString()}`);
    ctx.require({
      id: 'ROTATE-TODO-BEFORE',
      title: 'a todo written before the rotation',
      expected: check.writes,
      measured: written.ok ? `written: "${written.todo.title}"` : written.error,
      pass: written.ok,
      remedy: 'the app must work before its secrets are rotated: run 06-ai-diagnostics',
    });
    return (written as { ok: true; todo: Todo }).todo;
  } finally {
    await access.close();
  }
}

async function checkApp(ctx: RunbookContext, driver: string, todo: Todo): Promise<void> {
  const { namespace } = ctx.settings;
  await waitSettled(ctx, HEALTHY_WAIT_MS);
  const access = await connect(ctx, driver);
  try {
    for (const path of ['/health', '/ready']) {
      const r = await probeHttpRepeated(`${access.backend}${path}`, 10_000, 3);
      ctx.check({
        id: `ROTATE-APP-${path.slice(1).toUpperCase()}`,
        title: `backend ${path} after the rotation`,
        expected: '200',
        measured: r.ok ? `${r.status}` : `${r.status ?? r.error} ${r.body.slice(0, 100)}`,
        pass: r.ok,
        remedy: `kubectl logs deploy/${objectName(ctx, 'backend')} -n ${namespace} --context ${ctx.tools.kubectl.context}`,
      });
    }
    const check = dataCheckFor(ctx.settings, access);
    let found = await check.find(todo);
    for (let i = 0; i < 5 && !found.ok; i++) {
      await ctx.clock.sleep(2000);
      found = await check.find(todo);
    }
    ctx.check({
      id: 'ROTATE-TODO-AFTER',
      title: 'the todo written before is still readable',
      expected: check.reads(todo),
      measured: found.ok ? found.detail : `the app did not answer: ${found.error}`,
      pass: found.ok && found.found,
      remedy: `the app cannot read its database: kubectl logs deploy/${objectName(ctx, 'backend')} -n ${namespace}`,
    });
    if (found.ok && found.found) await check.remove(todo);
  } finally {
    await access.close();
  }
}

/**
 * helm upgrade with the release's own values (`helm get values`) and the new secrets.* in a 0600
 * file, --atomic --wait. Not --reuse-values: helm then stores the old computed values, old secrets
 * and all, as the new revision's chart defaults (helm v3 pkg/action/upgrade.go reuseValues:
 * `chart.Values = oldVals`), so the record of the new revision would keep the old values.
 */
async function upgradeSecret(ctx: RunbookContext, values: NewValue[]) {
  const { release, namespace, timeoutMs, chartDir } = ctx.settings;
  const config = await ctx.tools.helm.values(release, namespace);
  const secrets = {
    ...((config.secrets as Record<string, unknown> | undefined) ?? {}),
    ...Object.fromEntries(values.map((v) => [v.key, v.value])),
  };
  const file = writePrivateValues(ctx, { ...config, secrets });
  const started = ctx.clock.now();
  const r = await attempt(
    ctx.tools.helm.upgrade({ release, chart: resolve(PROJECT_ROOT, chartDir), namespace, timeoutMs, atomic: true, valuesFiles: [file] }),
  );
  ctx.span('rotation', 'helm upgrade', started, ctx.clock.now());
  return r;
}

/** Deletes every stored revision but the current one: each holds the values it was made with. */
async function pruneHistory(ctx: RunbookContext): Promise<void> {
  const { release, namespace } = ctx.settings;
  const history = await ctx.tools.helm.history(release, namespace);
  const current = Math.max(...history.map((h) => h.revision));
  const older = history.filter((h) => h.revision !== current).map((h) => `sh.helm.release.v1.${release}.v${h.revision}`);
  if (older.length)
    await ctx.tools.kubectl.deleteSecrets(
      older,
      namespace,
      `delete helm's records of revisions before ${current}: they hold the old values`,
    );
  const after = await ctx.tools.helm.history(release, namespace);
  ctx.check({
    id: 'ROTATE-HISTORY',
    title: 'helm keeps no revision with the old values',
    expected: `only revision ${current}`,
    measured: `${older.length} older revision(s) deleted; helm history lists ${after.map((h) => h.revision).join(', ')}`,
    pass: after.length === 1 && after[0]!.revision === current,
    remedy: `kubectl get secrets -n ${namespace} -l owner=helm,name=${release} --context ${ctx.tools.kubectl.context}`,
  });
  ctx.note(`helm rollback to a revision before ${current} is no longer possible (it would also put the old secrets back)`);
}

async function checkOldGone(ctx: RunbookContext, old: Record<string, string[]>, keepHistory: boolean): Promise<void> {
  const { found, searched } = await findOldValues(ctx, old);
  const path = envFilePath(ctx);
  const file = existsSync(path) ? readFileSync(path, 'utf8') : '';
  for (const [key, values] of Object.entries(old))
    if (values.some((v) => forms(v).some((f) => file.includes(f)))) found.push(`${path}: ${key}`);
  const onlyHistory = found.length > 0 && found.every((f) => f.startsWith('helm revision'));
  ctx.check({
    id: 'ROTATE-OLD-GONE',
    title: 'the old values are nowhere in the namespace, helm or the env file',
    expected: 'no old value (as is, base64 or URL-encoded) found',
    measured: found.length ? `found in: ${found.join('; ')}` : `none found in ${[...searched, path].join('; ')}`,
    pass: found.length === 0 ? 'pass' : keepHistory && onlyHistory ? 'warn' : 'fail',
    remedy: keepHistory
      ? `--keep-history kept helm's older revisions, which hold the old values: run again without it, or delete sh.helm.release.v1.${ctx.settings.release}.v<N> Secrets`
      : 'remove the objects named, or report this',
  });
}

/** After a handled failure: the keys written to the env file get the values the release has again. */
function restoreEnvFile(ctx: RunbookContext, written: string[], current: Current): void {
  const restore = Object.fromEntries(written.map((k) => [k, current.byKey[k]?.[0] ?? '']).filter(([, v]) => v));
  if (!Object.keys(restore).length) return;
  saveToEnvFile(envFilePath(ctx), restore);
  ctx.note(`put the old ${Object.keys(restore).join(', ')} back in ${envFilePath(ctx)}`);
}

export const rotateSecrets: RunbookDefinition = {
  id: 'rotate-secrets',
  title: 'Rotate secrets: auth secret, API key and the database password, with proof',
  summary:
    "Gives BETTER_AUTH_SECRET, OPENAI_API_KEY and the in-chart PostgreSQL's password new values (from the environment, .env, a masked prompt, or --generate): ALTER ROLE inside the database, the Secret through helm upgrade, then proves the pods rolled and see the new values, the app works, and the old values are nowhere.",
  flags: [
    {
      name: 'keys',
      type: 'string',
      description: 'which keys to rotate, comma-separated (default BETTER_AUTH_SECRET,OPENAI_API_KEY,POSTGRES_PASSWORD)',
    },
    { name: 'generate', type: 'boolean', description: 'make new random values for BETTER_AUTH_SECRET and POSTGRES_PASSWORD' },
    { name: 'keep-history', type: 'boolean', description: "keep helm's older revisions (they still hold the old values)" },
  ],
  async run(ctx) {
    const keys = rotationKeys(ctx);
    await ctx.step('Check the cluster and the release', 'the rotation changes the running release', async () => {
      await requireCluster(ctx);
      const status = await requireRelease(ctx);
      ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
    });
    const current = await ctx.step('Read the current values', 'what is replaced (never shown); refusals come before any change', () =>
      readCurrent(ctx, keys),
    );
    const values = await ctx.step('Gather and validate the new values', 'checked before anything changes', () =>
      gatherNewValues(ctx, keys, current.byKey),
    );
    const password = values.find((v) => v.key === 'POSTGRES_PASSWORD');
    let db: DatabaseTarget | undefined;
    if (password) {
      db = await ctx.step('Find the database', 'its password is changed inside it', () => findDatabase(ctx));
      await ctx.step('Check the database takes the current password', 'a rotation that stopped half-way is finished by this one', () =>
        checkDatabaseBefore(ctx, db!, current.secret.POSTGRES_PASSWORD ?? ''),
      );
    }
    const changed = [...keys, ...(password ? ['DATABASE_URL'] : [])];
    const before: Workload[] = await ctx.step(
      'Record the workloads and their pods',
      'to prove afterwards that each that reads a rotated key rolled',
      () => snapshotWorkloads(ctx),
    );
    const readers = readersOf(before, changed).map((w) => w.component);
    const go = await ctx.confirm(
      `Rotate ${keys.join(', ')} of ${ctx.settings.release} now? ${readers.join(', ')} restart${password ? '; the database password changes first' : ''}.`,
      { default: false, whenNonInteractive: true },
    );
    if (!go) throw new Interrupted('you chose not to rotate; nothing was changed');
    const driver = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile)?.driver ?? ctx.settings.driver;
    const todo = await ctx.step('Write a todo', 'it must still be readable after the rotation', () => writeProbeTodo(ctx, driver));
    const written = await ctx.step('Keep the env file in step', '03-install must not put an old value back', () =>
      keepEnvFileInStep(ctx, values),
    );
    if (db && password)
      await ctx
        .step('Change the password inside the database', 'PostgreSQL reads POSTGRES_PASSWORD only on its first start', () =>
          rotateRolePassword(ctx, db!, password.value),
        )
        .catch((error: unknown) => {
          // psql refused: nothing changed, so the env file gets its old values back (not on Ctrl-C:
          // the ALTER may have happened, and a run again with the file's new values finishes it)
          if (!(error instanceof Interrupted)) restoreEnvFile(ctx, written, current);
          throw error;
        });
    const upgraded = await ctx.step(
      'Update the Secret and roll the pods',
      "helm upgrade with the release's values and the new secrets in a 0600 file, --atomic --wait",
      () => upgradeSecret(ctx, values),
    );
    if (!upgraded.ok) {
      await ctx.step('Undo the rotation', 'helm rolled the Secret back; the database and the env file follow it', async () => {
        const oldPassword = current.secret.POSTGRES_PASSWORD;
        if (db && password && oldPassword) await revertRolePassword(ctx, db, oldPassword);
        restoreEnvFile(ctx, written, current);
      });
      ctx.require({
        id: 'ROTATE-UPGRADE',
        title: 'helm upgrade with the new values',
        expected: 'release deployed, every pod Ready within --timeout',
        measured: upgraded.error.reason || `exit ${upgraded.error.exitCode}`,
        pass: false,
        remedy: `helm rolled back to the old values; see why the new pods did not become Ready (06-ai-diagnostics), then run again. ${upgraded.error.remedy}`,
      });
      return;
    }
    ctx.check({
      id: 'ROTATE-UPGRADE',
      title: 'helm upgrade with the new values',
      expected: 'release deployed',
      measured: 'deployed',
      pass: true,
    });
    const expected: Record<string, string> = Object.fromEntries(values.map((v) => [v.key, v.value]));
    await ctx.step(
      'Prove the pods rolled and see the new values',
      'pod UIDs, checksum/secret, and a SHA-256 of each value inside each pod',
      async () => {
        ctx.fact('pods after the rollout', await waitSettled(ctx, HEALTHY_WAIT_MS));
        const after = await snapshotWorkloads(ctx);
        checkRolled(ctx, before, after, changed);
        if (password) {
          const secret = await ctx.tools.kubectl.get('secret', objectName(ctx, 'secrets'), ctx.settings.namespace);
          const url = Buffer.from(secret?.data?.DATABASE_URL ?? '', 'base64').toString('utf8');
          registerSecret(url);
          ctx.check({
            id: 'ROTATE-DATABASE-URL',
            title: "the Secret's DATABASE_URL carries the new password",
            expected: 'the password in the URL is the new one',
            measured: url && decodeURIComponent(new URL(url).password) === password.value ? 'it does' : 'it does not',
            pass: Boolean(url) && decodeURIComponent(new URL(url).password) === password.value,
            remedy: 'report this: the chart derives DATABASE_URL from secrets.POSTGRES_PASSWORD',
          });
          expected.DATABASE_URL = url;
        }
        await checkPodValues(ctx, after, expected);
      },
    );
    if (db && password)
      await ctx.step('Prove the database password', 'over TCP, where the server asks for it', () =>
        proveDatabasePassword(ctx, db!, password.value, current.byKey.POSTGRES_PASSWORD ?? []),
      );
    await ctx.step('Check the app', 'health, readiness (a database round trip) and the todo written before', () =>
      checkApp(ctx, driver, todo),
    );
    const keepHistory = ctx.flag('keep-history') === true;
    if (!keepHistory) await ctx.step("Delete helm's older revisions", 'each stores the values it was made with', () => pruneHistory(ctx));
    await ctx.step('Look for the old values', 'Secrets, ConfigMaps, pod specs, helm history, the env file', () =>
      checkOldGone(ctx, current.byKey, keepHistory),
    );
  },
};
