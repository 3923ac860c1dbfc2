// docker's registry operations: login, tag, push. Kept beside docker.ts (builds and inspection) so
// each stays one job; both are the `docker` CLI. Argv: sim/ARGV-CONTRACT.md.
//
// What the real CLI and daemon answer (docker 20.10 and later; docker/cli cli/command/registry/login.go,
// cli/command/image/push.go, moby's registry/auth.go loginV2):
// - `docker login HOST -u USER --password-stdin` reads the password from stdin, so it never reaches
//   argv (login.go's verifyLoginOptions: --password-stdin needs --username; the CLI warns "Using
//   --password via the CLI is insecure" otherwise). Refused credentials: exit 1 with "Error response
//   from daemon: login attempt to <scheme>://HOST/v2/ failed with status: 401 Unauthorized" (a
//   Distribution registry with htpasswd), or "…: unauthorized: …" / "denied" from token registries.
// - Success stores the credentials in $DOCKER_CONFIG/config.json (base64, "stored unencrypted")
//   or the configured credential helper, and prints "Login Succeeded".
// - `docker push REF` prints "<tag>: digest: sha256:<64 hex> size: <bytes>" last; without a login the
//   daemon answers "no basic auth credentials" (basic auth) or "unauthorized: authentication required".
import type { Exec } from '../exec.ts';
import { CommandFailed, UnreadableOutput } from '../errors.ts';
import { bothStreams, runOk } from './common.ts';

export interface PushResult {
  /** The manifest digest the registry stored, sha256:<hex>. */
  digest: string;
  /** The manifest's size in bytes, as push reports it. */
  manifestBytes: number;
}

/** The last "digest:" line of docker push's output, or undefined when there is none. */
export function parsePushDigest(stdout: string): PushResult | undefined {
  const matches = [...stdout.matchAll(/: digest: (sha256:[0-9a-f]{64}) size: (\d+)/g)];
  const last = matches.at(-1);
  return last ? { digest: last[1]!, manifestBytes: Number(last[2]) } : undefined;
}

/** The remedy for a refused or failed registry call, from what docker said. */
export function registryRemedy(text: string, host: string): string {
  if (/401|unauthorized|incorrect username or password|authentication required|no basic auth credentials/i.test(text))
    return `the registry ${host} refused the credentials: check REGISTRY_USERNAME and REGISTRY_PASSWORD (a token needs push rights, e.g. write:packages on ghcr.io), or leave REGISTRY_PASSWORD unset to be asked`;
  if (/denied|forbidden|403/i.test(text))
    return `the registry ${host} does not let this user push there: check the namespace in IMAGE_REGISTRY and the user's rights`;
  if (/server gave HTTP response to HTTPS client/i.test(text))
    return `${host} speaks plain HTTP: serve it with TLS, or list it in the Docker daemon's insecure-registries (daemon.json) — loopback addresses are allowed by default`;
  if (/x509|certificate/i.test(text))
    return `Docker does not trust ${host}'s certificate: put its CA in /etc/docker/certs.d/${host}/ca.crt (and on every node for the pulls)`;
  if (/connection refused|no such host|i\/o timeout|dial tcp|network is unreachable|Client\.Timeout/i.test(text))
    return `cannot reach the registry ${host}: check IMAGE_REGISTRY and that the registry runs and is reachable from here`;
  return `read docker's message above; docker login ${host} and docker push by hand show the same`;
}

export class DockerRegistry {
  constructor(private readonly exec: Exec) {}

  /** docker login with the password on stdin; `env` carries the run's DOCKER_CONFIG. */
  async login(host: string, username: string, password: string, env: Record<string, string>): Promise<void> {
    const r = await this.exec.run({
      tool: 'docker',
      args: ['login', host, '--username', username, '--password-stdin'],
      input: password,
      env,
      timeoutMs: 60_000,
      why: `log in to ${host} (password on stdin only)`,
    });
    if (r.exitCode === 0) return;
    const text = bothStreams(r);
    throw new CommandFailed(r.argv, r.exitCode, text, registryRemedy(text, host), { timedOut: r.timedOut });
  }

  /**
   * The daemon endpoint of the user's current docker context (`docker context inspect`, which
   * honours DOCKER_CONTEXT and the config's currentContext), e.g. unix:///var/run/docker.sock;
   * undefined when it cannot be read. A run that logs in with a private DOCKER_CONFIG names it
   * explicitly, since the private config has none of the user's contexts.
   */
  async daemonHost(): Promise<string | undefined> {
    const r = await this.exec.run({
      tool: 'docker',
      args: ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'],
      timeoutMs: 20_000,
      quiet: true,
    });
    const host = r.stdout.trim();
    return r.exitCode === 0 && /^[a-z]+:\/\//.test(host) ? host : undefined;
  }

  /** docker tag SOURCE TARGET: the built image under its registry name (same image id). */
  async tag(source: string, target: string, env?: Record<string, string>): Promise<void> {
    await runOk(
      this.exec,
      { tool: 'docker', args: ['tag', source, target], env, timeoutMs: 30_000, quiet: true },
      `build the image first (01-build); then docker tag ${source} ${target}`,
    );
  }

  /** docker push; the digest the registry stored. */
  async push(ref: string, host: string, env: Record<string, string> | undefined, timeoutMs: number): Promise<PushResult> {
    const r = await this.exec.run({ tool: 'docker', args: ['push', ref], env, timeoutMs, why: `push ${ref}` });
    if (r.exitCode !== 0) {
      const text = bothStreams(r);
      throw new CommandFailed(r.argv, r.exitCode, text, registryRemedy(text, host), { timedOut: r.timedOut });
    }
    const pushed = parsePushDigest(r.stdout);
    if (!pushed)
      throw new UnreadableOutput(
        r.argv,
        'a "<tag>: digest: sha256:… size: …" line',
        r.stdout,
        `docker push ${ref} by hand shows what happened`,
      );
    return pushed;
  }
}
