// Built-in, non-AI diagnostics: a pure function from a namespace snapshot to findings, each with
// the evidence it rests on and a remedy in this project's terms (which runbook or command fixes
// it). The rules live in src/cluster/analysis/ (one per reason: container-rules.ts for a pod's
// containers, object-rules.ts for everything else); every remedy text comes from the catalogue
// (analysis/remedies.ts), built from the run's profile, namespace, release and chart.
import type { Kubectl } from '../tools/kubectl.ts';
import { CommandFailed, lastLine } from '../errors.ts';
import type { ClusterSnapshot } from './snapshot.ts';
import type { Pod } from './kube-types.ts';
import { COMPONENT_LABEL } from './labels.ts';
import { EventIndex } from './analysis/events.ts';
import { type Finding, type Severity, firstFinding } from './analysis/finding.ts';
import { Remedies } from './analysis/remedies.ts';
import { DEFAULT_BACKUP_MAX_AGE_MS, backupFindings } from './backup-analysis.ts';
import { analyzeContainer, containerFacts } from './analysis/container-rules.ts';
import {
  type ObjectRule,
  type Scope,
  NODE_RULES,
  POD_RULES,
  allFindings,
  claimNotBound,
  metricsUnavailable,
  replicaSetFailedCreate,
  serviceWithoutReadyEndpoint,
  usageFindings,
  warningEventFindings,
  workloadRule,
} from './analysis/object-rules.ts';

export type { Finding, Severity } from './analysis/finding.ts';

export interface AnalyzeOptions {
  /** Helm release, used in the commands the remedies give (default todo-chatbot). */
  release?: string;
  /** Share of a container's limit at which its use is reported (default 0.8). */
  usageThreshold?: number;
  /** minikube profile, used in the minikube commands the remedies give (default minikube). */
  profile?: string;
  /** Chart path, used in the helm commands the remedies give (default helm/todo-chatbot). */
  chartDir?: string;
  /** The run's clock now (virtual when simulated): without it the age of the last backup is not judged. */
  now?: number;
  /** A scheduled backup whose last success is older than this is reported (default 26 h). */
  backupMaxAgeMs?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
/** Within a severity, causes before their consequences: a node or pod explains its Deployment and Service. */
const KIND_ORDER = ['node', 'persistentvolumeclaim', 'pod', 'replicaset', 'statefulset', 'deployment', 'service'];
const kindRank = (object: string) => {
  const rank = KIND_ORDER.indexOf(object.split('/')[0]!);
  return rank < 0 ? KIND_ORDER.length : rank;
};

/** Reasons for which a container never ran, so it has no logs worth fetching. */
const NEVER_RAN = new Set([
  'ErrImageNeverPull',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'Unschedulable',
  'FailedMount',
  'FailedCreatePodSandBox',
  'Evicted',
]);

/** Findings for a snapshot: pure and deterministic, most severe first, causes before consequences. */
export function analyze(snapshot: ClusterSnapshot, options: AnalyzeOptions = {}): Finding[] {
  const events = new EventIndex(snapshot.events);
  const remedies = new Remedies({
    profile: options.profile ?? 'minikube',
    namespace: snapshot.namespace,
    release: options.release ?? 'todo-chatbot',
    chartDir: options.chartDir ?? 'helm/todo-chatbot',
  });
  const s: Scope = { snapshot, ns: snapshot.namespace, threshold: options.usageThreshold ?? 0.8, events, remedies };
  const each = <T>(objects: T[], rule: ObjectRule<T>) => objects.map((o) => rule(o, s)).filter((f): f is Finding => f !== undefined);
  const out: Finding[] = [
    ...snapshot.nodes.flatMap((node) => allFindings(NODE_RULES, node, s)),
    ...snapshot.pods.flatMap((pod) => podFindings(pod, s)),
    ...each(snapshot.deployments, workloadRule('deployment')),
    ...each(snapshot.statefulsets, workloadRule('statefulset')),
    ...each(snapshot.replicasets, replicaSetFailedCreate),
    ...each(snapshot.services, serviceWithoutReadyEndpoint),
    ...each(snapshot.pvcs, claimNotBound),
    ...backupFindings({
      cronJobs: snapshot.cronjobs ?? [],
      jobs: snapshot.jobs ?? [],
      remedies,
      now: options.now,
      maxAgeMs: options.backupMaxAgeMs ?? DEFAULT_BACKUP_MAX_AGE_MS,
    }),
  ];
  const metrics = metricsUnavailable(s);
  if (metrics) out.push(metrics);
  else out.push(...snapshot.metrics.items.flatMap((item) => usageFindings(item, s)));
  // Last: warning events say something only when no finding above already covers their object.
  out.push(...warningEventFindings(s, new Set(out.map((f) => f.object))));
  pointAtCauses(out);
  return out.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      kindRank(a.object) - kindRank(b.object) ||
      a.object.localeCompare(b.object) ||
      a.reason.localeCompare(b.reason) ||
      a.evidence.localeCompare(b.evidence),
  );
}

/** A pod that is evicted or cannot be placed is one finding; otherwise each container speaks for itself. */
function podFindings(pod: Pod, s: Scope): Finding[] {
  if (pod.metadata.deletionTimestamp) return []; // on its way out; its replacement is what matters
  if (pod.status?.phase === 'Succeeded') return [];
  const whole = firstFinding(
    POD_RULES.map((rule) => (p: Pod) => rule(p, s)),
    pod,
  );
  if (whole) return [whole];
  const specs = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]));
  const init = new Set((pod.status?.initContainerStatuses ?? []).map((c) => c.name));
  const component = pod.metadata.labels?.[COMPONENT_LABEL];
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((cs) => analyzeContainer(containerFacts(pod, cs, specs.get(cs.name), init.has(cs.name), component, s.events, s.remedies)))
    .filter((f): f is Finding => f !== undefined);
}

/**
 * A Deployment or Service of a component whose pod already has a critical finding is down
 * because of that pod: its remedy names the pod finding instead of a generic "see the pods".
 */
function pointAtCauses(findings: Finding[]): void {
  const causes = new Map<string, Finding>();
  for (const f of findings)
    if (f.severity === 'critical' && f.object.startsWith('pod/') && f.component && !causes.has(f.component)) causes.set(f.component, f);
  for (const f of findings) {
    if (!/^(deployment|statefulset|service)\//.test(f.object) || !f.component) continue;
    const cause = causes.get(f.component);
    if (cause) f.remedy = Remedies.causedBy(cause);
  }
}

// ---------------------------------------------------------------- log tails

/**
 * The last lines of the logs of every container named in a critical pod finding, plus its
 * previous run when it restarted (a crash is in the previous run's output). Containers that never
 * ran (image or config missing) are left out: they have no logs.
 */
export async function podLogTails(
  kubectl: Kubectl,
  namespace: string,
  findings: Finding[],
  lines = 30,
  maxContainers = 6,
): Promise<Array<{ title: string; body: string }>> {
  const tails: Array<{ title: string; body: string }> = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.severity !== 'critical' || !f.object.startsWith('pod/') || !f.container || NEVER_RAN.has(f.reason)) continue;
    const pod = f.object.slice('pod/'.length);
    const key = `${pod}/${f.container}`;
    if (seen.has(key) || seen.size >= maxContainers) continue;
    seen.add(key);
    // A pod can be replaced between the snapshot and this read: its missing logs are evidence too.
    const tail = (previous: boolean) =>
      kubectl.logs(pod, f.container!, namespace, lines, previous).then(
        (text) => text.trim() || '(empty)',
        (error: unknown) => {
          if (error instanceof CommandFailed) return `(no logs: ${lastLine(error.stderr) || `exit ${error.exitCode}`})`;
          throw error;
        },
      );
    if ((f.restarts ?? 0) > 0)
      tails.push({ title: `logs of ${f.object}, container ${f.container}, previous run (last ${lines} lines)`, body: await tail(true) });
    tails.push({ title: `logs of ${f.object}, container ${f.container} (last ${lines} lines)`, body: await tail(false) });
  }
  return tails;
}

/** One line per finding, for prompts and summaries. */
export function summarizeFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'none';
  return findings
    .map((f) => `- [${f.severity}] ${f.object}${f.component ? ` (${f.component})` : ''}: ${f.reason} — ${f.evidence}`)
    .join('\n');
}
