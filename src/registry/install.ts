// 03's part with IMAGE_REGISTRY: the images must have been pushed (01), the pods pull them with a
// docker-registry Secret made from the same credentials, and the chart is told where they are.
//
// The pull secret is a kubernetes.io/dockerconfigjson Secret whose .dockerconfigjson is
// {"auths":{"<host>":{"username","password","auth":base64("user:password")}}} — what
// `kubectl create secret docker-registry` writes (k8s.io/kubectl pkg/cmd/create/create_secret_docker.go,
// handleDockerCfgJSONContent). It is sent on stdin to `kubectl apply --server-side`, so the
// password is never on a command line and no last-applied annotation keeps a copy of it.
import type { RunbookContext } from '../runbook.ts';
import type { PlannedImage } from '../images.ts';
import type { RegistryTarget } from './reference.ts';
import type { RegistryCredentials } from './session.ts';
import { registerSecret } from '../redact.ts';
import { pushedDigest } from './push.ts';
import { missingOnNode } from '../cluster/prereq-checks.ts';
import { requirePrerequisite } from '../prereqs.ts';

/** The Secret manifest (JSON), never written to disk or argv. */
export function pullSecretManifest(name: string, namespace: string, host: string, credentials: RegistryCredentials): string {
  const { username, password } = credentials;
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const config = JSON.stringify({ auths: { [host]: { username, password, auth } } });
  // Registered before it exists anywhere: kubectl may echo the object, and the Secret's data is its base64.
  registerSecret(config);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'todo-chatbot-runbooks' } },
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  });
}

/** Creates or updates the pull secret in the release's namespace (created first when missing). */
export async function ensurePullSecret(ctx: RunbookContext, target: RegistryTarget, credentials: RegistryCredentials): Promise<void> {
  const { namespace, registryPullSecret: name } = ctx.settings;
  const { kubectl } = ctx.tools;
  if (!(await kubectl.get('namespace', namespace))) await kubectl.createNamespace(namespace);
  const manifest = pullSecretManifest(name, namespace, target.host, credentials);
  await kubectl.apply(manifest, namespace, `the pods' pull secret for ${target.host}`, true);
  const secret = await kubectl.get('secret', name, namespace);
  ctx.require({
    id: 'PULL-SECRET',
    title: `pull secret ${name} for ${target.host}`,
    expected: `a kubernetes.io/dockerconfigjson Secret naming ${target.host}`,
    measured: secret
      ? `${secret.type}, for ${Object.keys(parseDockerConfig(secret.data?.['.dockerconfigjson'])).join(', ') || 'no registry'}`
      : 'missing',
    pass: secret?.type === 'kubernetes.io/dockerconfigjson' && target.host in parseDockerConfig(secret.data?.['.dockerconfigjson']),
    remedy: `kubectl get secret ${name} -n ${namespace} --context ${kubectl.context}; check your rights to create Secrets there`,
  });
}

function parseDockerConfig(data: string | undefined): Record<string, unknown> {
  try {
    return (JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) as { auths?: Record<string, unknown> }).auths ?? {};
  } catch {
    return {};
  }
}

/** Every image must be in the registry (pushed by 01 from here): the kubelet pulls it there. */
export async function requirePushed(ctx: RunbookContext, images: PlannedImage[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const image of images) {
    const digest = await pushedDigest(ctx, image);
    ctx.require({
      id: `PUSHED-${image.component.toUpperCase()}`,
      title: `${image.component} image in the registry`,
      expected: `${image.pushRef} pushed (a registry digest in docker image inspect's RepoDigests)`,
      measured: digest ? `${image.registryRepository}@${digest}` : 'not pushed from this machine',
      pass: Boolean(digest),
      remedy: 'npx zx runbooks/01-build.mjs with the same IMAGE_REGISTRY builds and pushes it',
    });
    digests[image.component] = digest!;
  }
  return digests;
}

/**
 * The chart values that make the pods pull from the registry: each component's repository there,
 * pullPolicy IfNotPresent (Never would refuse every image not already on the node; the tag is
 * content-derived, so a node's copy is never stale), and the pull secret when there are credentials.
 */
export function registryValues(images: PlannedImage[], pullSecret: string | undefined): Record<string, string> {
  const set: Record<string, string> = {};
  for (const i of images) {
    if (!i.registryRepository) continue;
    set[`${i.component}.image.repository`] = i.registryRepository;
    set[`${i.component}.image.pullPolicy`] = 'IfNotPresent';
  }
  if (pullSecret) set['imagePullSecrets[0].name'] = pullSecret;
  return set;
}

/**
 * 03's image precondition: with a registry every image must have been pushed (the kubelet pulls
 * it); without one every exact tag must be on the node (pullPolicy Never), else 02-load is offered.
 */
export async function requireImagesForInstall(ctx: RunbookContext, images: PlannedImage[]): Promise<void> {
  if (ctx.settings.imageRegistry) {
    await requirePushed(ctx, images);
    return;
  }
  const missing = await missingOnNode(ctx, images);
  await requirePrerequisite(ctx, {
    satisfied: missing.length === 0,
    what: `images not on the node: ${missing.map((i) => i.ref).join(', ')}`,
    id: '02-load',
    recheck: async () => (await missingOnNode(ctx, images)).length === 0,
  });
}

/** The pull secret when there are credentials; without them the registry must let the cluster pull anonymously. */
export async function pullSecretFor(
  ctx: RunbookContext,
  target: RegistryTarget,
  credentials: RegistryCredentials | undefined,
): Promise<string | undefined> {
  if (!credentials) {
    ctx.note(`REGISTRY_USERNAME is not set: no pull secret; the pods pull from ${target.host} without credentials`, 'warn');
    return undefined;
  }
  await ensurePullSecret(ctx, target, credentials);
  return ctx.settings.registryPullSecret;
}
