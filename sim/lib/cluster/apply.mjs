// @ts-check
// Creating/updating objects from manifests (helm and kubectl apply), with the API server's
// validation that matters here: namespaces exist, NodePorts free and in range, immutable fields,
// Helm ownership metadata.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getObject, putObject, listObjects, CLUSTER_SCOPED, deleteObject } from '../model.mjs';
import { sha256, kubeJSON } from '../util.mjs';
import { reconcile } from './controllers.mjs';
import { requestPodDeletion, createPod } from './pods.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';
import { crdStatus } from './crds.mjs';

const GROUPS = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  ReplicaSet: 'apps',
  DaemonSet: 'apps',
  HorizontalPodAutoscaler: 'autoscaling',
  PodDisruptionBudget: 'policy',
  Ingress: 'networking.k8s.io',
  NetworkPolicy: 'networking.k8s.io',
  Job: 'batch',
  CronJob: 'batch',
  Role: 'rbac.authorization.k8s.io',
  RoleBinding: 'rbac.authorization.k8s.io',
  StorageClass: 'storage.k8s.io',
  CustomResourceDefinition: 'apiextensions.k8s.io',
  ServiceMonitor: 'monitoring.coreos.com',
};
export const kindRef = (kind) => `${kind.toLowerCase()}${GROUPS[kind] ? '.' + GROUPS[kind] : ''}`;
const typeName = (kind) => `${kind}${GROUPS[kind] ? '.' + GROUPS[kind] : ''}`;

function allocClusterIP(c, name) {
  const used = new Set(listObjects(c, 'Service').map((s) => s.spec.clusterIP));
  for (let i = 0; i < 1000; i++) {
    const h = Buffer.from(sha256(`${name}:${i}`), 'hex');
    const ip = `10.${96 + (h[0] % 16)}.${h[1]}.${1 + (h[2] % 254)}`;
    if (!used.has(ip)) return ip;
  }
  return '10.96.200.200';
}
function allocNodePort(c, name) {
  const used = new Set(
    listObjects(c, 'Service')
      .flatMap((s) => (s.spec.ports ?? []).map((p) => p.nodePort))
      .filter(Boolean),
  );
  for (let i = 0; i < 3000; i++) {
    const port = 30000 + (parseInt(sha256(`${name}:np:${i}`).slice(0, 8), 16) % 2768);
    if (!used.has(port)) return port;
  }
  return 32767;
}

/** Same object, compared as stored spec (for "unchanged"). */
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Apply manifests.
 * @param {any} state @param {any} c
 * @param {any[]} objs
 * @param {{ ns: string, now: number, faults: any, release?: { name: string, namespace: string }, oldObjs?: any[], dryRun?: boolean }} o
 * @returns {{ results: { ref: string, action: 'created'|'configured'|'unchanged' }[], error: string|null }}
 */
export function applyObjects(state, c, objs, o) {
  const results = [];
  // validation pass first (the API server rejects before anything is written for that object)
  for (const raw of objs) {
    const obj = structuredClone(raw);
    if (!obj?.kind || !obj?.metadata?.name) return { results, error: `error validating data: [apiVersion not set, kind not set]` };
    const ns = CLUSTER_SCOPED.has(obj.kind) ? '' : (obj.metadata.namespace ?? o.ns);
    if (ns && !getObject(c, 'Namespace', '', ns) && !objs.some((x) => x.kind === 'Namespace' && x.metadata.name === ns))
      return { results, error: `namespaces "${ns}" not found`, kind: 'ns' };
    const ex = getObject(c, obj.kind, ns, obj.metadata.name);
    if (o.release && ex) {
      const a = ex.metadata.annotations ?? {};
      const l = ex.metadata.labels ?? {};
      const errs = [];
      if (l['app.kubernetes.io/managed-by'] !== 'Helm')
        errs.push(`label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"`);
      if (a['meta.helm.sh/release-name'] !== o.release.name)
        errs.push(
          `annotation validation error: ${a['meta.helm.sh/release-name'] ? `key "meta.helm.sh/release-name" must equal "${o.release.name}": current value is "${a['meta.helm.sh/release-name']}"` : `missing key "meta.helm.sh/release-name": must be set to "${o.release.name}"`}`,
        );
      if (a['meta.helm.sh/release-namespace'] !== o.release.namespace)
        errs.push(
          `annotation validation error: ${a['meta.helm.sh/release-namespace'] ? `key "meta.helm.sh/release-namespace" must equal "${o.release.namespace}": current value is "${a['meta.helm.sh/release-namespace']}"` : `missing key "meta.helm.sh/release-namespace": must be set to "${o.release.namespace}"`}`,
        );
      if (errs.length)
        return {
          results,
          error: `rendered manifests contain a resource that already exists. Unable to continue with ${o.oldObjs ? 'update' : 'install'}: ${obj.kind} "${obj.metadata.name}" in namespace "${ns}" exists and cannot be imported into the current release: invalid ownership metadata; ${errs.join('; ')}`,
          kind: 'owner',
        };
    }
    if (obj.kind === 'Service') {
      for (const [i, p] of (obj.spec?.ports ?? []).entries()) {
        if (p.nodePort === undefined) continue;
        if (obj.spec.type !== 'NodePort' && obj.spec.type !== 'LoadBalancer')
          return {
            results,
            error: `${verb(ex)} "${obj.metadata.name}" with kind Service: Service "${obj.metadata.name}" is invalid: spec.ports[${i}].nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'`,
          };
        if (p.nodePort < 30000 || p.nodePort > 32767)
          return {
            results,
            error: `${verb(ex)} "${obj.metadata.name}" with kind Service: Service "${obj.metadata.name}" is invalid: spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`,
          };
        const clash = listObjects(c, 'Service').find(
          (s) =>
            !(s.metadata.namespace === ns && s.metadata.name === obj.metadata.name) &&
            (s.spec.ports ?? []).some((q) => q.nodePort === p.nodePort),
        );
        if (clash)
          return {
            results,
            error: `${verb(ex)} "${obj.metadata.name}" with kind Service: Service "${obj.metadata.name}" is invalid: spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is already allocated`,
          };
      }
    }
    if (ex && obj.kind === 'StatefulSet') {
      const strip = (s) => {
        const x = structuredClone(s ?? {});
        for (const k of ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'])
          delete x[k];
        for (const v of x.volumeClaimTemplates ?? []) {
          delete v.status;
          v.spec ??= {};
          v.spec.volumeMode ??= 'Filesystem';
        }
        x.podManagementPolicy ??= 'OrderedReady';
        x.revisionHistoryLimit ??= 10;
        return x;
      };
      if (!same(strip(ex.spec), strip(obj.spec)))
        return {
          results,
          error: `cannot patch "${obj.metadata.name}" with kind StatefulSet: StatefulSet.apps "${obj.metadata.name}" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
        };
    }
    if (ex && (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') && !same(ex.spec.selector, obj.spec.selector)) {
      return {
        results,
        error: `cannot patch "${obj.metadata.name}" with kind ${obj.kind}: ${typeName(obj.kind)} "${obj.metadata.name}" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{...}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`,
      };
    }
  }
  if (o.dryRun) return { results, error: null };
  for (const raw of objs) {
    const obj = structuredClone(raw);
    const ns = CLUSTER_SCOPED.has(obj.kind) ? '' : (obj.metadata.namespace ?? o.ns);
    if (ns) obj.metadata.namespace = ns;
    if (o.release) {
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'Helm' };
      obj.metadata.annotations = {
        ...(obj.metadata.annotations ?? {}),
        'meta.helm.sh/release-name': o.release.name,
        'meta.helm.sh/release-namespace': o.release.namespace,
      };
    }
    delete obj.status;
    if (obj.kind === 'CustomResourceDefinition') obj.status = crdStatus(obj, o.now);
    const ex = getObject(c, obj.kind, ns, obj.metadata.name);
    const ref = `${kindRef(obj.kind)}/${obj.metadata.name}`;
    if (obj.kind === 'Secret') {
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
      obj.data ??= {};
    }
    if (obj.kind === 'Service') {
      obj.spec.type ??= 'ClusterIP';
      obj.spec.clusterIP =
        ex?.spec.clusterIP ??
        (obj.spec.clusterIP && obj.spec.clusterIP !== '' ? obj.spec.clusterIP : allocClusterIP(c, `${ns}/${obj.metadata.name}`));
      if (obj.spec.clusterIP === 'None') obj.spec.clusterIPs = ['None'];
      else obj.spec.clusterIPs = [obj.spec.clusterIP];
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
        if ((obj.spec.type === 'NodePort' || obj.spec.type === 'LoadBalancer') && !p.nodePort) {
          const prev = ex?.spec.ports?.find((q) => q.port === p.port && q.nodePort);
          p.nodePort = prev?.nodePort ?? allocNodePort(c, `${ns}/${obj.metadata.name}:${p.port}`);
        }
      }
    }
    if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') {
      obj.spec.replicas ??= 1;
      if (o.serverSide) {
        // helm 4 server-side apply (patchResourceServerSide, pkg/kube/client.go): no three-way
        // merge; a .spec.replicas that `kubectl scale` owns (scale subresource) and the chart sets
        // to another value is a conflict unless --force-conflicts, which takes the field over.
        if (ex && ex._replicasManager === 'kubectl' && ex.spec.replicas !== obj.spec.replicas && !o.serverSide.force) {
          return {
            results,
            error: `conflict occurred while applying object ${ns}/${obj.metadata.name} apps/v1, Kind=${obj.kind}: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas`,
          };
        }
        obj._replicasManager = ex && ex.spec.replicas === obj.spec.replicas ? ex._replicasManager : 'helm';
      } else if (ex && o.oldObjs) {
        // helm's three-way merge: a replica count the chart did not change keeps the live value (kubectl scale)
        const old = o.oldObjs.find((x) => x.kind === obj.kind && x.metadata.name === obj.metadata.name);
        if (old && (old.spec?.replicas ?? 1) === obj.spec.replicas) obj.spec.replicas = ex.spec.replicas;
      }
      if (ex && !same(ex.spec.template, obj.spec.template)) obj._specChangedAt = o.now;
      else if (ex) obj._specChangedAt = ex._specChangedAt;
      if (ex?._system) obj._system = ex._system;
      if (!o.serverSide && ex?._replicasManager)
        obj._replicasManager = ex.spec.replicas === obj.spec.replicas ? ex._replicasManager : 'helm';
    }
    if (obj.kind === 'PersistentVolumeClaim' && ex) {
      results.push({ ref, action: 'unchanged' });
      continue;
    }
    if (obj.kind === 'Pod') {
      if (ex) {
        results.push({ ref, action: 'unchanged' });
        continue;
      }
      createPod(state, c, { owner: null, template: { metadata: obj.metadata, spec: obj.spec }, name: obj.metadata.name, t: o.now });
      results.push({ ref, action: 'created' });
      continue;
    }
    if (ex) {
      const before = JSON.stringify({ s: ex.spec, d: ex.data, l: ex.metadata.labels, a: ex.metadata.annotations, t: ex.type });
      const merged = { ...obj, metadata: { ...obj.metadata } };
      putObject(state, c, merged, o.now);
      const after = JSON.stringify({
        s: merged.spec,
        d: merged.data,
        l: merged.metadata.labels,
        a: merged.metadata.annotations,
        t: merged.type,
      });
      results.push({ ref, action: before === after ? 'unchanged' : 'configured' });
    } else {
      putObject(state, c, obj, o.now);
      results.push({ ref, action: 'created' });
    }
  }
  reconcile(state, c, o.now, o.faults);
  return { results, error: null };
}
const verb = (ex) => (ex ? 'cannot patch' : 'failed to create');

/** Delete objects (helm uninstall / objects dropped from a chart). Pods of controllers terminate gracefully. */
export function deleteObjects(state, c, objs, ns, now) {
  for (const obj of [...objs].reverse()) {
    const n = CLUSTER_SCOPED.has(obj.kind) ? '' : (obj.metadata.namespace ?? ns);
    const ex = getObject(c, obj.kind, n, obj.metadata.name);
    if (!ex) continue;
    if (obj.kind === 'Pod') {
      requestPodDeletion(state, c, ex, now);
      continue;
    }
    deleteObject(c, obj.kind, n, obj.metadata.name);
    if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(obj.kind)) cascade(state, c, ex, now);
  }
}

/** Background cascading deletion of a controller's dependents. */
export function cascade(state, c, owner, now) {
  for (const o of Object.values(c.objects)) {
    if (!(o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid)) continue;
    if (o.kind === 'Pod') requestPodDeletion(state, c, o, now);
    else {
      deleteObject(c, o.kind, o.metadata.namespace, o.metadata.name);
      cascade(state, c, o, now);
    }
  }
}

/** kubectl apply -f <file|-> */
export async function kubectlApply(K) {
  const { ctx, p } = K;
  const YAML = (await import('yaml')).default;
  if (!p.flags.filename.length) {
    ctx.err('error: must specify one of -f and -k\n');
    return 1;
  }
  if (p.flags.prune || p.flags.kustomize) {
    const { notImplemented } = await import('../common.mjs');
    notImplemented(ctx, 'kubectl', 'apply --prune/-k');
  }
  // Server-side apply (the runbooks' pull secret): the same objects, reported as kubectl's
  // PrintFlags does for it ("serverside-applied").
  const serverSide = Boolean(p.flags['server-side']);
  const objs = [];
  for (const f of p.flags.filename) {
    let text;
    try {
      text = f === '-' || f === '/dev/stdin' ? (await ctx.readStdin()).toString('utf8') : readFileSync(resolve(ctx.cwd, f), 'utf8');
    } catch {
      ctx.err(`error: the path "${f}" does not exist\n`);
      return 1;
    }
    for (const d of YAML.parseAllDocuments(text)) {
      const o = d.toJS();
      if (!o) continue;
      if (o.kind === 'List') objs.push(...(o.items ?? []));
      else objs.push(o);
    }
  }
  const dry = p.flags['dry-run'];
  const r = await withCluster(K, (c, state, ns, now) =>
    applyObjects(state, c, objs, { ns, now, faults: ctx.faults, dryRun: !!dry && dry !== 'none' }),
  );
  if (r.error) {
    ctx.err(
      `Error from server (${r.kind === 'ns' ? 'NotFound' : 'Invalid'}): error when ${'creating'} "${p.flags.filename[0]}": ${r.error}\n`,
    );
    return 1;
  }
  const suffix = dry && dry !== 'none' ? ` (${dry === 'server' ? 'server ' : ''}dry run)` : '';
  for (const x of dry && dry !== 'none'
    ? objs.map((o) => ({ ref: `${kindRef(o.kind)}/${o.metadata.name}`, action: 'created' }))
    : r.results)
    ctx.out(`${x.ref} ${serverSide && !suffix ? 'serverside-applied' : x.action}${suffix}\n`);
  void kubeJSON;
  return 0;
}
