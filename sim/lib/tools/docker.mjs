// @ts-check
// Simulated docker CLI 28.2.2 with BuildKit (buildx) against the host daemon or minikube's daemon (docker-env),
// and its registry commands (login, tag, push: docker/registry.mjs):
// the entry point that finds the command (image ls, rmi and buildx build are aliases), checks its flags
// against docker/flags.mjs and hands it to its handler in docker/.
// A handler is imported when its command runs: every call is a new process, which then loads only
// the code of the command it runs.
import { parseOrFail, notImplemented } from '../common.mjs';
import { CMDS, GLOBAL, KNOWN } from './docker/flags.mjs';

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const argv = ctx.argv;
  let i = 0;
  // leading global flags
  while (i < argv.length && argv[i].startsWith('-')) {
    if (/^(-H|--host|-c|--context|--config|-l|--log-level)$/.test(argv[i])) i++;
    i++;
  }
  const top = argv[i];
  if (!top) {
    ctx.out('Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers (simulated; see docs/simulator.md)\n');
    return 0;
  }
  if (top === 'ai') return gordon(ctx, argv.slice(i + 1));
  if (!KNOWN.includes(top)) {
    ctx.err(`docker: unknown command: docker ${top}\n\nRun 'docker --help' for more information\n`);
    return 1;
  }
  let cmd = top;
  let rest = argv.slice(i + 1);
  if (top === 'image') {
    const sub = rest[0];
    if (sub === 'ls' || sub === 'list') {
      cmd = 'images';
      rest = rest.slice(1);
    } else if (sub === 'inspect') {
      cmd = 'image inspect';
      rest = rest.slice(1);
    } else if (sub === 'history') {
      cmd = 'history';
      rest = rest.slice(1);
    } else if (sub === 'rm' || sub === 'remove') {
      cmd = 'image rm';
      rest = rest.slice(1);
    } else if (sub === 'build') {
      cmd = 'build';
      rest = rest.slice(1);
    } else if (!sub) {
      ctx.out('Usage:  docker image COMMAND\n');
      return 0;
    } else {
      ctx.err(`docker: unknown command: docker image ${sub}\n\nRun 'docker image --help' for more information\n`);
      return 1;
    }
  } else if (top === 'rmi') cmd = 'image rm';
  else if (top === 'context' && rest[0] === 'inspect') {
    cmd = 'context inspect';
    rest = rest.slice(1);
  } else if (top === 'buildx' && rest[0] === 'build') {
    cmd = 'build';
    rest = rest.slice(1);
  }
  const def = CMDS[cmd];
  if (!def) notImplemented(ctx, 'docker', `"${cmd}"`, 125);
  const p = parseOrFail(ctx, rest, { ...GLOBAL, ...def.spec }, (msg) => ({
    text: `${msg}\n\nUsage:  docker ${cmd} ${def.usage}\n\nRun 'docker ${cmd} --help' for more information\n`,
    code: 125,
  }));
  if (p.flags.help) {
    ctx.out(`Usage:  docker ${cmd} ${def.usage}\n`);
    return 0;
  }
  const usageErr = (what) => {
    ctx.err(`docker: 'docker ${cmd}' ${what}\n\nUsage:  docker ${cmd} ${def.usage}\n\nRun 'docker ${cmd} --help' for more information\n`);
    return 1;
  };
  switch (cmd) {
    case 'version':
      if (p.args.length) return usageErr('accepts no arguments');
      return (await import('./docker/version-info.mjs')).version(ctx, p);
    case 'info':
      if (p.args.length) return usageErr('accepts no arguments');
      return (await import('./docker/version-info.mjs')).info(ctx, p);
    case 'build':
      if (p.args.length !== 1) return usageErr('requires 1 argument');
      return (await import('./docker/build.mjs')).build(ctx, p);
    case 'image inspect':
    case 'inspect':
      if (!p.args.length) return usageErr('requires at least 1 argument');
      return (await import('./docker/images.mjs')).inspect(ctx, p);
    case 'history':
      if (p.args.length !== 1) return usageErr('requires 1 argument');
      return (await import('./docker/images.mjs')).history(ctx, p);
    case 'images':
      if (p.args.length > 1) return usageErr('requires at most 1 argument');
      return (await import('./docker/images.mjs')).images(ctx, p);
    case 'image rm':
      if (!p.args.length) return usageErr('requires at least 1 argument');
      return (await import('./docker/images.mjs')).imageRm(ctx, p);
    case 'login':
      if (p.args.length > 1) return usageErr('requires at most 1 argument');
      return (await import('./docker/registry.mjs')).login(ctx, p);
    case 'tag':
      if (p.args.length !== 2) return usageErr('requires 2 arguments');
      return (await import('./docker/registry.mjs')).tag(ctx, p);
    case 'push':
      if (p.args.length !== 1) return usageErr('requires 1 argument');
      return (await import('./docker/registry.mjs')).push(ctx, p);
    case 'context inspect':
      return (await import('./docker/registry.mjs')).contextInspect(ctx, p);
  }
  return 0;
}

// Gordon (docker ai): a CLI plugin, present only with SIM_GORDON=1.
async function gordon(ctx, args) {
  if (ctx.env.SIM_GORDON !== '1') {
    ctx.err(`docker: unknown command: docker ai\n\nRun 'docker --help' for more information\n`);
    return 1;
  }
  return (await import('../ai.mjs')).gordon(ctx, args);
}
