// The command line every runbook accepts: the common flags (one per setting that has a flag), the
// short error for a flag node:util cannot parse, and the --help text.
import { SETTINGS } from './catalogue.ts';

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  description: string;
  /** Accepted but left out of --help. */
  hidden?: boolean;
}

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'help', type: 'boolean', description: 'show this help and exit' },
  {
    name: 'yes',
    type: 'boolean',
    description: 'non-interactive: accept the default of every question (also when CI=true or stdin is not a terminal)',
  },
  { name: 'simulate', type: 'boolean', description: 'run against the simulated toolchain (sim) instead of your real tools' },
  {
    name: 'settings-file',
    type: 'string',
    description: 'the .env-style file to read settings and secrets from [ENV_FILE, default .env; a named file must exist]',
  },
  // The old name, still read where Node lets it through (Node >= 22); Node 20 intercepts it (see loadConfig).
  { name: 'env-file', type: 'string', description: 'old name of --settings-file', hidden: true },
  ...SETTINGS.filter((s) => s.flag).map((s) => ({
    name: s.flag!,
    type: 'string' as const,
    description: `${s.description} [${s.env}, default ${s.default || 'none'}]`,
  })),
];

export function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node:util parseArgs messages are long and mention parseArgs internals; keep the first sentence.
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing)
    return `option ${missing[1]
      .split(',')
      .pop()!
      .trim()
      .replace(/ <value>$/, '')} needs a value`;
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `option ${ambiguous[1]} needs a value (a value starting with "-" must be given as ${ambiguous[1]}=<value>)`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}"`;
  return message.split('.')[0]!;
}

export function usageText(id: string, title: string, summary: string, extraFlags: FlagSpec[]): string {
  const flags = [...COMMON_FLAGS, ...extraFlags].filter((f) => !f.hidden);
  const width = Math.max(...flags.map((f) => f.name.length + (f.type === 'string' ? 8 : 0))) + 4;
  const lines = flags.map((f) => `  --${(f.name + (f.type === 'string' ? ' <value>' : '')).padEnd(width)}${f.description}`);
  return [
    `${title}`,
    '',
    summary,
    '',
    `Usage: npx zx runbooks/${id}.mjs [options]`,
    '',
    'Options:',
    ...lines,
    '',
    'Settings are read from flags, then the environment, then the env file, then defaults (see .env.example).',
    'Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage or configuration (nothing changed), 130 interrupted.',
  ].join('\n');
}
