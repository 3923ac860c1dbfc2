// The Kubernetes objects the snapshot holds and the analyzers read, reduced to the fields they use.
// Field names and shapes are those of the core/v1, apps/v1, events and metrics APIs
// (kubernetes/api: core/v1/types.go — Pod, PodStatus, ContainerStatus, ContainerState, Probe,
// Node, Service, Endpoints, PersistentVolumeClaim, Event; apps/v1/types.go — Deployment,
// StatefulSet, ReplicaSet; kubernetes/metrics: pkg/apis/metrics/v1beta1/types.go — PodMetrics).
// Everything the API may leave out is optional, so a reader has to say what it does without it.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  /** Set once the object is being deleted (graceful termination). */
  deletionTimestamp?: string;
}

/** A condition of a Node, Pod, Deployment or ReplicaSet ("True", "False", "Unknown"). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
  periodSeconds?: number;
  failureThreshold?: number;
}

export type ProbeKind = 'Readiness' | 'Liveness' | 'Startup';

export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}

export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  message?: string;
}

/** At most one of the three is set. */
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  image?: string;
  /** The image the container runs, in the runtime's form (docker://sha256:…, sha256:…, repo@sha256:…). */
  imageID?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod {
  metadata: ObjectMeta;
  spec: { containers: ContainerSpec[]; initContainers?: ContainerSpec[]; imagePullSecrets?: Array<{ name: string }> };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

/** A Deployment or a StatefulSet: the replica counts the analyzers compare. */
export interface Workload {
  metadata: ObjectMeta;
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; updatedReplicas?: number; conditions?: Condition[] };
}

export interface ReplicaSet {
  metadata: ObjectMeta;
  spec?: { replicas?: number };
  status?: { conditions?: Condition[] };
}

export interface Service {
  metadata: ObjectMeta;
  spec?: { type?: string; selector?: Record<string, string> };
}

export interface Endpoints {
  metadata: ObjectMeta;
  subsets?: Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }>;
}

export interface PersistentVolumeClaim {
  metadata: ObjectMeta;
  spec?: { storageClassName?: string };
  status?: { phase?: string };
}

export interface Node {
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean };
  status?: { conditions?: Condition[] };
}

/** A core/v1 Event; `series` is set on events the API has deduplicated. */
export interface KubeEvent {
  metadata?: { name?: string; creationTimestamp?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  series?: { count?: number; lastObservedTime?: string };
  lastTimestamp?: string;
  eventTime?: string;
}

export interface PodMetrics {
  metadata: ObjectMeta;
  containers?: Array<{ name: string; usage?: { cpu?: string; memory?: string } }>;
}
