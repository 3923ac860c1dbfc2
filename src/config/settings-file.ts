// The settings file: the .env-style file settings and secrets are read from (.env, or the file named
// by --settings-file / ENV_FILE), parsed with dotenv without loading it into the environment, so the
// order flags > environment > file > defaults stays explicit. A file the user named must exist.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { UsageError } from '../errors.ts';

export interface SettingsFile {
  /** The file as the user named it (flag or ENV_FILE); undefined: the default .env. */
  named: string | undefined;
  /** Its absolute path, whether or not it exists. */
  path: string;
  exists: boolean;
  /** Its variables; empty when there is no file. */
  values: Record<string, string>;
}

/** `help`: with --help a missing named file is not an error (the help is shown instead). */
export function readSettingsFile(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  cwd: string,
  help: boolean,
): SettingsFile {
  // --settings-file, not --env-file: Node 20 itself takes "--env-file" from anywhere on its command line,
  // even after the script (Dotenv::GetPathFromArgs in its src/node_dotenv.cc), loads that file into the
  // environment and exits 9 when it is missing, so the runbook never sees the flag. ENV_FILE is the same.
  const named = (flags['settings-file'] as string | undefined) ?? (flags['env-file'] as string | undefined) ?? (env.ENV_FILE || undefined);
  const path = resolve(cwd, named ?? '.env');
  if (existsSync(path)) return { named, path, exists: true, values: parseDotenv(readFileSync(path)) };
  if (named !== undefined && !help) {
    throw new UsageError(
      `env file ${named} does not exist`,
      'create it from .env.example (cp .env.example .env) or leave out --settings-file / ENV_FILE',
    );
  }
  return { named, path, exists: false, values: {} };
}
