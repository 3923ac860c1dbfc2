// @ts-check
// kubectl delete by name or selector: graceful pod deletion, namespace and volume-claim deletion,
// cascading workload deletion and --wait in virtual time.
import { notImplemented } from '../../common.mjs';
import { listObjects, getObject, deleteObject } from '../../model.mjs';
import { selectorPredicate } from '../../util.mjs';
import { requestPodDeletion } from '../../cluster/pods.mjs';
import { deleteNamespace, deletePVC } from '../../cluster/ops.mjs';
import { cascade } from '../../cluster/apply.mjs';
import { resolveTargets, qualified } from './resources.mjs';
import { withCluster } from './with-cluster.mjs';

export async function del(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (f.filename.length) notImplemented(ctx, 'kubectl', 'delete -f');
  if (!pos.length) {
    ctx.err(
      `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n`,
    );
    return 1;
  }
  const { r, names } = resolveTargets(pos);
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0].split('/')[0]}"\n`);
    return 1;
  }
  if (!names.length && !f.selector && !f.all) {
    ctx.err(`error: resource(s) were provided, but no name was specified\n`);
    return 1;
  }
  if (names.length && f.selector) {
    ctx.err(`error: name cannot be provided when a selector is specified\n`);
    return 1;
  }
  if (
    !['Pod', 'Namespace', 'PersistentVolumeClaim', 'Deployment', 'Service', 'ConfigMap', 'Secret', 'StatefulSet', 'ReplicaSet'].includes(
      r.kind,
    )
  )
    notImplemented(ctx, 'kubectl', `delete ${r.plural}`);
  const force = f.force && f['grace-period'] === 0;
  const sel = selectorPredicate(f.selector);
  const res = await withCluster(K, (c, state, ns, now) => {
    const out = [];
    const errs = [];
    const waitFor = [];
    const scope = r.kind === 'Namespace' ? '' : ns;
    const targets = names.length
      ? names
      : listObjects(c, r.kind, scope || undefined)
          .filter((o) => (r.kind === 'Namespace' || o.metadata.namespace === ns) && sel(o.metadata.labels ?? {}))
          .map((o) => o.metadata.name);
    for (const n of targets) {
      // Helm keeps each revision of a release as a Secret sh.helm.release.v1.<release>.v<revision>
      // (helm pkg/storage/storage.go makeKey, driver/secrets.go); the simulator keeps them aside in
      // c.releases, so deleting one by name removes that revision from helm's history.
      const record = r.kind === 'Secret' ? /^sh\.helm\.release\.v1\.(.+)\.v(\d+)$/.exec(n) : null;
      const list = record && c.releases[`${ns}/${record[1]}`];
      const at = list ? list.findIndex((x) => x.revision === Number(record?.[2])) : -1;
      if (list && at >= 0) {
        list.splice(at, 1);
        if (!list.length) delete c.releases[`${ns}/${record?.[1]}`];
        out.push(`secret "${n}" deleted`);
        continue;
      }
      const o = getObject(c, r.kind, scope, n);
      if (!o || (r.kind === 'Pod' && o._sim.deletionAt != null && false)) {
        if (!f['ignore-not-found']) errs.push(`Error from server (NotFound): ${qualified(r)} "${n}" not found`);
        continue;
      }
      if (r.kind === 'Pod') {
        requestPodDeletion(state, c, o, now, { force });
        waitFor.push(['Pod', ns, n]);
      } else if (r.kind === 'Namespace') {
        if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(n)) {
          errs.push(`Error from server (Forbidden): namespaces "${n}" is forbidden: this namespace may not be deleted`);
          continue;
        }
        deleteNamespace(state, c, n, now);
        waitFor.push(['Namespace', '', n]);
      } else if (r.kind === 'PersistentVolumeClaim') {
        deletePVC(state, c, o, now);
        waitFor.push(['PersistentVolumeClaim', ns, n]);
      } else {
        deleteObject(c, r.kind, ns, n);
        if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind)) cascade(state, c, o, now);
      }
      out.push(`${r.names[1] === 'endpoints' ? 'endpoints' : r.names[1]}${r.group ? '.' + r.group : ''} "${n}" deleted`);
    }
    return { out, errs, waitFor, none: !targets.length };
  });
  if (force)
    ctx.err(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  for (const l of res.out) ctx.out(l + '\n');
  if (res.none && !names.length) ctx.err('No resources found\n');
  if (f.wait && res.waitFor.length) {
    const deadline = ctx.clock.now() + (f.timeout > 0 ? f.timeout : 7 * 86400_000);
    for (;;) {
      const left = await withCluster(K, (c) => res.waitFor.filter(([k, n, name]) => getObject(c, k, n, name)).length);
      if (!left) break;
      if (ctx.clock.now() > deadline) {
        ctx.err(`error: timed out waiting for the condition on ${qualified(r)}/${res.waitFor[0][2]}\n`);
        return 1;
      }
      await ctx.clock.sleep(500);
    }
  }
  for (const e of res.errs) ctx.err(e + '\n');
  return res.errs.length ? 1 : 0;
}
