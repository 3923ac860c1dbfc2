// @ts-check
// kubectl get: resolves the requested types and names, lists the objects as the API server would
// show them at the current virtual time, and prints them as JSON, YAML, names or a table.
import { notImplemented } from '../../common.mjs';
import { listObjects, CLUSTER_SCOPED } from '../../model.mjs';
import { kubeJSON, selectorPredicate, sortKeys } from '../../util.mjs';
import {
  podJSON,
  deploymentJSON,
  replicaSetJSON,
  statefulSetJSON,
  serviceJSON,
  endpointsJSON,
  pvcJSON,
  pvJSON,
  namespaceJSON,
  nodeJSON,
  clean,
} from '../../cluster/views.mjs';
import { allEvents, eventJSON } from '../../cluster/events.mjs';
import { cronJobStatus, derivedJobs } from '../../cluster/cronjobs.mjs';
import { resolveRes, qualified, nameRef } from './resources.mjs';
import { withCluster } from './with-cluster.mjs';
import { customResource } from '../../cluster/crds.mjs';
import { printTable } from './get-table.mjs';

/** JSON view of any object at t */
export function view(state, c, o, t, faults) {
  switch (o.kind) {
    case 'Pod':
      return podJSON(c, o, t, faults);
    case 'Deployment':
      return deploymentJSON(c, o, t, faults);
    case 'ReplicaSet':
      return replicaSetJSON(c, o, t, faults);
    case 'StatefulSet':
      return statefulSetJSON(c, o, t, faults);
    case 'Service':
      return serviceJSON(c, o);
    case 'PersistentVolumeClaim':
      return pvcJSON(c, o);
    case 'PersistentVolume':
      return pvJSON(c, o);
    case 'Namespace':
      return namespaceJSON(c, o);
    case 'CronJob':
      return { ...clean(o), status: cronJobStatus(c, o, t, faults) };
    default:
      return clean(o);
  }
}

/** List objects of a resource at t (Endpoints, Events and Nodes are derived). */
function listRes(state, c, r, ns, t, faults) {
  if (r.kind === 'Node')
    return [{ name: c.node.name, json: () => nodeJSON(state, c, t), obj: null, labels: nodeJSON(state, c, t).metadata.labels }];
  if (r.kind === 'Endpoints')
    return listObjects(c, 'Service', ns).map((svc) => ({
      name: svc.metadata.name,
      ns: svc.metadata.namespace,
      obj: svc,
      labels: svc.metadata.labels ?? {},
      json: () => endpointsJSON(c, svc, t, faults),
    }));
  if (r.kind === 'Job')
    return derivedJobs(c, ns, t, faults).map((j) => ({
      name: j.metadata.name,
      ns: j.metadata.namespace,
      obj: j,
      labels: j.metadata.labels,
      json: () => j,
    }));
  if (r.kind === 'Event')
    return allEvents(c, t, faults, ns).map((e) => {
      const j = eventJSON(c, e);
      return { name: j.metadata.name, ns: e.ns, obj: e, labels: {}, json: () => j };
    });
  return listObjects(c, r.kind, CLUSTER_SCOPED.has(r.kind) ? undefined : ns)
    .filter((o) => !(r.kind === 'Namespace' && false))
    .map((o) => ({
      name: o.metadata.name,
      ns: o.metadata.namespace,
      obj: o,
      labels: o.metadata.labels ?? {},
      json: () => view(state, c, o, t, faults),
    }));
}

export async function get(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (f.raw !== undefined) return (await import('../../cluster/metrics.mjs')).kubectlRaw(K);
  if (f.watch || f['watch-only']) notImplemented(ctx, 'kubectl', 'get --watch');
  if (f.filename.length || f.kustomize) notImplemented(ctx, 'kubectl', 'get -f');
  if (f['sort-by'] || f['field-selector'] || f.template || f['label-columns'].length)
    notImplemented(ctx, 'kubectl', 'get with --sort-by/--field-selector/--template/-L');
  const o = f.output;
  const okOut = o === undefined || ['json', 'yaml', 'name', 'wide'].includes(o);
  if (!okOut) {
    if (/^(jsonpath|custom-columns|go-template|template)/.test(o)) notImplemented(ctx, 'kubectl', `-o ${o.split('=')[0]}`);
    ctx.err(
      `error: unable to match a printer suitable for the output format "${o}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n`,
    );
    return 1;
  }
  if (!pos.length) {
    ctx.err(
      `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n`,
    );
    return 1;
  }
  // A type kubectl does not know built in may be a custom resource: resolved against the cluster's CRDs.
  /** @type {{ r: any, type?: string, names: string[] }[]} */
  const reqs = [];
  if (pos[0].includes('/')) {
    for (const a of pos) {
      const [t, n] = a.split('/');
      if (!n) {
        ctx.err(`error: arguments in resource/name form must have a single resource and name\n`);
        return 1;
      }
      const r = resolveRes(t);
      const ex = reqs.find((x) => (r ? x.r === r : x.type === t));
      if (ex) ex.names.push(n);
      else reqs.push({ r, type: t, names: [n] });
    }
  } else {
    const types = pos[0].split(',');
    for (const t of types) {
      if (t === 'all') {
        for (const k of ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'])
          reqs.push({ r: resolveRes(k), names: [] });
        continue;
      }
      reqs.push({ r: resolveRes(t), type: t, names: pos.slice(1) });
    }
    if (types.length > 1 && pos.length > 1) {
      ctx.err(`error: you must specify only one resource\n`);
      return 1;
    }
  }
  let sel;
  try {
    sel = selectorPredicate(f.selector);
  } catch (e) {
    ctx.err(`error: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  }
  if (reqs.some((x) => x.r?.kind === 'Endpoints'))
    ctx.err('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
  const result = await withCluster(K, (c, state, ns, now) => {
    for (const req of reqs) req.r ??= customResource(c, req.type ?? '');
    const unknown = reqs.find((x) => !x.r)?.type;
    if (unknown !== undefined) return { unknown };
    const allNs = f['all-namespaces'];
    const blocks = [];
    const errors = [];
    for (const { r, names } of reqs) {
      const items = listRes(state, c, r, allNs ? undefined : ns, now, ctx.faults).filter((x) => sel(x.labels));
      if (names.length) {
        const picked = [];
        for (const n of names) {
          const it = items.find((x) => x.name === n);
          if (it) picked.push(it);
          else if (!f['ignore-not-found']) errors.push(`Error from server (NotFound): ${qualified(r)} "${n}" not found`);
        }
        blocks.push({ r, items: picked.map((x) => ({ ...x, j: x.json() })), named: true });
      } else blocks.push({ r, items: items.map((x) => ({ ...x, j: x.json() })), named: false });
    }
    return { blocks, errors, ns, now, allNs, c: { name: c.name, node: c.node } };
  });
  if (result.unknown !== undefined) {
    ctx.err(`error: the server doesn't have a resource type "${result.unknown}"\n`);
    return 1;
  }
  const { blocks, errors, ns, now, allNs } = result;
  const all = blocks.flatMap((b) => b.items);
  const single =
    blocks.length === 1 &&
    blocks[0].named &&
    pos.length >= 1 &&
    all.length === 1 &&
    (pos[0].includes('/') ? pos.length === 1 : pos.length === 2);
  if (o === 'json' || o === 'yaml') {
    if (all.length || !errors.length) {
      const doc = single ? all[0].j : { apiVersion: 'v1', items: all.map((x) => x.j), kind: 'List', metadata: { resourceVersion: '' } };
      if (o === 'json') ctx.out(kubeJSON(doc));
      else {
        const YAML = (await import('yaml')).default;
        ctx.out(YAML.stringify(sortKeys(doc), { lineWidth: 0 }));
      }
    }
  } else if (o === 'name') {
    ctx.out(all.map((x) => nameRef(blocks.find((b) => b.items.includes(x)).r, x.name) + '\n').join(''));
  } else {
    const multi = blocks.length > 1;
    const parts = [];
    for (const b of blocks) {
      if (!b.items.length) continue;
      parts.push(
        printTable(b.r, b.items, {
          now,
          wide: o === 'wide',
          allNs,
          showLabels: f['show-labels'],
          noHeaders: f['no-headers'],
          kindPrefix: multi || f['show-kind'],
        }),
      );
    }
    if (parts.length) ctx.out(parts.join('\n'));
    else if (!errors.length)
      ctx.err(
        allNs || blocks.every((b) => CLUSTER_SCOPED.has(b.r.kind)) ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`,
      );
  }
  for (const e of errors) ctx.err(e + '\n');
  return errors.length ? 1 : 0;
}
