// What is wrong with one container of a pod, read from its status the way the kubelet records it
// (kubernetes/api core/v1/types.go, ContainerStatus and ContainerState): a waiting reason, a
// non-zero termination, or a running container that is not Ready or keeps restarting. One rule per
// reason; the first rule with a finding wins, as a container has one state at a time.
import { APP_COMPONENTS } from '../labels.ts';
import type { ContainerSpec, ContainerStatus, KubeEvent, Pod, ProbeKind } from '../kube-types.ts';
import { type EventIndex, countSuffix } from './events.ts';
import { type Finding, type Rule, condition, exitMeaning, firstFinding, timesRestarted } from './finding.ts';
import type { Remedies } from './remedies.ts';

/** Everything the container rules read about one container. */
export interface ContainerFacts {
  pod: Pod;
  status: ContainerStatus;
  /** Its entry in the pod spec; empty when the spec does not list it. */
  spec: Partial<ContainerSpec>;
  isInit: boolean;
  /** What every finding about this container carries. */
  base: Required<Pick<Finding, 'object' | 'container' | 'restarts'>> & Pick<Finding, 'component'>;
  image: string;
  memoryLimit: string | undefined;
  /** The pod's events, for the failures that are only recorded there (mounts, probes). */
  events: EventIndex;
  remedies: Remedies;
}

export function containerFacts(
  pod: Pod,
  status: ContainerStatus,
  spec: ContainerSpec | undefined,
  isInit: boolean,
  component: string | undefined,
  events: EventIndex,
  remedies: Remedies,
): ContainerFacts {
  const s: Partial<ContainerSpec> = spec ?? {};
  return {
    pod,
    status,
    spec: s,
    isInit,
    base: { object: `pod/${pod.metadata.name}`, component, container: status.name, restarts: status.restartCount ?? 0 },
    image: s.image ?? status.image ?? '?',
    memoryLimit: s.resources?.limits?.memory,
    events,
    remedies,
  };
}

/** The finding for one container, if anything is wrong with it. */
export function analyzeContainer(c: ContainerFacts): Finding | undefined {
  const { waiting, terminated, running } = c.status.state ?? {};
  if (waiting) return waiting.reason ? (WAITING_RULES.get(waiting.reason) ?? otherWaiting)(c) : undefined;
  if (terminated && terminated.exitCode !== 0) return exitedNonZero(c);
  if (!running) return undefined;
  return firstFinding(RUNNING_RULES, c);
}

const podName = (c: ContainerFacts) => c.pod.metadata.name;
const waitingMessage = (c: ContainerFacts) => c.status.state?.waiting?.message ?? '';
const lastRun = (c: ContainerFacts) => c.status.lastState?.terminated;

// ---------------------------------------------------------------- waiting

const imageNeverPull: Rule<ContainerFacts> = (c) => ({
  ...c.base,
  severity: 'critical',
  reason: 'ErrImageNeverPull',
  evidence: waitingMessage(c) || `image ${c.image} is not on the node and the pull policy is Never`,
  remedy: c.remedies.imageNotOnNode(c.image),
});

const imagePull: Rule<ContainerFacts> = (c) => {
  // The app's own images are built locally and exist in no registry; the rest come from one.
  const local = (APP_COMPONENTS as readonly string[]).includes(c.base.component ?? '') && !/^[^/]+[.:][^/]*\//.test(c.image);
  return {
    ...c.base,
    severity: 'critical',
    reason: c.status.state!.waiting!.reason!,
    evidence: `${waitingMessage(c) || `cannot pull ${c.image}`} (pull policy ${c.spec.imagePullPolicy ?? 'default'})`,
    remedy: local
      ? c.remedies.localImageNotPullable(c.base.component, c.image)
      : PULL_REFUSED.test(waitingMessage(c))
        ? c.remedies.registryRefusedPull(
            c.image,
            (c.pod.spec.imagePullSecrets ?? []).map((s) => s.name),
          )
        : c.remedies.registryImageNotPullable(c.base.component, c.image),
  };
};

/** The registry refused the pull (containerd: "pulling from host … failed with status code …: 401 Unauthorized"). Not Docker Hub's bare "denied", which it also says for a repository that does not exist. */
const PULL_REFUSED = /\b(401|403) (Unauthorized|Forbidden)|unauthorized|authentication required|no basic auth credentials/i;

const invalidImageName: Rule<ContainerFacts> = (c) => ({
  ...c.base,
  severity: 'critical',
  reason: 'InvalidImageName',
  evidence: waitingMessage(c) || `"${c.image}" is not a valid image reference`,
  remedy: c.remedies.invalidImageName(c.base.component),
});

const missingConfig: Rule<ContainerFacts> = (c) => ({
  ...c.base,
  severity: 'critical',
  reason: 'CreateContainerConfigError',
  evidence: waitingMessage(c) || 'a Secret or ConfigMap the container reads is missing',
  remedy: c.remedies.missingConfig(waitingMessage(c), podName(c)),
});

const crashLoop: Rule<ContainerFacts> = (c) => {
  const last = lastRun(c);
  const ended = last
    ? `its last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}`
    : 'no previous run recorded';
  if (last?.reason === 'OOMKilled') {
    return {
      ...c.base,
      severity: 'critical',
      reason: 'OOMKilled',
      evidence: `CrashLoopBackOff: ${ended}${c.memoryLimit ? `, at its ${c.memoryLimit} memory limit` : ''}; ${timesRestarted(c.base.restarts)}`,
      remedy: c.remedies.memory(c.base.component, c.memoryLimit),
    };
  }
  const message = waitingMessage(c);
  return {
    ...c.base,
    severity: 'critical',
    reason: 'CrashLoopBackOff',
    evidence: `${ended}; ${timesRestarted(c.base.restarts)}${message ? `; ${message}` : ''}`,
    remedy: c.remedies.crashed(podName(c), c.base.container),
  };
};

/** Still being created: a finding only when an event says what holds it up. */
const stuckCreating: Rule<ContainerFacts> = (c) => {
  const stuck = c.events.latest(
    'Pod',
    podName(c),
    (e) => e.type === 'Warning' && /^(FailedMount|FailedAttachVolume|FailedCreatePodSandBox)$/.test(e.reason ?? ''),
  );
  if (!stuck) return undefined;
  const sandbox = stuck.reason === 'FailedCreatePodSandBox';
  return {
    ...c.base,
    severity: 'critical',
    reason: sandbox ? 'FailedCreatePodSandBox' : 'FailedMount',
    evidence: `${c.status.state!.waiting!.reason}; ${stuck.reason}: ${stuck.message}${countSuffix(stuck)}`,
    remedy: sandbox ? c.remedies.sandboxFailed() : c.remedies.mountFailed(stuck.message ?? '', podName(c)),
  };
};

const otherWaiting: Rule<ContainerFacts> = (c) => {
  const reason = c.status.state!.waiting!.reason!;
  return {
    ...c.base,
    severity: 'critical',
    reason,
    evidence: waitingMessage(c) || `container ${c.base.container} is waiting: ${reason}`,
    remedy: c.remedies.waiting(podName(c)),
  };
};

const WAITING_RULES = new Map<string, Rule<ContainerFacts>>([
  ['ErrImageNeverPull', imageNeverPull],
  ['ImagePullBackOff', imagePull],
  ['ErrImagePull', imagePull],
  ['InvalidImageName', invalidImageName],
  ['CreateContainerConfigError', missingConfig],
  ['CrashLoopBackOff', crashLoop],
  ['ContainerCreating', stuckCreating],
  ['PodInitializing', stuckCreating],
]);

// ---------------------------------------------------------------- terminated

const exitedNonZero: Rule<ContainerFacts> = (c) => {
  const terminated = c.status.state!.terminated!;
  const oom = terminated.reason === 'OOMKilled';
  return {
    ...c.base,
    severity: c.pod.status?.phase === 'Failed' ? 'critical' : 'warning',
    reason: oom ? 'OOMKilled' : 'NonZeroExit',
    evidence: `container ${c.base.container} terminated: ${terminated.reason ?? 'Error'}, exit code ${terminated.exitCode}${exitMeaning(terminated.exitCode)}${terminated.message ? ` — ${terminated.message}` : ''}`,
    remedy: oom ? c.remedies.memory(c.base.component, c.memoryLimit) : c.remedies.exited(podName(c), c.base.container),
  };
};

// ---------------------------------------------------------------- running

/** Pod restart loops are caught between crashes too: running, not Ready, with a last termination. */
const LOOP_RESTARTS = 2;
/** Up to this many failed probes of a never-restarted container read as start-up, not a fault. */
const STARTING_PROBE_FAILURES = 3;

/** The Unhealthy events of this container (an event without a field path is about the whole pod). */
function probeFailures(c: ContainerFacts): KubeEvent[] {
  return c.events
    .of('Pod', podName(c))
    .filter(
      (e) => e.reason === 'Unhealthy' && (!e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${c.base.container}}`)),
    );
}

function probeKind(message: string): ProbeKind {
  return /^Liveness/.test(message) ? 'Liveness' : /^Startup/.test(message) ? 'Startup' : 'Readiness';
}

function probeOf(c: ContainerFacts, kind: ProbeKind) {
  return { Readiness: c.spec.readinessProbe, Liveness: c.spec.livenessProbe, Startup: c.spec.startupProbe }[kind];
}

function describeProbe(c: ContainerFacts, kind: ProbeKind): string {
  const probe = probeOf(c, kind);
  if (!probe) return `no ${kind.toLowerCase()} probe in the pod spec`;
  if (probe.httpGet) {
    const port = probe.httpGet.port;
    const number = typeof port === 'string' ? (c.spec.ports ?? []).find((p) => p.name === port)?.containerPort : port;
    return `GET ${probe.httpGet.path ?? '/'} on port ${port}${typeof port === 'string' && number ? ` (${number})` : ''}, every ${probe.periodSeconds ?? 10}s, ${probe.failureThreshold ?? 3} failures allowed`;
  }
  if (probe.tcpSocket) return `TCP connect to port ${probe.tcpSocket.port}`;
  if (probe.exec) return `exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'probe of an unknown kind';
}

function probeRemedy(c: ContainerFacts, kind: ProbeKind): string {
  return c.remedies.probe(c.base.component, podName(c), c.base.container, kind, probeOf(c, kind)?.httpGet?.path);
}

function upAgain(c: ContainerFacts): string {
  const last = lastRun(c);
  return last
    ? `running again but not Ready; its last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}`
    : '';
}

// A running container that is not Ready. The root cause comes first: out of memory, then a failing
// probe, then a restart loop caught while the container is briefly up again.

const oomBetweenRestarts: Rule<ContainerFacts> = (c) => {
  if (lastRun(c)?.reason !== 'OOMKilled' || c.base.restarts === 0) return undefined;
  return {
    ...c.base,
    severity: 'critical',
    reason: 'OOMKilled',
    evidence: `${upAgain(c)}${c.memoryLimit ? `, at its ${c.memoryLimit} memory limit` : ''}; ${timesRestarted(c.base.restarts)}`,
    remedy: c.remedies.memory(c.base.component, c.memoryLimit),
  };
};

const failingProbe: Rule<ContainerFacts> = (c) => {
  const failures = probeFailures(c);
  const worst = failures.find((e) => /^Readiness/.test(e.message ?? '')) ?? failures[failures.length - 1];
  if (!worst) return undefined;
  const kind = probeKind(worst.message ?? '');
  const restarts = c.base.restarts;
  // A container still starting fails a few readiness probes too (postgres while it initialises):
  // only a probe that keeps failing, or a restarted container, is critical.
  const starting = restarts === 0 && failures.reduce((n, e) => n + (e.count ?? 1), 0) <= STARTING_PROBE_FAILURES;
  return {
    ...c.base,
    severity: starting ? 'warning' : 'critical',
    reason: `${kind}ProbeFailed`,
    evidence: `running but not Ready; ${worst.message}${countSuffix(worst)}; probe: ${describeProbe(c, kind)}${restarts ? `; ${timesRestarted(restarts)}` : ''}${starting ? '; only a few failures so far: it may still be starting' : ''}`,
    remedy: probeRemedy(c, kind),
  };
};

const loopBetweenRestarts: Rule<ContainerFacts> = (c) => {
  if (!lastRun(c) || c.base.restarts < LOOP_RESTARTS) return undefined;
  return {
    ...c.base,
    severity: 'critical',
    reason: 'CrashLoopBackOff',
    evidence: `${upAgain(c)}; ${timesRestarted(c.base.restarts)}: it is crash-looping`,
    remedy: c.remedies.crashed(podName(c), c.base.container),
  };
};

const stillStarting: Rule<ContainerFacts> = (c) => {
  const ready = condition(c.pod, 'Ready');
  const restarts = c.base.restarts;
  return {
    ...c.base,
    severity: 'warning',
    reason: 'NotReady',
    evidence: `running but not Ready${ready?.message ? ` (${ready.message})` : ''}, no probe failure recorded yet${restarts ? `; ${timesRestarted(restarts)}` : ''}`,
    remedy: c.remedies.notReady(podName(c)),
  };
};

const NOT_READY_RULES = [oomBetweenRestarts, failingProbe, loopBetweenRestarts, stillStarting];

const notReady: Rule<ContainerFacts> = (c) => (!c.status.ready && !c.isInit ? firstFinding(NOT_READY_RULES, c) : undefined);

/** Ready, but its liveness (or startup) probe failed and the kubelet restarted it. */
const livenessRestarts: Rule<ContainerFacts> = (c) => {
  const liveness = probeFailures(c).filter((e) => /^(Liveness|Startup)/.test(e.message ?? ''));
  if (!liveness.length || c.base.restarts === 0) return undefined;
  const latest = liveness[liveness.length - 1]!;
  const kind = probeKind(latest.message ?? '');
  return {
    ...c.base,
    severity: 'warning',
    reason: `${kind}ProbeFailed`,
    evidence: `${latest.message}${countSuffix(latest)}; probe: ${describeProbe(c, kind)}; ${timesRestarted(c.base.restarts)}`,
    remedy: probeRemedy(c, kind),
  };
};

/** Running again after an earlier run ended: out of memory is a warning, anything else history. */
const restartedBefore: Rule<ContainerFacts> = (c) => {
  const last = lastRun(c);
  if (!last || c.base.restarts === 0) return undefined;
  const oom = last.reason === 'OOMKilled';
  return {
    ...c.base,
    severity: oom ? 'warning' : 'info',
    reason: oom ? 'OOMKilled' : 'Restarted',
    evidence: `running again, ${timesRestarted(c.base.restarts)}; the last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}${oom && c.memoryLimit ? ` at its ${c.memoryLimit} memory limit` : ''}`,
    remedy: oom ? c.remedies.memory(c.base.component, c.memoryLimit) : c.remedies.restarted(podName(c), c.base.container),
  };
};

const RUNNING_RULES = [notReady, livenessRestarts, restartedBefore];
