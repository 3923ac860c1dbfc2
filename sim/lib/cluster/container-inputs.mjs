// @ts-check
// What a container needs before the kubelet can create it: its environment's Secret and ConfigMap
// references, and its image on the node (pull policy, public images, the image-missing fault).
import { getObject, listObjects, normRef, repoOf, storeGet } from '../model.mjs';
import { hostOf, manifestOf, podPullCredentials, accepted, pullError, splitRef } from '../registry.mjs';
import { sha256 } from '../util.mjs';
import { nodeImages } from './node.mjs';

/** Resolve env of a container (values at creation time). Returns { env } or { error }. */
export function resolveEnv(c, pod, ct) {
  const ns = pod.metadata.namespace;
  /** @type {Record<string,string>} */
  const env = {};
  const b64 = (s) => Buffer.from(s, 'base64').toString('utf8');
  for (const ef of ct.envFrom ?? []) {
    if (ef.configMapRef) {
      const cm = getObject(c, 'ConfigMap', ns, ef.configMapRef.name);
      if (!cm) {
        if (ef.configMapRef.optional) continue;
        return { error: `configmap "${ef.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[(ef.prefix ?? '') + k] = String(v);
    }
    if (ef.secretRef) {
      const s = getObject(c, 'Secret', ns, ef.secretRef.name);
      if (!s) {
        if (ef.secretRef.optional) continue;
        return { error: `secret "${ef.secretRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[(ef.prefix ?? '') + k] = b64(String(v));
    }
  }
  for (const e of ct.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, k) => (k in env ? env[k] : m));
      continue;
    }
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = '';
      continue;
    }
    if (vf.secretKeyRef) {
      const s = getObject(c, 'Secret', ns, vf.secretKeyRef.name);
      if (!s) {
        if (vf.secretKeyRef.optional) continue;
        return { error: `secret "${vf.secretKeyRef.name}" not found` };
      }
      const v = s.data?.[vf.secretKeyRef.key];
      if (v === undefined) {
        if (vf.secretKeyRef.optional) continue;
        return { error: `couldn't find key ${vf.secretKeyRef.key} in Secret ${ns}/${vf.secretKeyRef.name}` };
      }
      env[e.name] = b64(v);
    } else if (vf.configMapKeyRef) {
      const cm = getObject(c, 'ConfigMap', ns, vf.configMapKeyRef.name);
      if (!cm) {
        if (vf.configMapKeyRef.optional) continue;
        return { error: `configmap "${vf.configMapKeyRef.name}" not found` };
      }
      const v = cm.data?.[vf.configMapKeyRef.key];
      if (v === undefined) {
        if (vf.configMapKeyRef.optional) continue;
        return { error: `couldn't find key ${vf.configMapKeyRef.key} in ConfigMap ${ns}/${vf.configMapKeyRef.name}` };
      }
      env[e.name] = String(v);
    } else if (vf.fieldRef) {
      const fp = vf.fieldRef.fieldPath;
      env[e.name] =
        fp === 'metadata.name'
          ? pod.metadata.name
          : fp === 'metadata.namespace'
            ? ns
            : fp === 'status.podIP'
              ? (pod._sim.runs.at(-1)?.ip ?? '')
              : fp === 'spec.nodeName'
                ? c.node.name
                : '';
    } else if (vf.resourceFieldRef) env[e.name] = '0';
  }
  return { env };
}

/** Is the image usable on the node, honouring pull policy, the pod's pull secrets and the image-missing fault? */
export function imageCheck(state, c, ct, faults, pod) {
  const store = nodeImages(state, c);
  const blockedRepo = faults.values('image-missing').some((m) => repoOf(m) === repoOf(ct.image));
  const img = blockedRepo ? null : storeGet(store, ct.image);
  const policy = ct.imagePullPolicy;
  if (policy === 'Never') {
    if (!img) return { reason: 'ErrImageNeverPull', message: `Container image "${ct.image}" is not present with pull policy of Never` };
    return { img };
  }
  if (policy === 'IfNotPresent' && img) return { img };
  if (img && img.system) return { img };
  const pushed = pod && fromRegistry(state, c, ct.image, faults, pod);
  if (pushed) return pushed;
  const pub = publicImage(ct.image);
  if (pub && !blockedRepo) return { pull: pub };
  const repo = repoOf(ct.image).replace(/^docker\.io\/(library\/)?/, '');
  return {
    reason: 'ErrImagePull',
    message: `Error response from daemon: pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
  };
}

/** Well-known public images a real minikube node pulls from Docker Hub (the app's own images exist nowhere). */
const PUBLIC = {
  'docker.io/library/postgres': 109_000_000,
  'docker.io/library/busybox': 4_300_000,
  'docker.io/library/alpine': 8_300_000,
  'docker.io/library/node': 135_000_000,
  'docker.io/library/python': 130_000_000,
  'docker.io/library/nginx': 72_000_000,
  'docker.io/library/redis': 45_000_000,
  'docker.io/curlimages/curl': 24_000_000,
  'docker.io/bitnami/postgresql': 280_000_000,
};
export function publicImage(ref) {
  const size = PUBLIC[repoOf(ref)];
  return size ? { ref, size, id: 'sha256:' + sha256('public:' + normRef(ref)) } : null;
}

/**
 * A pull from a simulated registry (sim/lib/registry.mjs) for an image whose repository was pushed
 * there: refused without the login it demands (the pod's imagePullSecrets), not found for an
 * unknown tag; else the image, named as the kubelet reports a pulled image (<repository>@<digest>).
 */
function fromRegistry(state, c, ref, faults, pod) {
  const host = hostOf(ref);
  const { repository, tag } = splitRef(ref);
  if (!host || !state.registries?.[repository]) return undefined;
  if (!accepted(faults, podPullCredentials(listObjects(c, 'Secret'), pod, host)))
    return { reason: 'ErrImagePull', message: pullError(ref, host, tag, 401) };
  const m = manifestOf(state, ref);
  if (!m) return { reason: 'ErrImagePull', message: pullError(ref, host, tag, 404) };
  return { pull: { ref, size: m.size, id: m.imageId, repoDigest: `${m.repository}@${m.digest}` } };
}
