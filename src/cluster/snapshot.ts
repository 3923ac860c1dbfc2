// One read-only picture of a namespace: every object kind the analyzers look at, read with one
// `kubectl get … -o json` each, plus pod metrics when the metrics API answers. Analysis is then a
// pure function of this data (src/cluster/analyzers.ts), so it can be tested on fixtures.
import type { Kubectl, ResourceKind } from '../tools/kubectl.ts';
import { UnreadableOutput } from '../errors.ts';
import type { Endpoints, KubeEvent, Node, PersistentVolumeClaim, Pod, PodMetrics, ReplicaSet, Service, Workload } from './kube-types.ts';
import type { CronJob, Job } from './backup-analysis.ts';

export interface PodMetricsSnapshot {
  /** The metrics API answered (metrics-server installed and serving). */
  available: boolean;
  /** PodMetrics items: metadata.name and containers[{ name, usage: { cpu, memory } }]. */
  items: PodMetrics[];
  /** Why the metrics are missing, as kubectl said it; '' when available. */
  error: string;
}

export interface ClusterSnapshot {
  namespace: string;
  pods: Pod[];
  deployments: Workload[];
  replicasets: ReplicaSet[];
  statefulsets: Workload[];
  services: Service[];
  endpoints: Endpoints[];
  pvcs: PersistentVolumeClaim[];
  events: KubeEvent[];
  nodes: Node[];
  /** Scheduled backups (the chart's backup CronJob) and the Jobs they keep. */
  cronjobs: CronJob[];
  jobs: Job[];
  metrics: PodMetricsSnapshot;
}

type ListedKey = Exclude<keyof ClusterSnapshot, 'namespace' | 'metrics'>;

/** Snapshot field → the kind kubectl is asked for. Read one after another: the order is stable in transcripts. */
const KINDS: Array<[ListedKey, ResourceKind]> = [
  ['nodes', 'nodes'],
  ['pods', 'pods'],
  ['deployments', 'deployments'],
  ['replicasets', 'replicasets'],
  ['statefulsets', 'statefulsets'],
  ['services', 'services'],
  ['endpoints', 'endpoints'],
  ['pvcs', 'pvc'],
  ['events', 'events'],
  ['cronjobs', 'cronjobs'],
  ['jobs', 'jobs'],
];

/**
 * Reads the namespace. A failing list (cluster unreachable) throws with kubectl's error and a
 * remedy; a missing metrics API does not: it is recorded in `metrics.error` and analysed as such.
 */
export async function collectSnapshot(kubectl: Kubectl, namespace: string): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot(namespace);
  // kubectl's JSON is taken to have the shape the API documents for each kind (kube-types.ts):
  // the one place where parsed output becomes typed objects.
  for (const [key, kind] of KINDS) (snapshot[key] as unknown[]) = await kubectl.list(kind, namespace);
  try {
    const metrics = await kubectl.podMetrics(namespace);
    snapshot.metrics = { ...metrics, items: metrics.items as unknown[] as PodMetrics[] };
  } catch (error) {
    // The API answered with something that is not a PodMetricsList: treat it as absent.
    if (!(error instanceof UnreadableOutput)) throw error;
    snapshot.metrics = { available: false, items: [], error: error.message };
  }
  return snapshot;
}

/** An empty snapshot, for callers that build one by hand (tests, partial collection). */
export function emptySnapshot(namespace: string): ClusterSnapshot {
  return {
    namespace,
    pods: [],
    deployments: [],
    replicasets: [],
    statefulsets: [],
    services: [],
    endpoints: [],
    pvcs: [],
    events: [],
    nodes: [],
    cronjobs: [],
    jobs: [],
    metrics: { available: false, items: [], error: '' },
  };
}
