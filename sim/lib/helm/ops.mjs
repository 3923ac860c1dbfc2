// @ts-check
// helm release operations on the simulated cluster: template and lint go to the real helm, the
// release commands to their modules here (upgrade, queries, rollback, uninstall, test-hooks).
// A handler is imported when its command runs: a call run as its own process loads only the code
// of the command it runs.
import { runRealHelm } from './render.mjs';
import { notImplemented } from '../common.mjs';

/** @param {import('../cli.mjs').Ctx} ctx @param {string} cmd @param {any} p @param {string[]} pos */
export async function helmCommand(ctx, cmd, p, pos) {
  switch (cmd) {
    case 'template':
    case 'lint': {
      const r = await runRealHelm(
        ctx.stateDir,
        ctx.argv.filter((a, i, arr) => !/^--kube-context/.test(a) && !(i > 0 && arr[i - 1] === '--kube-context')),
        ctx.cwd,
      );
      ctx.out(r.stdout);
      ctx.err(r.stderr);
      return r.status;
    }
    case 'upgrade':
    case 'install':
      return (await import('./upgrade.mjs')).upgrade(ctx, p, pos, cmd);
    case 'status':
      return (await import('./queries.mjs')).status(ctx, p, pos);
    case 'list':
      return (await import('./queries.mjs')).list(ctx, p, pos);
    case 'history':
      return (await import('./queries.mjs')).history(ctx, p, pos);
    case 'get values':
    case 'get manifest':
    case 'get notes':
    case 'get all':
    case 'get hooks':
      return (await import('./queries.mjs')).get(ctx, p, pos, cmd);
    case 'rollback':
      return (await import('./rollback.mjs')).rollback(ctx, p, pos);
    case 'uninstall':
      return (await import('./uninstall.mjs')).uninstall(ctx, p, pos);
    case 'test':
      return (await import('./test-hooks.mjs')).test(ctx, p, pos);
  }
  notImplemented(ctx, 'helm', `"${cmd}"`);
  return 1;
}
