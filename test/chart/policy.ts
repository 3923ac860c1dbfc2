// The chart's security policy as one function, so the same rules check every values set and can
// themselves be tested against manifests that break them (a rule that never fails proves nothing).
import type { Rendered } from './helm.ts';

/** One line per broken rule: "<owner> container <name>: <what is wrong>". Empty when all hold. */
export function securityViolations(rendered: Rendered): string[] {
  const out: string[] = [];
  for (const { owner, spec } of rendered.podSpecs()) {
    const pod = spec.securityContext ?? {};
    if (spec.automountServiceAccountToken !== false) out.push(`${owner}: automountServiceAccountToken is not false`);
    for (const hostFlag of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[hostFlag] === true) out.push(`${owner}: ${hostFlag} is true`);
    }
    if (pod.runAsUser === 0) out.push(`${owner}: pod runAsUser is 0 (root)`);
    const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    if (containers.length === 0) out.push(`${owner}: no containers`);
    for (const c of containers) {
      const where = `${owner} container ${c.name}`;
      const sc = c.securityContext ?? {};
      // A container-level setting overrides the pod-level one, as the kubelet applies them.
      const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
      const runAsUser = sc.runAsUser ?? pod.runAsUser;
      const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (runAsNonRoot !== true) out.push(`${where}: runAsNonRoot is not true`);
      if (runAsUser === 0) out.push(`${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) out.push(`${where}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
      if ((sc.capabilities?.add ?? []).length > 0) out.push(`${where}: adds capabilities ${sc.capabilities.add.join(',')}`);
      if (seccomp !== 'RuntimeDefault') out.push(`${where}: seccompProfile is ${seccomp ?? 'unset'}, not RuntimeDefault`);
      const tag = imageTag(String(c.image ?? ''));
      if (!tag) out.push(`${where}: image ${c.image} has no tag`);
      else if (tag.toLowerCase() === 'latest') out.push(`${where}: image ${c.image} uses the latest tag`);
      for (const kind of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) {
          if (c.resources?.[kind]?.[resource] === undefined) out.push(`${where}: no ${kind}.${resource}`);
        }
      }
    }
  }
  return out;
}

/** The tag of an image reference ("repo/name:tag" or "host:5000/name:tag@sha256:…"), or undefined. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const name = withoutDigest.slice(lastSlash + 1);
  const colon = name.indexOf(':');
  return colon === -1 ? undefined : name.slice(colon + 1) || undefined;
}
