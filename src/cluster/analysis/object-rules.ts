// What is wrong with the namespace's objects other than containers: nodes, pods as a whole
// (evicted, unschedulable), Deployments and StatefulSets, ReplicaSets, Services, volume claims,
// resource use from the metrics API and warning events. One rule per reason, each returning a
// finding or nothing; the catalogue follows k8sgpt's analyzers (github.com/k8sgpt-ai/k8sgpt,
// pkg/analyzer: node.go, pod.go, deployment.go, replicaset.go, service.go, pvc.go, events).
import { formatMemory, parseCpu, parseMemory } from '../quantity.ts';
import { COMPONENT_LABEL } from '../labels.ts';
import type { ClusterSnapshot } from '../snapshot.ts';
import type { KubeEvent, Node, PersistentVolumeClaim, Pod, PodMetrics, ReplicaSet, Service, Workload } from '../kube-types.ts';
import { type EventIndex, byEventTime, eventCount } from './events.ts';
import { lastLine } from '../../errors.ts';
import { type Finding, condition, percent } from './finding.ts';
import type { Remedies } from './remedies.ts';

/** What every object rule may read besides its object. */
export interface Scope {
  snapshot: ClusterSnapshot;
  ns: string;
  /** Share of a container's limit at which its use is reported. */
  threshold: number;
  events: EventIndex;
  remedies: Remedies;
}

export type ObjectRule<T> = (object: T, s: Scope) => Finding | undefined;

/** Every finding the rules have for one object (unlike a container, a node can be short of memory and cordoned). */
export function allFindings<T>(rules: ReadonlyArray<ObjectRule<T>>, object: T, s: Scope): Finding[] {
  return rules.map((rule) => rule(object, s)).filter((f): f is Finding => f !== undefined);
}

const componentOf = (o: { metadata: { labels?: Record<string, string> } }) => o.metadata.labels?.[COMPONENT_LABEL];

// ---------------------------------------------------------------- nodes

const nodeNotReady: ObjectRule<Node> = (node, s) => {
  const ready = condition(node, 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  return {
    severity: 'critical',
    object: `node/${node.metadata.name}`,
    reason: 'NodeNotReady',
    evidence: `Ready is ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`,
    remedy: s.remedies.nodeNotReady(),
  };
};

function pressure(type: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure'): ObjectRule<Node> {
  return (node, s) => {
    const c = condition(node, type);
    if (c?.status !== 'True') return undefined;
    return {
      severity: 'warning',
      object: `node/${node.metadata.name}`,
      reason: type,
      evidence: c.message || `${type} is True`,
      remedy: s.remedies.nodePressure(type),
    };
  };
}

const cordoned: ObjectRule<Node> = (node, s) =>
  node.spec?.unschedulable
    ? {
        severity: 'warning',
        object: `node/${node.metadata.name}`,
        reason: 'NodeCordoned',
        evidence: 'spec.unschedulable is true: no new pod can be placed on it',
        remedy: s.remedies.nodeCordoned(node.metadata.name),
      }
    : undefined;

export const NODE_RULES = [nodeNotReady, pressure('MemoryPressure'), pressure('DiskPressure'), pressure('PIDPressure'), cordoned];

// ---------------------------------------------------------------- pods as a whole

const evicted: ObjectRule<Pod> = (pod, s) => {
  if (pod.status?.phase !== 'Failed' || pod.status.reason !== 'Evicted') return undefined;
  const component = componentOf(pod);
  return {
    severity: 'warning',
    object: `pod/${pod.metadata.name}`,
    component,
    reason: 'Evicted',
    evidence: pod.status.message || 'the kubelet evicted the pod',
    remedy: s.remedies.evicted(component, pod.metadata.name),
  };
};

const unschedulable: ObjectRule<Pod> = (pod, s) => {
  const scheduled = condition(pod, 'PodScheduled');
  if (pod.status?.phase !== 'Pending' || scheduled?.status !== 'False') return undefined;
  const failedScheduling = s.events.latest('Pod', pod.metadata.name, (e) => e.reason === 'FailedScheduling');
  const message = scheduled.message || failedScheduling?.message || 'the scheduler found no node for it';
  const component = componentOf(pod);
  return {
    severity: 'critical',
    object: `pod/${pod.metadata.name}`,
    component,
    reason: 'Unschedulable',
    evidence: `scheduler: ${message}`,
    remedy: /unbound .*PersistentVolumeClaim/i.test(message)
      ? s.remedies.unboundClaim()
      : /Insufficient (cpu|memory)/i.test(message) || !/taint|affinity|selector/i.test(message)
        ? s.remedies.clusterTooSmall(component)
        : s.remedies.noMatchingNode(component),
  };
};

/** A pod that is evicted or cannot be placed has no container worth looking at: the first of these that applies is its finding. */
export const POD_RULES = [evicted, unschedulable];

// ---------------------------------------------------------------- workloads

export function workloadRule(kind: 'deployment' | 'statefulset'): ObjectRule<Workload> {
  return (workload, s) => {
    const desired = workload.spec?.replicas ?? 1;
    const ready = workload.status?.readyReplicas ?? 0;
    const name = workload.metadata.name;
    const object = `${kind}/${name}`;
    const component = componentOf(workload);
    const progressing = kind === 'deployment' ? condition(workload, 'Progressing') : undefined;
    const updated = workload.status?.updatedReplicas;
    const counts = `${ready}/${desired} replicas ready${updated !== undefined ? `, ${updated} up to date` : ''}`;
    if (progressing?.status === 'False') {
      return {
        severity: 'critical',
        object,
        component,
        reason: progressing.reason || 'ProgressDeadlineExceeded',
        evidence: `${progressing.message ?? 'rollout stopped progressing'} (${counts})`,
        remedy: s.remedies.rolloutStalled(kind, name, component),
      };
    }
    if (desired > 0 && ready < desired) {
      return {
        severity: ready === 0 ? 'critical' : 'warning',
        object,
        component,
        reason: 'ReplicasNotReady',
        evidence: counts,
        remedy: s.remedies.seePods(kind, name, component),
      };
    }
    return undefined;
  };
}

export const replicaSetFailedCreate: ObjectRule<ReplicaSet> = (rs, s) => {
  if ((rs.spec?.replicas ?? 0) === 0) return undefined; // an old revision kept for rollback
  const failure = condition(rs, 'ReplicaFailure');
  const event = s.events.latest('ReplicaSet', rs.metadata.name, (e) => e.type === 'Warning' && e.reason === 'FailedCreate');
  if (failure?.status !== 'True' && !event) return undefined;
  const message = failure?.message || event?.message || 'the ReplicaSet could not create its pods';
  return {
    severity: 'critical',
    object: `replicaset/${rs.metadata.name}`,
    component: componentOf(rs),
    reason: 'FailedCreate',
    evidence: message,
    remedy: s.remedies.podsNotCreated(rs.metadata.name, message),
  };
};

// ---------------------------------------------------------------- services and storage

export const serviceWithoutReadyEndpoint: ObjectRule<Service> = (service, s) => {
  const selector = service.spec?.selector;
  if (service.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return undefined;
  const name = service.metadata.name;
  const matching = s.snapshot.pods.filter(
    (p) => !p.metadata.deletionTimestamp && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
  const endpoints = s.snapshot.endpoints.find((e) => e.metadata.name === name);
  let ready: number;
  let notReady: number;
  let source: string;
  if (endpoints) {
    const subsets = endpoints.subsets ?? [];
    ready = subsets.reduce((n, sub) => n + (sub.addresses?.length ?? 0), 0);
    notReady = subsets.reduce((n, sub) => n + (sub.notReadyAddresses?.length ?? 0), 0);
    source = 'endpoints';
  } else {
    ready = matching.filter((p) => condition(p, 'Ready')?.status === 'True').length;
    notReady = matching.length - ready;
    source = 'no Endpoints object; counted from the pods';
  }
  if (ready > 0) return undefined;
  const selectorText = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const component = componentOf(service) ?? selector[COMPONENT_LABEL];
  return {
    severity: 'critical',
    object: `service/${name}`,
    component,
    reason: notReady > 0 ? 'NotReadyEndpoints' : 'NoEndpoints',
    evidence: `no ready endpoint (${source}): ${notReady} not ready; selector ${selectorText} matches ${matching.length} pod(s)`,
    remedy: matching.length === 0 ? s.remedies.noPodSelected(component) : s.remedies.noPodReady(component),
  };
};

export const claimNotBound: ObjectRule<PersistentVolumeClaim> = (pvc, s) => {
  const phase = pvc.status?.phase;
  if (phase !== 'Pending' && phase !== 'Lost') return undefined;
  const failed = s.events.latest('PersistentVolumeClaim', pvc.metadata.name, (e) => e.type === 'Warning');
  return {
    severity: phase === 'Lost' || failed ? 'critical' : 'warning',
    object: `persistentvolumeclaim/${pvc.metadata.name}`,
    component: componentOf(pvc),
    reason: phase === 'Lost' ? 'PVCLost' : failed?.reason === 'ProvisioningFailed' ? 'ProvisioningFailed' : 'PVCPending',
    evidence: `phase ${phase}, storage class ${pvc.spec?.storageClassName ?? '(default)'}${failed ? `; ${failed.reason}: ${failed.message}` : ''}`,
    remedy: s.remedies.claimNotBound(),
  };
};

// ---------------------------------------------------------------- metrics

export function metricsUnavailable(s: Scope): Finding | undefined {
  const { metrics } = s.snapshot;
  if (metrics.available) return undefined;
  return {
    severity: 'info',
    object: 'apiservice/v1beta1.metrics.k8s.io',
    reason: 'MetricsUnavailable',
    evidence: `metrics API not available${metrics.error ? `: ${lastLine(metrics.error)}` : ''}; memory and CPU use were not checked`,
    remedy: s.remedies.metricsServer(),
  };
}

/** One measured container against its limits. */
interface Usage {
  pod: Pod;
  container: string;
  used: { cpu?: string; memory?: string };
  limits: Record<string, string>;
}

const highMemory: ObjectRule<Usage> = (u, s) => {
  const used = parseMemory(u.used.memory);
  const limit = parseMemory(u.limits.memory);
  if (used === undefined || !limit || used / limit < s.threshold) return undefined;
  const component = componentOf(u.pod);
  return {
    object: `pod/${u.pod.metadata.name}`,
    component,
    container: u.container,
    severity: 'warning',
    reason: 'HighMemory',
    evidence: `container ${u.container} uses ${formatMemory(used)} of its ${u.limits.memory} memory limit (${percent(used / limit)}); at the limit it is OOMKilled`,
    remedy: s.remedies.memory(component, u.limits.memory),
  };
};

const highCpu: ObjectRule<Usage> = (u, s) => {
  const used = parseCpu(u.used.cpu);
  const limit = parseCpu(u.limits.cpu);
  if (used === undefined || !limit || used / limit < s.threshold) return undefined;
  const component = componentOf(u.pod);
  return {
    object: `pod/${u.pod.metadata.name}`,
    component,
    container: u.container,
    severity: 'warning',
    reason: 'HighCPU',
    evidence: `container ${u.container} uses ${Math.round(used)}m of its ${u.limits.cpu} CPU limit (${percent(used / limit)}); above it the container is throttled`,
    remedy: s.remedies.cpu(component),
  };
};

const USAGE_RULES = [highMemory, highCpu];

export function usageFindings(item: PodMetrics, s: Scope): Finding[] {
  const pod = s.snapshot.pods.find((p) => p.metadata.name === item.metadata.name);
  if (!pod) return [];
  return (item.containers ?? []).flatMap((usage) => {
    const spec = (pod.spec?.containers ?? []).find((c) => c.name === usage.name);
    return allFindings(USAGE_RULES, { pod, container: usage.name, used: usage.usage ?? {}, limits: spec?.resources?.limits ?? {} }, s);
  });
}

// ---------------------------------------------------------------- warning events

/**
 * Warning events say something only when no other finding already covers their object: one
 * finding per object and reason, with the latest message and how often it happened.
 */
export function warningEventFindings(s: Scope, covered: ReadonlySet<string>): Finding[] {
  const podNames = new Set(s.snapshot.pods.map((p) => p.metadata.name));
  const rsNames = new Set(s.snapshot.replicasets.map((r) => r.metadata.name));
  const readyPods = new Set(s.snapshot.pods.filter((p) => condition(p, 'Ready')?.status === 'True').map((p) => p.metadata.name));
  const groups = new Map<string, KubeEvent[]>();
  for (const event of s.snapshot.events) {
    if (event.type !== 'Warning') continue;
    const kind = event.involvedObject?.kind ?? 'Unknown';
    const name = event.involvedObject?.name ?? '?';
    // Events outlive their objects by an hour: a warning about a pod or ReplicaSet that is gone
    // (replaced by a restart drill or a rollout) says nothing about the release as it is now.
    if (kind === 'Pod' && !podNames.has(name)) continue;
    if (kind === 'ReplicaSet' && !rsNames.has(name)) continue;
    const object = `${kind.toLowerCase()}/${name}`;
    if (covered.has(object)) continue;
    // Probe failures of a pod that is Ready now are its start-up (or a flap it recovered from);
    // failures that matter (not Ready, restarts) were judged by the pod analysis.
    if (kind === 'Pod' && event.reason === 'Unhealthy' && readyPods.has(name)) continue;
    const key = `${object}|${event.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups].map(([key, events]) => {
    const [object] = key.split('|') as [string];
    const latest = events.sort(byEventTime)[events.length - 1]!;
    const total = events.reduce((n, e) => n + eventCount(e), 0);
    const kind = latest.involvedObject?.kind ?? '';
    const owner = kind === 'Pod' ? s.snapshot.pods.find((p) => p.metadata.name === latest.involvedObject?.name) : undefined;
    return {
      severity: 'warning',
      object,
      component: owner ? componentOf(owner) : undefined,
      reason: latest.reason ?? 'Warning',
      evidence: `${latest.reason}: ${latest.message ?? ''}${total > 1 ? ` (×${total})` : ''}`,
      remedy: s.remedies.describe(kind, latest.involvedObject?.name ?? ''),
    };
  });
}
