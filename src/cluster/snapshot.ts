// One read-only picture of a namespace: every object kind the analyzers look at, read with one
// `kubectl get … -o json` each, plus pod metrics when the metrics API answers. Analysis is then a
// pure function of this data (src/cluster/analyzers.ts), so it can be tested on fixtures.
import type { KubeObject, Kubectl, ResourceKind } from '../tools/kubectl.ts';

export interface PodMetricsSnapshot {
  /** The metrics API answered (metrics-server installed and serving). */
  available: boolean;
  /** PodMetrics items: metadata.name and containers[{ name, usage: { cpu, memory } }]. */
  items: KubeObject[];
  /** Why the metrics are missing, as kubectl said it; '' when available. */
  error: string;
}

export interface ClusterSnapshot {
  namespace: string;
  pods: KubeObject[];
  deployments: KubeObject[];
  replicasets: KubeObject[];
  statefulsets: KubeObject[];
  services: KubeObject[];
  endpoints: KubeObject[];
  pvcs: KubeObject[];
  events: KubeObject[];
  nodes: KubeObject[];
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
];

/**
 * Reads the namespace. A failing list (cluster unreachable) throws with kubectl's error and a
 * remedy; a missing metrics API does not: it is recorded in `metrics.error` and analysed as such.
 */
export async function collectSnapshot(kubectl: Kubectl, namespace: string): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot(namespace);
  for (const [key, kind] of KINDS) snapshot[key] = await kubectl.list(kind, namespace);
  try {
    snapshot.metrics = await kubectl.podMetrics(namespace);
  } catch (error) {
    // The API answered with something that is not a PodMetricsList: treat it as absent.
    snapshot.metrics = { available: false, items: [], error: error instanceof Error ? error.message : String(error) };
  }
  return snapshot;
}

/** An empty snapshot, for callers that build one by hand (tests, partial collection). */
export function emptySnapshot(namespace: string): ClusterSnapshot {
  return { namespace, pods: [], deployments: [], replicasets: [], statefulsets: [], services: [], endpoints: [], pvcs: [], events: [], nodes: [], metrics: { available: false, items: [], error: '' } };
}
