// @ts-check
// One API-server round trip of the simulated kubectl: lock the state, connect to the context's
// cluster (reconciled to now) and print kubectl's connection errors when there is none.
import { withState } from '../../state.mjs';
import { connect, kubectlConnFail } from '../../kube.mjs';

/**
 * Connect under lock and run fn with the reconciled cluster; prints connection failures.
 * @template T
 * @param {any} K @param {(c: any, state: any, ns: string, now: number) => T} fn @param {{ discovery?: boolean, countApi?: boolean }} [o]
 * @returns {Promise<T>}
 */
export async function withCluster(K, fn, o = {}) {
  const { ctx, p } = K;
  let conn;
  const res = await withState(ctx.stateDir, (state) => {
    conn = connect(state, ctx, p.flags.context, { countApi: o.countApi });
    if (conn.kind !== 'ok') return undefined;
    const ns = p.flags.namespace ?? conn.namespace;
    return { v: fn(conn.cluster, state, ns, conn.now) };
  });
  if (!res) kubectlConnFail(ctx, conn, p.flags['request-timeout'], o);
  return /** @type {any} */ (res).v;
}
