// Secret resolution: environment > env file > masked prompt. Every value is registered for
// redaction the moment it is known, and validated before anything changes.
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import { registerSecret } from './redact.ts';

/** Every secret the runbooks know by name: registered for redaction at the start of every run. */
export const KNOWN_SECRET_KEYS = [
  'DATABASE_URL',
  'POSTGRES_PASSWORD',
  'BETTER_AUTH_SECRET',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'AZURE_OPENAI_API_KEY',
  'GROK_API_KEY',
  'REGISTRY_PASSWORD',
] as const;

export function registerKnownSecrets(env: NodeJS.ProcessEnv, fileEnv: Record<string, string>): void {
  for (const key of KNOWN_SECRET_KEYS) {
    registerSecret(env[key]);
    registerSecret(fileEnv[key]);
  }
}

export interface SecretSpec {
  key: string;
  description: string;
  /** Returns a one-line problem, or undefined when the value is acceptable. */
  validate(value: string): string | undefined;
  /** How to get a good value. */
  remedy: string;
  optional?: boolean;
  /** A strong value can be made here (a password, a signing key); absent for keys issued elsewhere. */
  generate?: () => string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random string from the operating system's CSPRNG (crypto.randomInt draws without modulo bias).
 * Letters and digits only: safe unquoted in a URL, a YAML file, a .env line and a shell.
 */
export function randomSecret(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export type SecretChoice = 'generate' | 'type' | 'keep';

export interface SecretPrompter {
  /** Masked input; an empty answer keeps `fallback` when there is one. */
  password(message: string, validate: (value: string) => string | true): Promise<string>;
  /** Asked first for a key that can be generated: make one, type one, or keep the env file's. */
  choose?(message: string, choices: Array<{ value: SecretChoice; name: string }>): Promise<SecretChoice>;
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  fileEnv: Record<string, string>;
  interactive: boolean;
  prompter?: SecretPrompter;
}

export interface ResolvedSecret {
  value: string;
  source: 'environment' | 'env-file' | 'prompt' | 'generated' | 'unset';
}

export async function resolveSecrets(specs: SecretSpec[], options: ResolveOptions): Promise<Record<string, ResolvedSecret>> {
  const resolved: Record<string, ResolvedSecret> = {};
  // Register everything known up front, so nothing printed while prompting can show it.
  for (const spec of specs) {
    registerSecret(options.env[spec.key]);
    registerSecret(options.fileEnv[spec.key]);
  }
  for (const spec of specs) {
    const fromEnv = options.env[spec.key];
    const fromFile = options.fileEnv[spec.key];
    let secret: ResolvedSecret;
    if (fromEnv) secret = { value: fromEnv, source: 'environment' };
    else if (options.interactive && options.prompter) {
      const { prompter } = options;
      const choice: SecretChoice =
        spec.generate && prompter.choose
          ? await prompter.choose(`${spec.key} — ${spec.description}:`, secretChoices(Boolean(fromFile)))
          : 'type';
      if (choice === 'generate') secret = { value: spec.generate!(), source: 'generated' };
      else if (choice === 'keep') secret = { value: fromFile!, source: 'env-file' };
      else {
        const keepHint = fromFile ? ' (Enter keeps the value from the env file)' : spec.optional ? ' (Enter to leave it unset)' : '';
        const answer = await prompter.password(`${spec.key} — ${spec.description}${keepHint}:`, (value) => {
          const candidate = value || fromFile || '';
          if (!candidate) return spec.optional ? true : `${spec.key} is required`;
          return spec.validate(candidate) ?? true;
        });
        secret = answer
          ? { value: answer, source: 'prompt' }
          : fromFile
            ? { value: fromFile, source: 'env-file' }
            : { value: '', source: 'unset' };
      }
    } else if (fromFile) secret = { value: fromFile, source: 'env-file' };
    else secret = { value: '', source: 'unset' };

    registerSecret(secret.value);
    if (!secret.value) {
      if (spec.optional) {
        resolved[spec.key] = secret;
        continue;
      }
      throw new UsageError(
        `${spec.key} is not set (${spec.description})`,
        `set it in the environment or in .env (see .env.example), or run without --yes to be asked; ${spec.remedy}`,
      );
    }
    const problem = spec.validate(secret.value);
    if (problem) throw new UsageError(`${spec.key} ${problem}`, spec.remedy);
    resolved[spec.key] = secret;
  }
  return resolved;
}

/** The value already in the env file comes first when there is one: changing a password is a decision. */
function secretChoices(inFile: boolean): Array<{ value: SecretChoice; name: string }> {
  const generate = {
    value: 'generate' as const,
    name: `generate a strong random value${inFile ? '' : ' (recommended)'} — never shown; you can save it to the env file next`,
  };
  const type = { value: 'type' as const, name: 'type or paste my own (masked)' };
  return inFile ? [{ value: 'keep', name: 'keep the value from the env file' }, generate, type] : [generate, type];
}

// ---- validators used by the secret catalogue ----

export function validatePostgresUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL (expected postgresql://user:password@host:5432/database)';
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:')
    return `has scheme "${url.protocol.replace(':', '')}", expected postgresql://`;
  if (!url.hostname) return 'has no host';
  if (!url.username) return 'has no user name';
  if (url.pathname.length <= 1) return 'names no database (…/dbname)';
  return undefined;
}

export function minLength(n: number) {
  return (value: string): string | undefined =>
    value.length < n ? `is too short (${value.length} characters; at least ${n} required)` : undefined;
}

export function nonEmpty(value: string): string | undefined {
  return value.trim() ? undefined : 'is empty';
}

// ---- saving to .env ----

/** Writes or updates KEY=value lines in an env file and makes it readable by the owner only. */
export function saveToEnvFile(path: string, values: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  for (const [key, value] of Object.entries(values)) {
    const rendered = `${key}=${quoteEnv(value)}`;
    const index = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
    if (index >= 0) lines[index] = rendered;
    else lines.splice(lines.length && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, 0, rendered);
  }
  const text = lines.join('\n').replace(/\n*$/, '\n');
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
}

/** dotenv's quoting: single quotes are literal; fall back to backticks when the value has one. */
function quoteEnv(value: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('`')) return `\`${value}\``;
  throw new UsageError("the value cannot be written to an env file (it holds both ' and `)", 'set it in the environment instead');
}
