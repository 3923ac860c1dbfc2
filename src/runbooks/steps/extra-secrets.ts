// Secret keys beyond the four the runbooks know (CHATKIT_WORKFLOW_ID, JWT_SECRET, GEMINI_API_KEY,
// …), named in EXTRA_SECRET_KEYS as KEY or KEY:component+component (backend when none is named).
// Their values come from the environment or .env like the others, travel only in 03's 0600
// values file, land in the chart's Secret and are added to the secretKeys of the components
// named, so those containers get them as variables (secretKeyRef).
import { UsageError } from '../../errors.ts';
import { registerSecret } from '../../redact.ts';
import type { ResolvedSecret } from '../../secrets.ts';
import { effectiveValues } from '../../cluster/release-values.ts';

const COMPONENTS = ['frontend', 'backend', 'mcp'] as const;
type Component = (typeof COMPONENTS)[number];
/** Keys 03 already asks for itself, with their own checks. */
const OWN_KEYS = ['DATABASE_URL', 'POSTGRES_PASSWORD', 'BETTER_AUTH_SECRET', 'OPENAI_API_KEY'];

export interface ExtraSecretKey {
  key: string;
  components: Component[];
}

/** Parses EXTRA_SECRET_KEYS; a malformed entry is a usage error (exit 2, nothing changed). */
export function parseExtraSecretKeys(raw: string, name: string): ExtraSecretKey[] {
  const out: ExtraSecretKey[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [key = '', list] = entry.split(':');
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key))
      throw new UsageError(
        `${name}: "${key}" is not an environment variable name`,
        'use upper-case letters, digits and "_", e.g. EXTRA_SECRET_KEYS=CHATKIT_WORKFLOW_ID,JWT_SECRET:backend+frontend',
      );
    if (OWN_KEYS.includes(key))
      throw new UsageError(
        `${name}: ${key} is already one of the runbooks' own secrets`,
        `leave ${key} out of ${name}; 03 asks for it itself`,
      );
    const components = (list === undefined ? ['backend'] : list.split('+').map((c) => c.trim())) as Component[];
    const unknown = components.filter((c) => !COMPONENTS.includes(c));
    if (!components.length || unknown.length)
      throw new UsageError(
        `${name}: ${entry} names an unknown component "${unknown.join('", "')}"`,
        `name components from ${COMPONENTS.join(', ')}, joined with "+" (KEY:backend+mcp)`,
      );
    out.push({ key, components });
  }
  return out;
}

/** Each extra key's value from the environment or the env file; a missing one stops the run. */
export function resolveExtraSecrets(
  extra: ExtraSecretKey[],
  env: NodeJS.ProcessEnv,
  fileEnv: Record<string, string>,
): Record<string, ResolvedSecret> {
  const out: Record<string, ResolvedSecret> = {};
  for (const { key } of extra) {
    const secret: ResolvedSecret | undefined = env[key]
      ? { value: env[key]!, source: 'environment' }
      : fileEnv[key]
        ? { value: fileEnv[key]!, source: 'env-file' }
        : undefined;
    if (!secret)
      throw new UsageError(
        `${key} is listed in EXTRA_SECRET_KEYS but not set`,
        `set ${key} in the environment or in .env, or remove it from EXTRA_SECRET_KEYS`,
      );
    registerSecret(secret.value);
    out[key] = secret;
  }
  return out;
}

/**
 * The secretKeys lists to send: for each component that gets an extra key, the list the release
 * would otherwise have (the chart's default, or the user's values files, the last one that sets it
 * winning, as helm merges them) with the extra keys added. Helm replaces lists rather than
 * merging them, so the whole list is sent.
 */
export function secretKeyLists(extra: ExtraSecretKey[], chartDir: string, valuesFiles: string[]): Record<string, { secretKeys: string[] }> {
  const values = effectiveValues(chartDir, valuesFiles) as Record<string, { secretKeys?: unknown } | undefined>;
  const out: Record<string, { secretKeys: string[] }> = {};
  for (const component of COMPONENTS) {
    const adds = extra.filter((e) => e.components.includes(component)).map((e) => e.key);
    if (!adds.length) continue;
    const base = values[component]?.secretKeys;
    out[component] = { secretKeys: [...new Set([...(Array.isArray(base) ? (base as string[]) : []), ...adds])] };
  }
  return out;
}

/** EXTRA_SECRET_KEYS as the user writes it (the inverse of parseExtraSecretKeys), for the report. */
export function formatExtraSecretKeys(extra: ExtraSecretKey[]): string {
  return extra
    .map(({ key, components }) => (components.length === 1 && components[0] === 'backend' ? key : `${key}:${components.join('+')}`))
    .join(',');
}
