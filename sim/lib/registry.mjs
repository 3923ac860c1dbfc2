// @ts-check
// The simulated registries: what `docker push` stores and a node pulls. Every registry host is
// reachable; `SIM_FAULTS=registry-auth=<user>:<password>` makes all of them demand that login
// (docker login, docker push, and the kubelet's pull with the pod's imagePullSecrets), as a
// Distribution registry with htpasswd does. Without the fault a registry is open, like one
// without an auth section: any login is accepted.
//
// Texts the real tools print (docker/cli, moby, containerd 1.6, kubelet 1.34):
// - login refused: "Error response from daemon: login attempt to <scheme>://<host>/v2/ failed with
//   status: 401 Unauthorized" (moby registry/auth.go loginV2); http for loopback hosts, which
//   Docker treats as insecure registries by default.
// - push without a login the registry takes: "no basic auth credentials" (moby's distribution
//   push, from the registry's 401 with a Basic challenge).
// - a pull refused: containerd's resolver "pulling from host <host> failed with status code
//   [manifests <tag>]: 401 Unauthorized" (remotes/docker/resolver.go), wrapped by the CRI plugin in
//   "failed to pull and unpack image …: failed to resolve reference …" (pkg/cri/server/image_pull.go,
//   pull.go), which the kubelet shows as ErrImagePull, then "Back-off pulling image …" as
//   ImagePullBackOff (pkg/kubelet/images/image_manager.go).
import { sha256 } from './util.mjs';

/** The registry host of a reference that names one (a first component with "." or ":", or localhost). */
export function hostOf(ref) {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
}

/** Loopback registries are plain HTTP for Docker and containerd alike. */
export const schemeOf = (host) => (/^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host) ? 'http' : 'https');

/** repository and tag of a reference with a registry host. */
export function splitRef(ref) {
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  return colon < 0 ? { repository: ref, tag: 'latest' } : { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** The login the registries demand, from the registry-auth fault; undefined: they are open. */
export function requiredLogin(faults) {
  const value = faults.values('registry-auth')[0];
  if (!value) return undefined;
  const at = value.indexOf(':');
  return { username: value.slice(0, at), password: value.slice(at + 1) };
}

/** Whether these credentials (or none) pass. */
export function accepted(faults, creds) {
  const need = requiredLogin(faults);
  return !need || (Boolean(creds) && creds.username === need.username && creds.password === need.password);
}

/** The credentials for `host` in a docker config.json document ({auths: {host: {auth | username+password}}}). */
export function credentialsIn(config, host) {
  const entry = config?.auths?.[host];
  if (!entry) return undefined;
  if (entry.username) return { username: entry.username, password: entry.password ?? '' };
  const plain = Buffer.from(entry.auth ?? '', 'base64').toString('utf8');
  const at = plain.indexOf(':');
  return at < 0 ? undefined : { username: plain.slice(0, at), password: plain.slice(at + 1) };
}

/** Stores a pushed image; returns the manifest digest, the same for the same image and repository. */
export function storeManifest(state, ref, image) {
  const { repository, tag } = splitRef(ref);
  state.registries ??= {};
  const repo = (state.registries[repository] ??= { tags: {}, manifests: {} });
  const digest = `sha256:${sha256(`manifest:${repository}:${image.id}`)}`;
  repo.manifests[digest] = { imageId: image.id, size: image.size, created: image.created, config: image.config ?? null };
  repo.tags[tag] = digest;
  return { digest, manifestBytes: 1000 + (parseInt(digest.slice(7, 11), 16) % 1000) };
}

/** What a registry serves for a reference: its manifest and digest, or undefined. */
export function manifestOf(state, ref) {
  const { repository, tag } = splitRef(ref);
  const repo = state.registries?.[repository];
  const digest = repo?.tags[tag];
  return digest ? { repository, digest, ...repo.manifests[digest] } : undefined;
}

/** The pod's pull credentials for `host`, from its imagePullSecrets (kubernetes.io/dockerconfigjson Secrets of its namespace). */
export function podPullCredentials(secrets, pod, host) {
  for (const { name } of pod.spec?.imagePullSecrets ?? []) {
    const secret = secrets.find((s) => s.metadata.name === name && s.metadata.namespace === pod.metadata.namespace);
    if (!secret || secret.type !== 'kubernetes.io/dockerconfigjson') continue;
    let config;
    try {
      config = JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8'));
    } catch {
      continue;
    }
    const creds = credentialsIn(config, host);
    if (creds) return creds;
  }
  return undefined;
}

/** containerd's error for a pull the registry refused or does not have, as the kubelet shows it (see the header). */
export function pullError(ref, host, tag, status) {
  return `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${
    status === 404 ? `${ref}: not found` : `pulling from host ${host} failed with status code [manifests ${tag}]: 401 Unauthorized`
  }`;
}
