// The registry login of one run: the credentials (REGISTRY_USERNAME, and REGISTRY_PASSWORD from the
// environment, the env file or a masked prompt) and a `docker login --password-stdin` into a private
// DOCKER_CONFIG folder (0700, removed when the run ends). So the password is never on a command
// line, and the base64 copy docker writes into config.json ("stored unencrypted") does not outlive
// the run or land in the user's ~/.docker. The same credentials make 03's pull secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunbookContext } from '../runbook.ts';
import { resolveSecrets } from '../secrets.ts';
import { registerSecret } from '../redact.ts';
import { attempt } from '../errors.ts';
import type { RegistryTarget } from './reference.ts';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/**
 * The credentials, or undefined when REGISTRY_USERNAME is empty (no login: a public registry, or
 * the user's own earlier `docker login`). With a user and no password: asked, masked; with --yes a
 * UsageError (exit 2) before anything changes.
 */
export async function registryCredentials(ctx: RunbookContext, target: RegistryTarget): Promise<RegistryCredentials | undefined> {
  const username = ctx.settings.registryUsername;
  if (!username) return undefined;
  const resolved = await resolveSecrets(
    [
      {
        key: 'REGISTRY_PASSWORD',
        description: `password or access token of ${username} at ${target.host}`,
        validate: (v) => (v.trim() !== v ? 'has spaces at its start or end' : undefined),
        remedy: `set REGISTRY_PASSWORD to ${username}'s password or token for ${target.host}`,
      },
    ],
    {
      env: process.env,
      fileEnv: ctx.config.fileEnv,
      interactive: ctx.interactive,
      prompter: { password: (message, validate) => ctx.secretPrompt(message, validate) },
    },
  );
  const password = resolved.REGISTRY_PASSWORD!.value;
  // The forms docker and Kubernetes write it in: base64 of "user:password" (config.json's and the
  // pull secret's "auth"), registered so that no transcript line can show them.
  registerSecret(`${username}:${password}`);
  ctx.fact('registry credentials', `${username} at ${target.host}, password from ${resolved.REGISTRY_PASSWORD!.source} (masked)`);
  return { username, password };
}

/**
 * Logs in for this run and returns the environment every later docker call of the run carries
 * (the private DOCKER_CONFIG and the user's daemon), or undefined without credentials.
 * A refused login stops the run with docker's reason and a remedy.
 */
export async function loginForRun(
  ctx: RunbookContext,
  target: RegistryTarget,
  credentials: RegistryCredentials | undefined,
): Promise<Record<string, string> | undefined> {
  if (!credentials) {
    ctx.note(`REGISTRY_USERNAME is not set: no docker login; pushing to ${target.host} uses your own docker login, if it needs one`);
    return undefined;
  }
  const host = process.env.DOCKER_HOST || (await ctx.tools.registry.daemonHost());
  const dir = mkdtempSync(join(tmpdir(), 'todo-chatbot-docker-config-'));
  ctx.onCleanup("remove the run's docker login (private DOCKER_CONFIG)", async () => rmSync(dir, { recursive: true, force: true }));
  const env: Record<string, string> = { DOCKER_CONFIG: dir, ...(host ? { DOCKER_HOST: host, DOCKER_CONTEXT: 'default' } : {}) };
  const login = await attempt(ctx.tools.registry.login(target.host, credentials.username, credentials.password, env));
  ctx.require({
    id: 'REGISTRY-LOGIN',
    title: `docker login ${target.host}`,
    expected: `Login Succeeded for ${credentials.username} (password on stdin)`,
    measured: login.ok ? 'Login Succeeded' : login.error.reason,
    pass: login.ok,
    remedy: login.ok ? '' : login.error.remedy,
  });
  return env;
}
