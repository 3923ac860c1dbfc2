// @ts-check
// helm release operations on the simulated cluster: template and lint go to the real helm, the
// release commands to their modules here (upgrade, queries, rollback, uninstall, test-hooks).
import { runRealHelm } from './render.mjs';
import { notImplemented } from '../common.mjs';
import { upgrade } from './upgrade.mjs';
import { status, list, history, get } from './queries.mjs';
import { rollback } from './rollback.mjs';
import { uninstall } from './uninstall.mjs';
import { test } from './test-hooks.mjs';

/** @param {import('../cli.mjs').Ctx} ctx @param {string} cmd @param {any} p @param {string[]} pos */
export async function helmCommand(ctx, cmd, p, pos) {
  switch (cmd) {
    case 'template':
    case 'lint': {
      const r = runRealHelm(
        ctx.stateDir,
        ctx.argv.filter((a, i, arr) => !/^--kube-context/.test(a) && !(i > 0 && arr[i - 1] === '--kube-context')),
      );
      ctx.out(r.stdout);
      ctx.err(r.stderr);
      return r.status;
    }
    case 'upgrade':
    case 'install':
      return upgrade(ctx, p, pos, cmd);
    case 'status':
      return status(ctx, p, pos);
    case 'list':
      return list(ctx, p, pos);
    case 'history':
      return history(ctx, p, pos);
    case 'get values':
    case 'get manifest':
    case 'get notes':
    case 'get all':
    case 'get hooks':
      return get(ctx, p, pos, cmd);
    case 'rollback':
      return rollback(ctx, p, pos);
    case 'uninstall':
      return uninstall(ctx, p, pos);
    case 'test':
      return test(ctx, p, pos);
  }
  notImplemented(ctx, 'helm', `"${cmd}"`);
  return 1;
}
