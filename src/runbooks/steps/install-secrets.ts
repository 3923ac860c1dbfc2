// 03's secrets: gathered and validated before anything changes, written only to a 0600 values
// file in a private temp folder, and afterwards proven to live only in the cluster's Secret.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { PROJECT_ROOT } from '../../runbook.ts';
import { resolveSecrets, saveToEnvFile, type ResolvedSecret } from '../../secrets.ts';
import { secretSpecs } from './app-secrets.ts';
import { resolveExtraSecrets, secretKeyLists } from './extra-secrets.ts';
import { componentName } from '../../cluster/names.ts';
import { nameValues } from '../../cluster/release-values.ts';
import { writePrivateValues } from './private-values.ts';

export async function gatherSecrets(ctx: RunbookContext): Promise<{ values: Record<string, ResolvedSecret>; externalDatabase: boolean }> {
  const env = process.env;
  const file = ctx.config.fileEnv;
  const hasUrl = Boolean(env.DATABASE_URL || file.DATABASE_URL);
  const externalDatabase =
    hasUrl ||
    (await ctx.choose(
      'Which database?',
      [
        { value: 'in-chart', name: 'PostgreSQL inside the cluster (StatefulSet with a volume)' },
        { value: 'external', name: 'an external PostgreSQL (DATABASE_URL, e.g. Neon)' },
      ],
      'in-chart',
    )) === 'external';
  const values = await resolveSecrets(secretSpecs(externalDatabase), {
    env,
    fileEnv: file,
    interactive: ctx.interactive,
    prompter: {
      password: (message, validate) => ctx.secretPrompt(message, validate),
      choose: (message, choices) => ctx.choose(message, choices, 'type'),
    },
  });
  Object.assign(values, resolveExtraSecrets(ctx.settings.extraSecretKeys, env, file));
  for (const [key, s] of Object.entries(values)) ctx.fact(`secret ${key}`, `from ${s.source} (value masked)`);
  const prompted = Object.entries(values).filter(([, s]) => s.source === 'prompt' || s.source === 'generated');
  if (prompted.length) {
    const path = ctx.config.envFile ?? resolve(process.cwd(), '.env');
    // A generated value exists nowhere else, and the in-chart database keeps the password it was created with.
    const generated = prompted.some(([, s]) => s.source === 'generated');
    if (
      await ctx.confirm(
        `Save ${prompted.map(([k]) => k).join(', ')} to ${path} (mode 0600) for next time?${generated ? ' Generated values are kept nowhere else.' : ''}`,
        { default: generated, whenNonInteractive: false },
      )
    ) {
      saveToEnvFile(path, Object.fromEntries(prompted.map(([k, s]) => [k, s.value])));
      ctx.note(`saved ${prompted.length} secret(s) to ${path} with mode 0600`);
    }
  }
  return { values, externalDatabase };
}

/** The only place secret values are written: a 0600 file in a private temp dir, removed in cleanup. */
export function writeSecretValues(ctx: RunbookContext, secrets: Record<string, ResolvedSecret>, externalDatabase: boolean): string {
  return writePrivateValues(ctx, {
    postgresql: { enabled: !externalDatabase },
    secrets: Object.fromEntries(
      Object.entries(secrets)
        .filter(([, s]) => s.value)
        .map(([k, s]) => [k, s.value]),
    ),
    // The components that read an extra key get it added to their secretKeys (key names only).
    ...secretKeyLists(ctx.settings.extraSecretKeys, resolve(PROJECT_ROOT, ctx.settings.chartDir), ctx.settings.valuesFiles),
  });
}

export async function checkSecretHygiene(ctx: RunbookContext, secrets: Record<string, ResolvedSecret>): Promise<void> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const present = Object.entries(secrets).filter(([, s]) => s.value);
  ctx.check({
    id: 'SECRETS-ARGV',
    title: 'no secret on any command line',
    expected: '0 commands',
    measured: `${ctx.exec.secretsInArgv} command(s) carried a secret`,
    pass: ctx.exec.secretsInArgv === 0,
    remedy: 'report this as a bug: secrets must go through the values file',
  });
  const configMaps = JSON.stringify(await kubectl.list('configmaps', ns));
  const leaked = present
    .filter(([, s]) => configMaps.includes(s.value) || configMaps.includes(Buffer.from(s.value).toString('base64')))
    .map(([k]) => k);
  ctx.check({
    id: 'SECRETS-CONFIGMAP',
    title: 'no secret in any ConfigMap',
    expected: 'none',
    measured: leaked.length ? `found: ${leaked.join(', ')}` : `${present.length} secret(s) absent from every ConfigMap`,
    pass: leaked.length === 0,
    remedy: 'move the key from <component>.env to secrets.<KEY>',
  });
  // 03 installs without --reuse-values: a name override can come only from the user's values files.
  const secret = await kubectl.get('secret', componentName(ctx.settings.release, 'secrets', nameValues(ctx.settings.valuesFiles)), ns);
  const data = secret?.data ?? {};
  const wrong = present.filter(([k, s]) => Buffer.from(data[k] ?? '', 'base64').toString('utf8') !== s.value).map(([k]) => k);
  ctx.check({
    id: 'SECRETS-IN-SECRET',
    title: "secrets reached the cluster's Secret unchanged",
    expected: present.map(([k]) => k).join(', '),
    measured: !secret ? 'Secret not found' : wrong.length ? `differs: ${wrong.join(', ')}` : 'all present and identical',
    pass: Boolean(secret) && wrong.length === 0,
    remedy: 'check existingSecret / secrets.* in your values',
  });
}
