// @ts-check
// Simulated minikube (v1.37.0, docker driver, docker runtime, low-fi output as when stdout is captured):
// the entry point that finds the command, checks its flags against minikube/flags.mjs, resolves the
// profile and hands the call to its handler in minikube/.
// A handler is imported when its command runs: every call is a new process, which then loads only
// the code of the command it runs.
import { parseOrFail, notImplemented } from '../common.mjs';
import { MINIKUBE_VERSION, MINIKUBE_COMMIT } from '../model.mjs';
import { goJSON } from '../util.mjs';
import { GLOBAL, SPECS, KNOWN_TOP } from './minikube/flags.mjs';

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const args = ctx.argv;
  // find the command path: first non-flag words (global flags may precede)
  const words = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-')) {
      if (/^(-p|--profile|-v|-b|--bootstrapper|--user|--log_dir|--log_file|--stderrthreshold|--vmodule)$/.test(a)) i++;
      continue;
    }
    words.push(a);
    if (words.length === 2) break;
  }
  if (!words.length) {
    if (args.includes('-h') || args.includes('--help')) {
      ctx.out(usage());
      return 0;
    }
    ctx.out(usage());
    return 0;
  }
  const top = words[0];
  if (!KNOWN_TOP.includes(top)) {
    ctx.err(`Error: unknown command "${top}" for "minikube"\nRun 'minikube --help' for usage.\n`);
    return 14;
  }
  let cmd = top;
  if (['profile', 'addons', 'image'].includes(top)) {
    const sub = words[1];
    if (top === 'profile' && sub === 'list') cmd = 'profile list';
    else if (top === 'addons' && ['enable', 'disable', 'list'].includes(sub)) cmd = `addons ${sub}`;
    else if (top === 'image' && ['load', 'ls', 'list'].includes(sub)) cmd = sub === 'list' ? 'image ls' : `image ${sub}`;
    else if (sub && top === 'profile') cmd = 'profile set';
    else notImplemented(ctx, 'minikube', `"${top}${sub ? ' ' + sub : ''}"`, 14);
  }
  if (!SPECS[cmd] && cmd !== 'profile set') notImplemented(ctx, 'minikube', `"${cmd}"`, 14);
  const spec = { ...GLOBAL, ...(SPECS[cmd] ?? {}) };
  const p = parseOrFail(ctx, args, spec, (msg) => ({ text: `Error: ${msg}\nSee 'minikube ${cmd} --help' for usage.\n`, code: 14 }));
  const pos = p.args.slice(cmd.split(' ').length);
  if (p.flags.help) {
    ctx.out(`Usage:\n  minikube ${cmd} [flags] [options]\n\n(simulated minikube; see docs/simulator.md)\n`);
    return 0;
  }
  const profile = p.flags.profile;
  switch (cmd) {
    case 'version':
      return version(ctx, p);
    case 'status':
      return (await import('./minikube/status.mjs')).status(ctx, p, profile);
    case 'start':
      return (await import('./minikube/start.mjs')).start(ctx, p, profile);
    case 'stop':
      return (await import('./minikube/stop-delete.mjs')).stop(ctx, p, profile);
    case 'delete':
      return (await import('./minikube/stop-delete.mjs')).del(ctx, p, profile);
    case 'ip':
      return (await import('./minikube/status.mjs')).ip(ctx, profile);
    case 'profile list':
      return (await import('./minikube/profiles.mjs')).profileList(ctx, p);
    case 'profile set':
      notImplemented(ctx, 'minikube', '"profile <name>"', 14);
      break;
    case 'addons enable':
    case 'addons disable':
      return (await import('./minikube/addons.mjs')).addonsToggle(ctx, cmd.endsWith('enable'), pos, profile);
    case 'addons list':
      return (await import('./minikube/addons.mjs')).addonsList(ctx, p, profile);
    case 'docker-env':
      return (await import('./minikube/docker-env.mjs')).dockerEnv(ctx, p, profile);
    case 'image load':
      return (await import('./minikube/images.mjs')).imageLoad(ctx, p, pos, profile);
    case 'image ls':
      return (await import('./minikube/images.mjs')).imageLs(ctx, p, profile);
    case 'service':
      return (await import('./minikube/service.mjs')).service(ctx, p, pos, profile);
  }
  return 0;
}

function usage() {
  return 'minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n\n(simulated minikube; see docs/simulator.md)\n\nUsage:\n  minikube [flags] [options]\n';
}

function version(ctx, p) {
  const o = p.flags.output;
  if (p.flags.short) {
    ctx.out(`${MINIKUBE_VERSION}\n`);
    return 0;
  }
  if (o === 'json') {
    ctx.out(goJSON({ commit: MINIKUBE_COMMIT, minikubeVersion: MINIKUBE_VERSION }) + '\n');
    return 0;
  }
  if (o === 'yaml') {
    ctx.out(`commit: ${MINIKUBE_COMMIT}\nminikubeVersion: ${MINIKUBE_VERSION}\n`);
    return 0;
  }
  if (o) {
    ctx.err(`\nX Exiting due to MK_USAGE: Output format ${o} is not supported. Supported formats are: json, yaml\n\n`);
    return 14;
  }
  ctx.out(`minikube version: ${MINIKUBE_VERSION}\ncommit: ${MINIKUBE_COMMIT}\n`);
  return 0;
}
