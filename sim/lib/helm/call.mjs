// @ts-check
// What every simulated helm release command shares: helm's argument-count error, one call to the
// cluster under the state lock (counted as an API call, or not for --wait's own polls), the YAML library.
import { withState } from '../state.mjs';
import { connect, helmConnFail } from '../kube.mjs';
import { Exit } from '../cli.mjs';

export const argsErr = (ctx, cmd, n, usage) => {
  ctx.err(`Error: "helm ${cmd}" requires ${n} argument${n === 1 ? '' : 's'}\n\nUsage:  helm ${cmd} ${usage} [flags]\n`);
  throw new Exit(1);
};

/** Connect under lock (counts as one API call); returns the locked-state result of fn or prints the failure. */
export async function onCluster(ctx, p, fn) {
  let conn;
  const r = await withState(ctx.stateDir, (state) => {
    conn = connect(state, ctx, p.flags['kube-context']);
    if (conn.kind !== 'ok') return undefined;
    const ns = p.flags.namespace ?? conn.namespace;
    return { v: fn(conn.cluster, state, ns, conn.now) };
  });
  if (!r) helmConnFail(ctx, conn);
  return /** @type {any} */ (r).v;
}

export async function yamlLib() {
  return (await import('yaml')).default;
}
export async function onClusterNoFlaky(ctx, p, fn) {
  return withState(ctx.stateDir, (state) => {
    const conn = connect(state, ctx, p.flags['kube-context'], { countApi: false });
    if (conn.kind !== 'ok') return fn({ objects: {}, graveyard: [], node: {}, events: [] }, state, '', ctx.clock.now());
    return fn(conn.cluster, state, p.flags.namespace ?? conn.namespace, conn.now);
  });
}
