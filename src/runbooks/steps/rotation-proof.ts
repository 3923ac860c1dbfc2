// What proves a secret rotation: the workloads that read a rotated key rolled (their pod
// template's checksum/secret changed and none of their pods from before is left), every running
// pod of them sees the new value (a SHA-256 computed inside the pod, compared with the new
// value's), and the old value is in no object of the namespace and no revision helm keeps.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { RunbookContext } from '../../runbook.ts';
import type { KubeObject } from '../../tools/kubectl.ts';
import { COMPONENT_LABEL, RUN_TO_COMPLETION, releaseSelector } from '../../cluster/labels.ts';
import { podState } from '../../cluster/pods.ts';
import { envDigestCommand, parseDigests } from '../../cluster/rotation-commands.ts';
import { registerSecret } from '../../redact.ts';

export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export interface Workload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  component: string;
  /** The pod template's checksum/secret annotation (the chart's, templates/_helpers.tpl). */
  checksum: string;
  /** Secret keys each container reads through secretKeyRef. */
  reads: Record<string, string[]>;
  /** Live pods: name → uid. */
  pods: Record<string, string>;
}

function secretReads(template: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of template?.spec?.containers ?? [])
    out[c.name] = (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.key).filter((k: unknown): k is string => typeof k === 'string');
  return out;
}

const ownedBy = (pod: KubeObject, component: string) => pod.metadata.labels?.[COMPONENT_LABEL] === component;

/** The release's Deployments and StatefulSets with their template's checksum, the keys they read and their live pods. */
export async function snapshotWorkloads(ctx: RunbookContext): Promise<Workload[]> {
  const { namespace, release } = ctx.settings;
  const selector = releaseSelector(release);
  const kubectl = ctx.tools.kubectl;
  const [deployments, statefulSets, pods] = await Promise.all([
    kubectl.list('deployments', namespace, selector),
    kubectl.list('statefulsets', namespace, selector),
    kubectl.list('pods', namespace, selector),
  ]);
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const one =
    (kind: Workload['kind']) =>
    (o: KubeObject): Workload => {
      const component = o.metadata.labels?.[COMPONENT_LABEL] ?? o.metadata.name;
      return {
        kind,
        name: o.metadata.name,
        component,
        checksum: o.spec?.template?.metadata?.annotations?.['checksum/secret'] ?? '',
        reads: secretReads(o.spec?.template),
        pods: Object.fromEntries(live.filter((p) => ownedBy(p, component)).map((p) => [p.metadata.name, p.metadata.uid ?? ''])),
      };
    };
  return [...deployments.map(one('Deployment')), ...statefulSets.map(one('StatefulSet'))];
}

/**
 * Waits until the release's pods have settled after a rollout: none terminating, every one Ready
 * (`kubectl wait -l` fails on a pod that goes while it waits). Returns what was seen last.
 */
export async function waitSettled(ctx: RunbookContext, timeoutMs: number): Promise<string> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (;;) {
    const pods = (await ctx.tools.kubectl.list('pods', ctx.settings.namespace, releaseSelector(ctx.settings.release)))
      .map(podState)
      .filter((p) => !RUN_TO_COMPLETION.has(p.component));
    const waiting = pods
      .filter((p) => p.deleting || !p.ready)
      .map((p) => `${p.name} ${p.deleting ? 'terminating' : (p.reason ?? 'not Ready')}`);
    if (!waiting.length || ctx.clock.now() >= deadline)
      return waiting.length ? `still: ${waiting.join(', ')}` : `${pods.length} pod(s) Ready`;
    await ctx.clock.sleep(1000);
  }
}

/** Which workloads read any of `keys`. */
export function readersOf(workloads: Workload[], keys: string[]): Workload[] {
  return workloads.filter((w) => Object.values(w.reads).some((ks) => ks.some((k) => keys.includes(k))));
}

/** ROTATE-ROLLED-<COMPONENT>: a new pod template checksum and no pod from before left. */
export function checkRolled(ctx: RunbookContext, before: Workload[], after: Workload[], keys: string[]): void {
  for (const b of readersOf(before, keys)) {
    const a = after.find((w) => w.kind === b.kind && w.name === b.name);
    const left = a ? Object.values(a.pods).filter((uid) => Object.values(b.pods).includes(uid)) : [];
    const changed = Boolean(a && a.checksum && a.checksum !== b.checksum);
    const count = a ? Object.keys(a.pods).length : 0;
    ctx.check({
      id: `ROTATE-ROLLED-${b.component.toUpperCase()}`,
      title: `${b.kind} ${b.name} rolled onto the new Secret`,
      expected: 'pod template checksum/secret changed; every pod new (no pod UID from before)',
      measured: !a
        ? 'the workload is gone'
        : `checksum/secret ${changed ? `${b.checksum.slice(0, 12)}… → ${a.checksum.slice(0, 12)}…` : 'unchanged'}; ${count} pod(s), ${left.length} from before`,
      pass: changed && left.length === 0 && count > 0,
      remedy: `kubectl rollout status ${b.kind.toLowerCase()}/${b.name} -n ${ctx.settings.namespace} --context ${ctx.tools.kubectl.context}`,
    });
  }
}

/**
 * ROTATE-POD-VALUES: in every live pod of the workloads that read a rotated key, the SHA-256 of
 * each such variable equals the new value's. The digests are registered as secrets first, so the
 * transcript masks them too.
 */
export async function checkPodValues(ctx: RunbookContext, workloads: Workload[], expected: Record<string, string>): Promise<void> {
  const digests = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, sha256(v)]));
  for (const d of Object.values(digests)) registerSecret(d);
  const keys = Object.keys(expected);
  const wrong: string[] = [];
  let compared = 0;
  for (const w of readersOf(workloads, keys)) {
    for (const [container, reads] of Object.entries(w.reads)) {
      const mine = reads.filter((k) => keys.includes(k));
      if (!mine.length) continue;
      for (const pod of Object.keys(w.pods)) {
        const printed = await ctx.tools.kubectl.execIn({ pod, container, namespace: ctx.settings.namespace }, envDigestCommand(mine), {
          timeoutMs: 60_000,
          why: `the SHA-256 of ${mine.join(', ')} as ${pod} sees it (never the value)`,
          remedy: `kubectl get pod ${pod} -n ${ctx.settings.namespace} --context ${ctx.tools.kubectl.context}`,
        });
        const seen = parseDigests(mine, printed);
        for (const k of mine) {
          compared++;
          if (seen[k] !== digests[k]) wrong.push(`${pod} ${k}`);
        }
      }
    }
  }
  ctx.check({
    id: 'ROTATE-POD-VALUES',
    title: 'every running pod that reads a rotated key has the new value',
    expected: `the SHA-256 inside each pod equals the new value's, for ${keys.join(', ')}`,
    measured: wrong.length
      ? `${wrong.length} of ${compared} differ: ${wrong.join(', ')}`
      : `${compared} pod × key digest(s) equal the new values'`,
    pass: compared > 0 && wrong.length === 0,
    remedy: `a pod still runs with the old value: kubectl rollout restart deployment -n ${ctx.settings.namespace} --context ${ctx.tools.kubectl.context}`,
  });
}

/** Every form an old value can be stored in: as is, base64 (Secret data), percent-encoded (a URL). */
export function forms(value: string): string[] {
  return [...new Set([value, Buffer.from(value, 'utf8').toString('base64'), encodeURIComponent(value)])];
}

/** Helm's own record of a revision in a Secret (type helm.sh/release.v1): base64 of gzip of JSON (helm pkg/storage/driver/util.go encodeRelease). */
export function decodeHelmRecord(secret: KubeObject): string {
  const data = secret.data?.release;
  if (secret.type !== 'helm.sh/release.v1' || !data) return '';
  try {
    const once = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
    return once[0] === 0x1f && once[1] === 0x8b ? gunzipSync(once).toString('utf8') : once.toString('utf8');
  } catch {
    return '';
  }
}

/** Where in the namespace and in helm's history an old value still is: "<where>: <KEY>" lines. */
export async function findOldValues(ctx: RunbookContext, old: Record<string, string[]>): Promise<{ found: string[]; searched: string[] }> {
  const { namespace, release } = ctx.settings;
  const kubectl = ctx.tools.kubectl;
  const places: Array<[string, string]> = [];
  const secrets = await kubectl.list('secrets', namespace);
  for (const s of secrets) {
    const decoded = Object.entries(s.data ?? {}).map(([k, v]) => `${k}=${Buffer.from(v, 'base64').toString('utf8')}`);
    places.push([`Secret ${s.metadata.name}`, `${JSON.stringify(s)}\n${decoded.join('\n')}\n${decodeHelmRecord(s)}`]);
  }
  for (const kind of ['configmaps', 'pods', 'deployments', 'statefulsets', 'replicasets'] as const)
    for (const o of await kubectl.list(kind, namespace)) places.push([`${o.kind ?? kind} ${o.metadata.name}`, JSON.stringify(o)]);
  const history = await ctx.tools.helm.history(release, namespace);
  for (const h of history) {
    const values = JSON.stringify(await ctx.tools.helm.values(release, namespace, true, h.revision));
    const manifest = await ctx.tools.helm.manifest(release, namespace, h.revision);
    places.push([`helm revision ${h.revision}`, `${values}\n${manifest}`]);
  }
  const found: string[] = [];
  for (const [where, text] of places)
    for (const [key, values] of Object.entries(old))
      if (values.some((v) => forms(v).some((f) => text.includes(f)))) found.push(`${where}: ${key}`);
  const searched = [
    `${secrets.length} Secret(s) (helm's records decoded)`,
    'ConfigMaps, pods, Deployments, StatefulSets, ReplicaSets',
    `helm revision(s) ${history.map((h) => h.revision).join(', ')} (values and manifest)`,
  ];
  return { found, searched };
}
