// @ts-check
// Simulated kubectl (client v1.34.0 against the simulated API server): the entry point that finds
// the command in argv, checks its flags against the whitelist (kubectl/flags.mjs) and hands it to
// its handler (kubectl/*.mjs for the verbs this file's folder holds, cluster/*.mjs for the rest).
// A handler is imported when its command runs: every call is a new process, which then loads only
// the code of the command it runs.
import { parseOrFail, notImplemented } from '../common.mjs';
import { GLOBAL, SPECS, KNOWN } from './kubectl/flags.mjs';

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const argv = ctx.argv;
  const dd = argv.indexOf('--');
  const head = dd >= 0 ? argv.slice(0, dd) : argv;
  const words = [];
  const valueFlags = new Set([
    '-n',
    '--namespace',
    '--context',
    '--request-timeout',
    '--kubeconfig',
    '-s',
    '--server',
    '--cluster',
    '--user',
    '--token',
    '-v',
    '--as',
    '-o',
    '--output',
    '-l',
    '--selector',
    '-c',
    '--container',
  ]);
  for (let i = 0; i < head.length && words.length < 3; i++) {
    const a = head[i];
    if (a.startsWith('-')) {
      if (valueFlags.has(a) && GLOBAL[a.replace(/^-+/, '')]?.type !== 'bool' && !a.includes('=')) i++;
      continue;
    }
    words.push(a);
  }
  if (!words.length) {
    if (head.includes('--help') || head.includes('-h') || !head.length) {
      ctx.out('kubectl controls the Kubernetes cluster manager.\n\n (simulated kubectl; see docs/simulator.md)\n');
      return 0;
    }
  }
  const top = words[0];
  if (!KNOWN.includes(top)) {
    ctx.err(`error: unknown command "${top}" for "kubectl"\n`);
    return 1;
  }
  let cmd = top;
  if (top === 'config') cmd = `config ${words[1] ?? ''}`.trim();
  else if (top === 'create' && words[1] === 'secret') cmd = `create secret ${words[2] ?? ''}`.trim();
  else if (top === 'create') cmd = `create ${words[1] ?? ''}`.trim();
  else if (top === 'rollout') cmd = `rollout ${words[1] ?? ''}`.trim();
  else if (top === 'top')
    cmd = ['pod', 'pods', 'po'].includes(words[1]) ? 'top pod' : ['node', 'nodes', 'no'].includes(words[1]) ? 'top node' : 'top';
  const spec = SPECS[cmd];
  if (!spec) {
    if (cmd === 'top') {
      ctx.err(`error: unknown command "${words[1] ?? ''}" for "kubectl top"\n`);
      return 1;
    }
    notImplemented(ctx, 'kubectl', `"${cmd}"`);
  }
  const p = parseOrFail(ctx, argv, { ...GLOBAL, ...spec }, (msg) => ({
    text: `error: ${msg}\nSee 'kubectl ${cmd} --help' for usage.\n`,
    code: 1,
  }));
  if (p.flags.help) {
    ctx.out(`(simulated kubectl) Usage: kubectl ${cmd} [options]\n`);
    return 0;
  }
  const rt = p.flags['request-timeout'];
  if (rt !== '0' && !/^\d+(\.\d+)?(s|m|h|ms)?$/.test(rt) && !/^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/.test(rt)) {
    ctx.err(
      'error: invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n',
    );
    return 1;
  }
  const pos = p.args.slice(cmd.split(' ').length);
  const K = { ctx, p, pos, cmd };
  switch (cmd) {
    case 'version':
      return (await import('./kubectl/client.mjs')).version(K);
    case 'config current-context':
      return (await import('./kubectl/client.mjs')).configCurrent(K);
    case 'config get-contexts':
      return (await import('./kubectl/client.mjs')).configGetContexts(K);
    case 'config use-context':
      return (await import('./kubectl/client.mjs')).configUse(K);
    case 'config view':
      notImplemented(ctx, 'kubectl', '"config view"');
      break;
    case 'cluster-info':
      return (await import('./kubectl/client.mjs')).clusterInfo(K);
    case 'get':
      return (await import('./kubectl/get.mjs')).get(K);
    case 'create namespace':
      return (await import('./kubectl/create.mjs')).createNamespace(K);
    case 'create secret generic':
    case 'create configmap':
      return (await import('./kubectl/create.mjs')).createData(K);
    case 'apply':
      return (await import('../cluster/apply.mjs')).kubectlApply(K);
    case 'delete':
      return (await import('./kubectl/delete.mjs')).del(K);
    case 'scale':
      return (await import('./kubectl/scale-restart.mjs')).scale(K);
    case 'wait':
      return (await import('../cluster/waits.mjs')).kubectlWait(K);
    case 'rollout status':
      return (await import('../cluster/waits.mjs')).rolloutStatus(K);
    case 'rollout restart':
      return (await import('./kubectl/scale-restart.mjs')).rolloutRestart(K);
    case 'rollout history':
    case 'rollout undo':
      notImplemented(ctx, 'kubectl', `"${cmd}"`);
      break;
    case 'logs':
      return (await import('../cluster/logs.mjs')).kubectlLogs(K);
    case 'describe':
      return (await import('../cluster/describe.mjs')).kubectlDescribe(K);
    case 'exec':
      return (await import('../cluster/exec.mjs')).kubectlExec(K);
    case 'top pod':
    case 'top node':
      return (await import('../cluster/metrics.mjs')).kubectlTop(K);
    case 'port-forward':
      return (await import('../portforward.mjs')).kubectlPortForward(K);
    case 'proxy':
      return (await import('../proxy.mjs')).kubectlProxy(K);
  }
  return 0;
}
