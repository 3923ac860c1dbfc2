// The new values of a secret rotation: which keys (--keys), where each new value comes from (the
// environment, the env file or a masked prompt, as 03 reads secrets; or made here with
// --generate), and the refusals that come before any change (exit 2): an unknown key, a value
// that fails its check, a "new" value that is the one the release already has.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { resolveSecrets, saveToEnvFile, type ResolvedSecret, type SecretSpec } from '../../secrets.ts';
import { registerSecret } from '../../redact.ts';
import { UsageError } from '../../errors.ts';
import { secretSpecs } from './app-secrets.ts';
import { passwordProblem } from '../../cluster/rotation-commands.ts';

export const ROTATABLE = ['BETTER_AUTH_SECRET', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD'] as const;
export type RotatableKey = (typeof ROTATABLE)[number];

export interface NewValue {
  key: RotatableKey;
  value: string;
  source: ResolvedSecret['source'];
}

/** --keys: a comma-separated subset of ROTATABLE (all three when absent). */
export function rotationKeys(ctx: RunbookContext): RotatableKey[] {
  const flag = ctx.flag('keys');
  if (flag === undefined) return [...ROTATABLE];
  const keys = (typeof flag === 'string' ? flag : '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = keys.filter((k) => !(ROTATABLE as readonly string[]).includes(k));
  if (!keys.length || unknown.length)
    throw new UsageError(
      `--keys ${unknown.length ? `names a key this runbook does not rotate: ${unknown.join(', ')}` : 'needs at least one key'}`,
      `choose from ${ROTATABLE.join(', ')}, joined with "," (DATABASE_URL follows POSTGRES_PASSWORD)`,
    );
  return [...new Set(keys)] as RotatableKey[];
}

/** The catalogue's check for each key (03's), with the password's own limits on top. */
function specFor(key: RotatableKey): SecretSpec {
  const spec = secretSpecs(false).find((s) => s.key === key)!;
  if (key !== 'POSTGRES_PASSWORD') return spec;
  return { ...spec, validate: (v) => spec.validate(v) ?? passwordProblem(v) };
}

/**
 * Each key's new value, validated. `current` holds the values the release has now: a new value
 * equal to one of them is refused, since nothing would rotate.
 */
export async function gatherNewValues(ctx: RunbookContext, keys: RotatableKey[], current: Record<string, string[]>): Promise<NewValue[]> {
  const generate = ctx.flag('generate') === true;
  const out: NewValue[] = [];
  for (const key of keys) {
    const spec = specFor(key);
    let secret: ResolvedSecret;
    if (generate && spec.generate) secret = { value: spec.generate(), source: 'generated' };
    else {
      const resolved = await resolveSecrets([{ ...spec, optional: false }], {
        env: process.env,
        fileEnv: ctx.config.fileEnv,
        interactive: ctx.interactive,
        prompter: {
          password: (message, validate) => ctx.secretPrompt(`new ${message}`, validate),
          choose: (message, choices) => ctx.choose(`new ${message}`, choices, 'generate'),
        },
      });
      secret = resolved[key]!;
    }
    registerSecret(secret.value);
    if ((current[key] ?? []).includes(secret.value))
      throw new UsageError(
        `${key}: the value from ${secret.source === 'env-file' ? 'the env file' : `the ${secret.source}`} is the one the release already has; nothing was changed`,
        spec.generate
          ? `put the new value in the environment or ${envFilePath(ctx)}, or add --generate to make one`
          : `put the new value in the environment or ${envFilePath(ctx)} (${spec.remedy})`,
      );
    ctx.fact(`new ${key}`, `from ${secret.source} (value masked)`);
    out.push({ key, value: secret.value, source: secret.source });
  }
  return out;
}

export function envFilePath(ctx: RunbookContext): string {
  return ctx.config.envFile ?? resolve(process.cwd(), '.env');
}

/**
 * The env file must not keep an old value (03-install would put it back, and with the database
 * password that breaks the app), and a generated value must exist somewhere before it is used:
 * each new value that the file holds differently, or that was generated or typed here, is
 * written to it (0600) before anything in the cluster changes. Values from the environment are
 * written only where the file already has the key.
 */
export async function keepEnvFileInStep(ctx: RunbookContext, values: NewValue[]): Promise<string[]> {
  const path = envFilePath(ctx);
  const file = ctx.config.fileEnv;
  const write = values.filter((v) =>
    v.source === 'generated' || v.source === 'prompt' ? file[v.key] !== v.value : file[v.key] !== undefined && file[v.key] !== v.value,
  );
  if (!write.length) return [];
  const keys = write.map((v) => v.key);
  const ok = await ctx.confirm(`Write the new ${keys.join(', ')} to ${path} (mode 0600) before the cluster changes?`, {
    default: true,
    whenNonInteractive: true,
  });
  if (!ok) {
    if (write.some((v) => v.source === 'generated'))
      throw new UsageError(
        'a generated value must be kept somewhere before it is used; nothing was changed',
        'answer yes, or put your own values in the environment and run again',
      );
    ctx.note(`${path} still holds the old ${keys.join(', ')}: update it before you run 03-install again`, 'warn');
    return [];
  }
  saveToEnvFile(path, Object.fromEntries(write.map((v) => [v.key, v.value])));
  ctx.note(`wrote the new ${keys.join(', ')} to ${path} (mode 0600)`);
  return keys;
}
