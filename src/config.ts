// Typed settings from flags > environment > .env > defaults, validated before anything runs: the
// command line is parsed, the settings file read, and each setting of the catalogue
// (config/catalogue.ts, the single source of truth for --help, .env.example and the docs) takes the
// first value found and goes through its parser (config/value-parsers.ts).
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import type { Settings, Key, Source } from './config/settings-types.ts';
import { type FlagSpec, COMMON_FLAGS, cleanParseError } from './config/command-line.ts';
import { SETTINGS } from './config/catalogue.ts';
import { readSettingsFile } from './config/settings-file.ts';

export interface LoadedConfig {
  settings: Settings;
  sources: Record<Key, Source>;
  flags: Record<string, string | boolean | undefined>;
  /** Values read from the env file (secrets are resolved from here too). */
  fileEnv: Record<string, string>;
  envFile: string | undefined;
  help: boolean;
  yes: boolean;
  simulate: boolean;
}

/** `terminal`: whether stdin is a terminal (a parameter so that tests can give either answer). */
export function loadConfig(
  argv: string[],
  extraFlags: FlagSpec[] = [],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  terminal = Boolean(process.stdin.isTTY),
): LoadedConfig {
  const all = [...COMMON_FLAGS, ...extraFlags];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(all.map((f) => [f.name, { type: f.type }])),
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    throw new UsageError(cleanParseError(error), 'run with --help to see the accepted options');
  }
  const help = values.help === true;

  const file = readSettingsFile(values, env, cwd, help);
  const fileEnv = file.values;

  const settings = {} as Record<Key, unknown>;
  const sources = {} as Record<Key, Source>;
  for (const s of SETTINGS) {
    const fromFlag = s.flag ? (values[s.flag] as string | undefined) : undefined;
    const [raw, source, name]: [string, Source, string] =
      fromFlag !== undefined
        ? [fromFlag, 'flag', `--${s.flag}`]
        : env[s.env] !== undefined && env[s.env] !== ''
          ? [env[s.env]!, 'environment', s.env]
          : fileEnv[s.env] !== undefined && fileEnv[s.env] !== ''
            ? [fileEnv[s.env]!, 'env-file', `${s.env} in ${file.named ?? '.env'}`]
            : [s.default, 'default', s.env];
    settings[s.key] = help ? raw : s.parse(raw, name);
    sources[s.key] = source;
  }
  const yes = values.yes === true || env.CI === 'true' || !terminal;
  return {
    settings: settings as unknown as Settings,
    sources,
    flags: values,
    fileEnv,
    envFile: file.exists ? file.path : undefined,
    help,
    yes,
    simulate: values.simulate === true,
  };
}

export type { Settings } from './config/settings-types.ts';
export { parseDuration } from './config/value-parsers.ts';
export { KUBECTL_AI_PROVIDERS, SETTINGS } from './config/catalogue.ts';
export type { FlagSpec } from './config/command-line.ts';
export { COMMON_FLAGS, usageText } from './config/command-line.ts';
