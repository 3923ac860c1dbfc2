// @ts-check
// The simulated docker CLI's registry commands: login (--password-stdin), tag, push, and
// `context inspect` (the daemon endpoint the runbooks carry into a private DOCKER_CONFIG). The
// registries themselves and the texts the real tools print: sim/lib/registry.mjs.
// docker/cli cli/command/registry/login.go: --password-stdin reads stdin to its end and trims one
// trailing "\n" (and "\r"); it needs --username; success prints "Login Succeeded" and stores the
// login in $DOCKER_CONFIG/config.json (default ~/.docker), warning on stderr that it is unencrypted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { goTemplate } from '../../common.mjs';
import { withState } from '../../state.mjs';
import { storeAdd, storeGet, familiarRef, normRef } from '../../model.mjs';
import { accepted, credentialsIn, hostOf, schemeOf, splitRef, storeManifest } from '../../registry.mjs';
import { daemon } from './daemon.mjs';

/** A repository as docker prints it (familiarRef would add a tag to a bare repository). */
const familiarRepo = (repository) => repository.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');

const configDir = (ctx) => ctx.env.DOCKER_CONFIG || join(ctx.env.HOME || homedir(), '.docker');

function readConfig(ctx) {
  const file = join(configDir(ctx), 'config.json');
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  } catch {
    return {};
  }
}

export async function login(ctx, p) {
  const host = p.args[0] || 'https://index.docker.io/v1/';
  if (p.flags['password-stdin'] && p.flags.password) {
    ctx.err('conflicting options: cannot specify both --password and --password-stdin\n');
    return 1;
  }
  if (p.flags['password-stdin'] && !p.flags.username) {
    ctx.err('the --password-stdin option requires --username to be set\n');
    return 1;
  }
  let password = p.flags.password ?? '';
  if (p.flags['password-stdin']) password = (await ctx.readStdin()).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');
  else if (password) ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  if (!p.flags.username || !password) {
    ctx.err('Error: Cannot perform an interactive login from a non TTY device\n');
    return 1;
  }
  await withState(ctx.stateDir, (state) => daemon(ctx, state)); // the daemon must answer (docker-down)
  if (!accepted(ctx.faults, { username: p.flags.username, password })) {
    ctx.err(`Error response from daemon: login attempt to ${schemeOf(host)}://${host}/v2/ failed with status: 401 Unauthorized\n`);
    return 1;
  }
  const dir = configDir(ctx);
  mkdirSync(dir, { recursive: true });
  const config = readConfig(ctx);
  config.auths = { ...config.auths, [host]: { auth: Buffer.from(`${p.flags.username}:${password}`).toString('base64') } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, '\t'), { mode: 0o600 });
  ctx.err(
    `WARNING! Your credentials are stored unencrypted in '${join(dir, 'config.json')}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`,
  );
  ctx.out('Login Succeeded\n');
  return 0;
}

export async function tag(ctx, p) {
  const [source, target] = p.args;
  return withState(ctx.stateDir, (state) => {
    const d = daemon(ctx, state);
    const img = storeGet(d.store, source);
    if (!img) {
      ctx.err(`Error response from daemon: No such image: ${familiarRef(source)}\n`);
      return 1;
    }
    storeAdd(d.store, img, target);
    return 0;
  });
}

export async function push(ctx, p) {
  const ref = p.args[0];
  const { repository, tag: t } = splitRef(normRef(ref));
  const host = hostOf(ref) ?? 'docker.io';
  return withState(ctx.stateDir, (state) => {
    const d = daemon(ctx, state);
    const img = storeGet(d.store, ref);
    if (!img) {
      ctx.err(`An image does not exist locally with the tag: ${familiarRepo(repository)}\n`);
      return 1;
    }
    const layers = (img.history ?? []).filter((h) => !h.empty).map((_, i) => img.id.slice(7 + (i % 40), 19 + (i % 40)));
    ctx.out(`The push refers to repository [${familiarRepo(repository)}]\n`);
    for (const l of layers) ctx.out(`${l}: Preparing\n`);
    if (!accepted(ctx.faults, credentialsIn(readConfig(ctx), host))) {
      ctx.err('no basic auth credentials\n');
      return 1;
    }
    const { digest, manifestBytes } = storeManifest(state, normRef(ref), img);
    const pushed = `${familiarRepo(repository)}@${digest}`;
    img.repoDigests = [...(img.repoDigests ?? []).filter((r) => !r.startsWith(`${familiarRepo(repository)}@`)), pushed];
    for (const l of layers) ctx.out(`${l}: Pushed\n`);
    ctx.out(`${t}: digest: ${digest} size: ${manifestBytes}\n`);
    return 0;
  });
}

/** `docker context inspect [--format]` of the current context: the default one, on DOCKER_HOST or the local socket. */
export function contextInspect(ctx, p) {
  const doc = {
    Name: 'default',
    Metadata: {},
    Endpoints: { docker: { Host: ctx.env.DOCKER_HOST || 'unix:///var/run/docker.sock', SkipTLSVerify: false } },
    TLSMaterial: {},
    Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' },
  };
  if (!p.flags.format) {
    ctx.out(`${JSON.stringify([doc], null, 4)}\n`);
    return 0;
  }
  const r = goTemplate(p.flags.format, doc);
  if (r.error) {
    ctx.err(`template parsing error: template: :1: ${r.error}\n`);
    return 64;
  }
  ctx.out(`${r.text}\n`);
  return 0;
}
