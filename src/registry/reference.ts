// Where the images go when the cluster pulls them from a registry (IMAGE_REGISTRY): the prefix the
// user gives ("ghcr.io/you", "127.0.0.1:5000/team"), the registry host `docker login` needs, and the
// reference each image is pushed as. The grammar is the one docker and containerd parse a reference
// with (distribution/reference's regexp.go: domain = host components joined by "." with an optional
// ":port"; path components lowercase, separated by "/", inner separators ".", "_", "__" or "-"s).
// The first component must name a host (a "." or ":" in it, or "localhost", as reference's
// splitDockerDomain decides): "you/team" alone would silently mean Docker Hub's docker.io/you/team.
import { UsageError } from '../errors.ts';

const HOST_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(`^(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const EXAMPLES = 'e.g. ghcr.io/you, docker.io/you, registry.example.com:5000/team or 127.0.0.1:5000';

/** The parsed IMAGE_REGISTRY: its host (what docker login and the pull secret name) and the whole prefix. */
export interface RegistryTarget {
  /** host[:port], e.g. ghcr.io or 127.0.0.1:5000. */
  host: string;
  /** host[:port][/namespace…], without a trailing "/". */
  prefix: string;
}

/** The setting's parser: '' (no registry: the images stay on the minikube node) or a registry prefix. */
export function registryPrefix(raw: string, name: string): RegistryTarget | undefined {
  const value = raw.trim();
  if (!value) return undefined;
  const bad = (why: string) => new UsageError(`${name} "${raw}" ${why}`, `give the registry host and optional namespace, ${EXAMPLES}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw bad('has a scheme: docker and the cluster take a host, not a URL');
  const [host = '', ...path] = value.replace(/\/+$/, '').split('/');
  if (!HOST.test(host)) throw bad(`does not start with a registry host ("${host}" is not one)`);
  if (!(host.includes('.') || host.includes(':') || host === 'localhost'))
    throw bad(`does not name a registry host: "${host}" would be read as a Docker Hub namespace (docker.io/${host})`);
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port && (Number(port) < 1 || Number(port) > 65535)) throw bad(`has port ${port}, outside 1-65535`);
  for (const component of path)
    if (!PATH_COMPONENT.test(component))
      throw bad(`has "${component}", which is not a repository path component (lowercase letters, digits, ".", "_", "-"; no tag)`);
  return { host, prefix: [host, ...path].join('/') };
}

/** The repository an image is pushed to and pulled from: <prefix>/<repository>. */
export function registryRepository(target: RegistryTarget, repository: string): string {
  return `${target.prefix}/${repository}`;
}

/** A pushed image's reference by digest, as containerd reports it in a pod's imageID. */
export function digestReference(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}
