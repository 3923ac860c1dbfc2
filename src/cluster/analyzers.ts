// Built-in, non-AI diagnostics: a pure function from a namespace snapshot to findings, each with
// the evidence it rests on and a remedy in this project's terms (which runbook or command fixes
// it). The catalogue follows k8sgpt's analyzers (github.com/k8sgpt-ai/k8sgpt, pkg/analyzer); the
// remedies follow the pain points users report with local clusters.
import type { KubeObject, Kubectl } from '../tools/kubectl.ts';
import type { ClusterSnapshot } from './snapshot.ts';
import { formatMemory, parseCpu, parseMemory } from './quantity.ts';
import { APP_COMPONENTS, COMPONENT_LABEL } from './labels.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** kind/name, e.g. pod/todo-chatbot-backend-5d8c7b9f6d-abcde */
  object: string;
  /** The app.kubernetes.io/component label (frontend, backend, mcp, postgresql). */
  component?: string;
  /** CrashLoopBackOff, ErrImageNeverPull, OOMKilled, Unschedulable, ReadinessProbeFailed, NoEndpoints, HighMemory, … */
  reason: string;
  evidence: string;
  remedy: string;
  /** The container a pod finding is about: its logs are fetched by podLogTails. */
  container?: string;
  /** Restarts of that container; its previous run's logs are fetched when > 0. */
  restarts?: number;
}

export interface AnalyzeOptions {
  /** Helm release, used in the commands the remedies give (default todo-chatbot). */
  release?: string;
  /** Share of a container's limit at which its use is reported (default 0.8). */
  usageThreshold?: number;
  /** minikube profile, used in the minikube commands the remedies give (default minikube). */
  profile?: string;
  /** Chart path, used in the helm commands the remedies give (default helm/todo-chatbot). */
  chartDir?: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
/** Within a severity, causes before their consequences: a node or pod explains its Deployment and Service. */
const KIND_ORDER = ['node', 'persistentvolumeclaim', 'pod', 'replicaset', 'statefulset', 'deployment', 'service'];
const kindRank = (object: string) => {
  const rank = KIND_ORDER.indexOf(object.split('/')[0]!);
  return rank < 0 ? KIND_ORDER.length : rank;
};
/** Components whose images the runbooks build (01) and load (02); PostgreSQL comes from Docker Hub. */
const isAppComponent = (component: string | undefined) => (APP_COMPONENTS as readonly string[]).includes(component ?? '');

/** Reasons for which a container never ran, so it has no logs worth fetching. */
const NEVER_RAN = new Set(['ErrImageNeverPull', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'Unschedulable', 'FailedMount', 'FailedCreatePodSandBox', 'Evicted']);

interface Scope {
  snapshot: ClusterSnapshot;
  ns: string;
  release: string;
  profile: string;
  chartDir: string;
  threshold: number;
  /** Events by involved object, "Kind/name", oldest first. */
  events: Map<string, any[]>;
  out: Finding[];
}

/** Findings for a snapshot: pure and deterministic, most severe first, causes before consequences. */
export function analyze(snapshot: ClusterSnapshot, options: AnalyzeOptions = {}): Finding[] {
  const scope: Scope = {
    snapshot,
    ns: snapshot.namespace,
    release: options.release ?? 'todo-chatbot',
    profile: options.profile ?? 'minikube',
    chartDir: options.chartDir ?? 'helm/todo-chatbot',
    threshold: options.usageThreshold ?? 0.8,
    events: indexEvents(snapshot.events),
    out: [],
  };
  for (const node of snapshot.nodes) analyzeNode(scope, node);
  for (const pod of snapshot.pods) analyzePod(scope, pod);
  for (const deployment of snapshot.deployments) analyzeWorkload(scope, deployment, 'deployment');
  for (const statefulset of snapshot.statefulsets) analyzeWorkload(scope, statefulset, 'statefulset');
  for (const replicaset of snapshot.replicasets) analyzeReplicaSet(scope, replicaset);
  for (const service of snapshot.services) analyzeService(scope, service);
  for (const pvc of snapshot.pvcs) analyzePvc(scope, pvc);
  analyzeMetrics(scope);
  // Last: warning events say something only when no finding above already covers their object.
  analyzeWarningEvents(scope);
  pointAtCauses(scope.out);
  return scope.out.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || kindRank(a.object) - kindRank(b.object) || a.object.localeCompare(b.object) || a.reason.localeCompare(b.reason) || a.evidence.localeCompare(b.evidence),
  );
}

// ---------------------------------------------------------------- nodes

function analyzeNode(s: Scope, node: KubeObject): void {
  const object = `node/${node.metadata.name}`;
  const ready = condition(node, 'Ready');
  if (ready && ready.status !== 'True') {
    s.out.push({
      severity: 'critical',
      object,
      reason: 'NodeNotReady',
      evidence: `Ready is ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`,
      remedy: `the node is down or its kubelet is unhealthy: minikube status -p ${s.profile}; restart it with minikube stop -p ${s.profile} && npx zx runbooks/00-setup.mjs; details: minikube logs -p ${s.profile}`,
    });
  }
  for (const pressure of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) {
    const c = condition(node, pressure);
    if (c?.status !== 'True') continue;
    const fix =
      pressure === 'DiskPressure'
        ? `free space on the node: minikube ssh -p ${s.profile} -- docker image prune -a (old image tags pile up with every build), or recreate the cluster with a bigger disk: minikube delete -p ${s.profile} && minikube start -p ${s.profile} --disk-size=40g`
        : `the node is short of ${pressure === 'MemoryPressure' ? 'memory' : 'process ids'} and will evict pods: lower the replicas or limits, or recreate the cluster bigger: minikube delete -p ${s.profile}, then MINIKUBE_MEMORY=8192 npx zx runbooks/00-setup.mjs`;
    s.out.push({ severity: 'warning', object, reason: pressure, evidence: c.message || `${pressure} is True`, remedy: fix });
  }
  if (node.spec?.unschedulable) {
    s.out.push({ severity: 'warning', object, reason: 'NodeCordoned', evidence: 'spec.unschedulable is true: no new pod can be placed on it', remedy: `kubectl uncordon ${node.metadata.name} --context ${s.profile}` });
  }
}

// ---------------------------------------------------------------- pods

function analyzePod(s: Scope, pod: KubeObject): void {
  if (pod.metadata.deletionTimestamp) return; // on its way out; its replacement is what matters
  const object = `pod/${pod.metadata.name}`;
  const component = pod.metadata.labels?.[COMPONENT_LABEL];
  const status = pod.status ?? {};
  if (status.phase === 'Succeeded') return;

  if (status.phase === 'Failed' && status.reason === 'Evicted') {
    s.out.push({
      severity: 'warning',
      object,
      component,
      reason: 'Evicted',
      evidence: status.message || 'the kubelet evicted the pod',
      remedy: `the node ran short of a resource and evicted the pod (its replacement is listed separately); give the node more room (minikube delete -p ${s.profile}, then MINIKUBE_MEMORY=8192 npx zx runbooks/00-setup.mjs) or lower ${componentPath(component, 'resources.requests.memory')}; remove the leftover with kubectl delete pod ${pod.metadata.name} -n ${s.ns}`,
    });
    return;
  }

  const scheduled = condition(pod, 'PodScheduled');
  if (status.phase === 'Pending' && scheduled?.status === 'False') {
    const failedScheduling = latestEvent(s, 'Pod', pod.metadata.name, (e) => e.reason === 'FailedScheduling');
    const message = scheduled.message || failedScheduling?.message || 'the scheduler found no node for it';
    s.out.push({
      severity: 'critical',
      object,
      component,
      reason: 'Unschedulable',
      evidence: `scheduler: ${message}`,
      remedy: /unbound .*PersistentVolumeClaim/i.test(message)
        ? `its volume claim is not bound (see the PersistentVolumeClaim finding): kubectl get pvc -n ${s.ns}`
        : /Insufficient (cpu|memory)/i.test(message) || !/taint|affinity|selector/i.test(message)
        ? `the cluster is too small for the requests: recreate it with more --cpus/--memory (minikube delete -p ${s.profile}, then MINIKUBE_CPUS=4 MINIKUBE_MEMORY=8192 npx zx runbooks/00-setup.mjs) or lower the requests, e.g. ${upgrade(s, `${componentPath(component, 'resources.requests.memory')}=128Mi`)}`
        : `no node matches the pod's node selector, affinity or tolerations: check ${componentPath(component, 'nodeSelector')} / tolerations / affinity in your values`,
    });
    return;
  }

  const specs = new Map<string, any>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) specs.set(c.name, c);
  const init = new Set<string>((pod.status?.initContainerStatuses ?? []).map((c: any) => c.name));
  for (const cs of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    analyzeContainer(s, pod, cs, specs.get(cs.name) ?? {}, init.has(cs.name));
  }
}

function analyzeContainer(s: Scope, pod: KubeObject, cs: any, spec: any, isInit: boolean): void {
  const podName = pod.metadata.name;
  const object = `pod/${podName}`;
  const component = pod.metadata.labels?.[COMPONENT_LABEL];
  const container: string = cs.name;
  const restarts: number = cs.restartCount ?? 0;
  const waiting = cs.state?.waiting;
  const terminated = cs.state?.terminated;
  const running = cs.state?.running;
  const last = cs.lastState?.terminated;
  const base = { object, component, container, restarts };
  const image: string = spec.image ?? cs.image ?? '?';
  const memoryLimit: string | undefined = spec.resources?.limits?.memory;

  if (waiting) {
    const message: string = waiting.message ?? '';
    switch (waiting.reason) {
      case 'ErrImageNeverPull':
        s.out.push({
          ...base,
          severity: 'critical',
          reason: 'ErrImageNeverPull',
          evidence: message || `image ${image} is not on the node and the pull policy is Never`,
          remedy: `the image is not on the node: run npx zx runbooks/02-load.mjs (check with minikube image ls -p ${s.profile}: the exact tag ${image} must be listed; an image built into the host's Docker is not on the node)`,
        });
        return;
      case 'ImagePullBackOff':
      case 'ErrImagePull': {
        // The app's own images are built locally and exist in no registry; the rest come from one.
        const local = isAppComponent(component) && !/^[^/]+[.:][^/]*\//.test(image);
        s.out.push({
          ...base,
          severity: 'critical',
          reason: waiting.reason,
          evidence: `${message || `cannot pull ${image}`} (pull policy ${spec.imagePullPolicy ?? 'default'})`,
          remedy: local
            ? `${image} is not in any registry: a local image needs ${componentPath(component, 'image.pullPolicy')}=Never and must be on the node (npx zx runbooks/02-load.mjs); also check the tag in ${componentPath(component, 'image.tag')} matches what 01-build produced`
            : `check ${componentPath(component, 'image.repository')} and ${componentPath(component, 'image.tag')}, and that the node can reach the registry (minikube ssh -p ${s.profile} -- docker pull ${image})`,
        });
        return;
      }
      case 'InvalidImageName':
        s.out.push({ ...base, severity: 'critical', reason: 'InvalidImageName', evidence: message || `"${image}" is not a valid image reference`, remedy: `fix ${componentPath(component, 'image.repository')} / ${componentPath(component, 'image.tag')} (lowercase name, tag after ":") and run npx zx runbooks/03-install.mjs` });
        return;
      case 'CreateContainerConfigError':
        s.out.push({ ...base, severity: 'critical', reason: 'CreateContainerConfigError', evidence: message || 'a Secret or ConfigMap the container reads is missing', remedy: missingConfigRemedy(s, message, podName) });
        return;
      case 'CrashLoopBackOff':
        s.out.push(crashLoop(s, base, waiting, last, memoryLimit));
        return;
      case 'ContainerCreating':
      case 'PodInitializing': {
        const stuck = latestEvent(s, 'Pod', podName, (e) => e.type === 'Warning' && /^(FailedMount|FailedAttachVolume|FailedCreatePodSandBox)$/.test(e.reason));
        if (stuck) {
          s.out.push({
            ...base,
            severity: 'critical',
            reason: stuck.reason === 'FailedCreatePodSandBox' ? 'FailedCreatePodSandBox' : 'FailedMount',
            evidence: `${waiting.reason}; ${stuck.reason}: ${stuck.message}${countSuffix(stuck)}`,
            remedy: stuck.reason === 'FailedCreatePodSandBox'
              ? `the node could not set up the pod's network or sandbox: minikube logs -p ${s.profile}; if it persists, restart the cluster (minikube stop -p ${s.profile} && npx zx runbooks/00-setup.mjs)`
              : mountRemedy(s, stuck.message ?? '', podName),
          });
        }
        return;
      }
      default:
        if (!waiting.reason) return;
        s.out.push({ ...base, severity: 'critical', reason: waiting.reason, evidence: message || `container ${container} is waiting: ${waiting.reason}`, remedy: `kubectl describe pod ${podName} -n ${s.ns} shows the cause in its Events` });
        return;
    }
  }

  if (terminated && terminated.exitCode !== 0) {
    const oom = terminated.reason === 'OOMKilled';
    s.out.push({
      ...base,
      severity: pod.status?.phase === 'Failed' ? 'critical' : 'warning',
      reason: oom ? 'OOMKilled' : 'NonZeroExit',
      evidence: `container ${container} terminated: ${terminated.reason ?? 'Error'}, exit code ${terminated.exitCode}${exitMeaning(terminated.exitCode)}${terminated.message ? ` — ${terminated.message}` : ''}`,
      remedy: oom ? memoryRemedy(s, component, memoryLimit) : `read why it exited: kubectl logs ${podName} -c ${container} -n ${s.ns} (the tail is in the evidence)`,
    });
    return;
  }

  if (!running) return;
  const probeFailures = eventsFor(s, 'Pod', podName).filter((e) => e.reason === 'Unhealthy' && (!e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`)));
  if (!cs.ready && !isInit) {
    s.out.push(notReadyFinding(s, pod, cs, spec, probeFailures, base, memoryLimit));
    return;
  }

  const liveness = probeFailures.filter((e) => /^(Liveness|Startup)/.test(e.message ?? ''));
  if (liveness.length && restarts > 0) {
    const latest = liveness[liveness.length - 1]!;
    const kind = probeKind(latest.message ?? '');
    s.out.push({ ...base, severity: 'warning', reason: `${kind}ProbeFailed`, evidence: `${latest.message}${countSuffix(latest)}; probe: ${describeProbe(spec, kind)}; ${timesRestarted(restarts)}`, remedy: probeRemedy(s, component, podName, container, spec, kind) });
    return;
  }

  if (last && restarts > 0) {
    const oom = last.reason === 'OOMKilled';
    s.out.push({
      ...base,
      severity: oom ? 'warning' : 'info',
      reason: oom ? 'OOMKilled' : 'Restarted',
      evidence: `running again, ${timesRestarted(restarts)}; the last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}${oom && memoryLimit ? ` at its ${memoryLimit} memory limit` : ''}`,
      remedy: oom ? memoryRemedy(s, component, memoryLimit) : `no action needed if the restarts stopped (a cluster restart also counts); otherwise kubectl logs ${podName} -c ${container} -n ${s.ns} --previous`,
    });
  }
}

/** Pod restart loops are caught between crashes too: running, not Ready, with a last termination. */
const LOOP_RESTARTS = 2;
/** Up to this many failed probes of a never-restarted container read as start-up, not a fault. */
const STARTING_PROBE_FAILURES = 3;

/**
 * A running container that is not Ready. The root cause comes first: out of memory, then a failing
 * probe, then a restart loop caught while the container is briefly up again.
 */
function notReadyFinding(s: Scope, pod: KubeObject, cs: any, spec: any, probeFailures: any[], base: Pick<Finding, 'object' | 'component' | 'container' | 'restarts'>, memoryLimit: string | undefined): Finding {
  const podName = pod.metadata.name;
  const restarts = base.restarts ?? 0;
  const last = cs.lastState?.terminated;
  const upAgain = last ? `running again but not Ready; its last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}` : '';
  if (last?.reason === 'OOMKilled' && restarts > 0) {
    return { ...base, severity: 'critical', reason: 'OOMKilled', evidence: `${upAgain}${memoryLimit ? `, at its ${memoryLimit} memory limit` : ''}; ${timesRestarted(restarts)}`, remedy: memoryRemedy(s, base.component, memoryLimit) };
  }
  const worst = probeFailures.find((e) => /^Readiness/.test(e.message ?? '')) ?? probeFailures[probeFailures.length - 1];
  if (worst) {
    const kind = probeKind(worst.message ?? '');
    // A container still starting fails a few readiness probes too (postgres while it initialises):
    // only a probe that keeps failing, or a restarted container, is critical.
    const failures = probeFailures.reduce((n, e) => n + (e.count ?? 1), 0);
    const starting = restarts === 0 && failures <= STARTING_PROBE_FAILURES;
    return {
      ...base,
      severity: starting ? 'warning' : 'critical',
      reason: `${kind}ProbeFailed`,
      evidence: `running but not Ready; ${worst.message}${countSuffix(worst)}; probe: ${describeProbe(spec, kind)}${restarts ? `; ${timesRestarted(restarts)}` : ''}${starting ? '; only a few failures so far: it may still be starting' : ''}`,
      remedy: probeRemedy(s, base.component, podName, base.container!, spec, kind),
    };
  }
  if (last && restarts >= LOOP_RESTARTS) {
    return { ...base, severity: 'critical', reason: 'CrashLoopBackOff', evidence: `${upAgain}; ${timesRestarted(restarts)}: it is crash-looping`, remedy: crashRemedy(s, podName, base.container!) };
  }
  const ready = condition(pod, 'Ready');
  return {
    ...base,
    severity: 'warning',
    reason: 'NotReady',
    evidence: `running but not Ready${ready?.message ? ` (${ready.message})` : ''}, no probe failure recorded yet${restarts ? `; ${timesRestarted(restarts)}` : ''}`,
    remedy: `it may still be starting: kubectl get pod ${podName} -n ${s.ns} -w; if it stays so, kubectl describe pod ${podName} -n ${s.ns}`,
  };
}

function crashRemedy(s: Scope, podName: string, container: string): string {
  return `read why it exits: kubectl logs ${podName} -c ${container} -n ${s.ns} --previous (the tail is in the evidence); a missing or wrong setting shows there: fix it in .env and run npx zx runbooks/03-install.mjs`;
}

function crashLoop(s: Scope, base: Pick<Finding, 'object' | 'component' | 'container' | 'restarts'>, waiting: any, last: any, memoryLimit: string | undefined): Finding {
  const podName = base.object.slice('pod/'.length);
  const lastRun = last ? `its last run ended ${last.reason ?? 'Error'} with exit code ${last.exitCode}${exitMeaning(last.exitCode)}` : 'no previous run recorded';
  if (last?.reason === 'OOMKilled') {
    return {
      ...base,
      severity: 'critical',
      reason: 'OOMKilled',
      evidence: `CrashLoopBackOff: ${lastRun}${memoryLimit ? `, at its ${memoryLimit} memory limit` : ''}; ${timesRestarted(base.restarts ?? 0)}`,
      remedy: memoryRemedy(s, base.component, memoryLimit),
    };
  }
  return {
    ...base,
    severity: 'critical',
    reason: 'CrashLoopBackOff',
    evidence: `${lastRun}; ${timesRestarted(base.restarts ?? 0)}${waiting.message ? `; ${waiting.message}` : ''}`,
    remedy: crashRemedy(s, podName, base.container!),
  };
}

function memoryRemedy(s: Scope, component: string | undefined, limit: string | undefined): string {
  const bytes = limit ? parseMemory(limit) : undefined;
  const suggestion = bytes ? formatMemory(bytes * 2) : '1Gi';
  return `raise ${componentPath(component, 'resources.limits.memory')}${limit ? ` (now ${limit})` : ''}, e.g. ${upgrade(s, `${componentPath(component, 'resources.limits.memory')}=${suggestion}`)}`;
}

/** CreateContainerConfigError messages name what is missing: a Secret, a ConfigMap, or one key of either. */
function missingConfigRemedy(s: Scope, message: string, podName: string): string {
  const key = /couldn't find key (\S+) in (Secret|ConfigMap) (?:[^/\s]+\/)?(\S+)/.exec(message);
  const object = /(secret|configmap) "([^"]+)" not found/i.exec(message);
  const recreate = `once it exists, delete the pod so it is recreated at once: kubectl delete pod ${podName} -n ${s.ns}`;
  if (key) {
    const [, name, kind, owner] = key;
    return kind === 'Secret'
      ? `the Secret ${owner} has no key ${name}: set ${name} in .env (or the environment) and run npx zx runbooks/03-install.mjs; with existingSecret, add the key to that Secret yourself (kubectl create secret generic … --from-env-file, never --from-literal); ${recreate}`
      : `the ConfigMap ${owner} has no key ${name}: set it under <component>.env in your values and run npx zx runbooks/03-install.mjs; ${recreate}`;
  }
  if (object) {
    const [, kind, name] = object;
    return /secret/i.test(kind!)
      ? `the Secret ${name} does not exist: run npx zx runbooks/03-install.mjs to create it from your .env; with existingSecret=${name}, create it first (kubectl create secret generic ${name} -n ${s.ns} --from-env-file=<private file>); ${recreate}`
      : `the ConfigMap ${name} does not exist: reinstall the release with npx zx runbooks/03-install.mjs; ${recreate}`;
  }
  return `kubectl describe pod ${podName} -n ${s.ns} names the missing Secret or ConfigMap; run npx zx runbooks/03-install.mjs to recreate them`;
}

function mountRemedy(s: Scope, message: string, podName: string): string {
  if (/(secret|configmap) "[^"]+" not found/i.test(message)) return missingConfigRemedy(s, message, podName);
  if (/persistentvolumeclaim/i.test(message) || /unbound/i.test(message)) return `the volume claim is not bound: kubectl get pvc -n ${s.ns}; on minikube the storage-provisioner addon must be on (minikube addons enable storage-provisioner -p ${s.profile})`;
  return `kubectl describe pod ${podName} -n ${s.ns} shows which volume cannot be mounted`;
}

function probeKind(message: string): 'Readiness' | 'Liveness' | 'Startup' {
  return /^Liveness/.test(message) ? 'Liveness' : /^Startup/.test(message) ? 'Startup' : 'Readiness';
}

function describeProbe(spec: any, kind: 'Readiness' | 'Liveness' | 'Startup'): string {
  const probe = spec[`${kind.toLowerCase()}Probe`];
  if (!probe) return `no ${kind.toLowerCase()} probe in the pod spec`;
  if (probe.httpGet) {
    const port = probe.httpGet.port;
    const number = typeof port === 'string' ? (spec.ports ?? []).find((p: any) => p.name === port)?.containerPort : port;
    return `GET ${probe.httpGet.path ?? '/'} on port ${port}${typeof port === 'string' && number ? ` (${number})` : ''}, every ${probe.periodSeconds ?? 10}s, ${probe.failureThreshold ?? 3} failures allowed`;
  }
  if (probe.tcpSocket) return `TCP connect to port ${probe.tcpSocket.port}`;
  if (probe.exec) return `exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'probe of an unknown kind';
}

function probeRemedy(s: Scope, component: string | undefined, podName: string, container: string, spec: any, kind: 'Readiness' | 'Liveness' | 'Startup'): string {
  const path = spec[`${kind.toLowerCase()}Probe`]?.httpGet?.path;
  const meaning = path === '/ready' ? ' (/ready answers only when the database is reachable: check the postgresql pod and DATABASE_URL)' : '';
  return `the app does not answer its ${kind.toLowerCase()} probe${path ? ` ${path}` : ''}${meaning}: read kubectl logs ${podName} -c ${container} -n ${s.ns}; if it is only slow to start, raise ${componentPath(component, `probes.${kind.toLowerCase()}.failureThreshold`)} or ${componentPath(component, 'probes.startup.failureThreshold')}`;
}

// ---------------------------------------------------------------- workloads

function analyzeWorkload(s: Scope, workload: KubeObject, kind: 'deployment' | 'statefulset'): void {
  const desired: number = workload.spec?.replicas ?? 1;
  const ready: number = workload.status?.readyReplicas ?? 0;
  const object = `${kind}/${workload.metadata.name}`;
  const component = workload.metadata.labels?.[COMPONENT_LABEL];
  const progressing = kind === 'deployment' ? condition(workload, 'Progressing') : undefined;
  const counts = `${ready}/${desired} replicas ready${workload.status?.updatedReplicas !== undefined ? `, ${workload.status.updatedReplicas} up to date` : ''}`;
  const seePods = `the pods say why: see the pod findings${component ? ` for ${component}` : ''}; kubectl describe ${kind} ${workload.metadata.name} -n ${s.ns}`;
  if (progressing?.status === 'False') {
    s.out.push({ severity: 'critical', object, component, reason: progressing.reason || 'ProgressDeadlineExceeded', evidence: `${progressing.message ?? 'rollout stopped progressing'} (${counts})`, remedy: `${seePods}; after fixing the cause, roll back or reinstall: helm rollback ${s.release} -n ${s.ns}, or npx zx runbooks/03-install.mjs` });
    return;
  }
  if (desired > 0 && ready < desired) {
    s.out.push({ severity: ready === 0 ? 'critical' : 'warning', object, component, reason: 'ReplicasNotReady', evidence: counts, remedy: seePods });
  }
}

function analyzeReplicaSet(s: Scope, rs: KubeObject): void {
  if ((rs.spec?.replicas ?? 0) === 0) return; // an old revision kept for rollback
  const failure = condition(rs, 'ReplicaFailure');
  const event = latestEvent(s, 'ReplicaSet', rs.metadata.name, (e) => e.type === 'Warning' && e.reason === 'FailedCreate');
  if (failure?.status !== 'True' && !event) return;
  const message = failure?.message || event?.message || 'the ReplicaSet could not create its pods';
  s.out.push({
    severity: 'critical',
    object: `replicaset/${rs.metadata.name}`,
    component: rs.metadata.labels?.[COMPONENT_LABEL],
    reason: 'FailedCreate',
    evidence: message,
    remedy: /quota/i.test(message)
      ? `a ResourceQuota in ${s.ns} refuses the pods: kubectl describe resourcequota -n ${s.ns}; lower the requests/limits or the replicas`
      : /forbidden|admission|denied|security/i.test(message)
        ? `an admission policy refuses the pod spec: read the message above and adjust the chart values (securityContext, resources)`
        : `kubectl describe replicaset ${rs.metadata.name} -n ${s.ns}`,
  });
}

// ---------------------------------------------------------------- services

function analyzeService(s: Scope, service: KubeObject): void {
  const selector: Record<string, string> | undefined = service.spec?.selector;
  if (service.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return;
  const name = service.metadata.name;
  const matching = s.snapshot.pods.filter((p) => !p.metadata.deletionTimestamp && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
  const endpoints = s.snapshot.endpoints.find((e) => e.metadata.name === name);
  let ready: number;
  let notReady: number;
  let source: string;
  if (endpoints) {
    const subsets: any[] = (endpoints as any).subsets ?? [];
    ready = subsets.reduce((n, sub) => n + (sub.addresses?.length ?? 0), 0);
    notReady = subsets.reduce((n, sub) => n + (sub.notReadyAddresses?.length ?? 0), 0);
    source = 'endpoints';
  } else {
    ready = matching.filter((p) => condition(p, 'Ready')?.status === 'True').length;
    notReady = matching.length - ready;
    source = 'no Endpoints object; counted from the pods';
  }
  if (ready > 0) return;
  const selectorText = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const component = service.metadata.labels?.[COMPONENT_LABEL] ?? selector[COMPONENT_LABEL];
  s.out.push({
    severity: 'critical',
    object: `service/${name}`,
    component,
    reason: notReady > 0 ? 'NotReadyEndpoints' : 'NoEndpoints',
    evidence: `no ready endpoint (${source}): ${notReady} not ready; selector ${selectorText} matches ${matching.length} pod(s)`,
    remedy:
      matching.length === 0
        ? `no pod carries the labels the Service selects: compare kubectl get pods -n ${s.ns} --show-labels with the selector${component ? `, and check that ${component} is deployed (${component}.replicaCount > 0)` : ''}`
        : `the Service has pods but none is Ready, so nothing answers on it: fix the pod findings${component ? ` for ${component}` : ''} first`,
  });
}

// ---------------------------------------------------------------- storage

function analyzePvc(s: Scope, pvc: KubeObject): void {
  const phase = pvc.status?.phase;
  if (phase !== 'Pending' && phase !== 'Lost') return;
  const failed = latestEvent(s, 'PersistentVolumeClaim', pvc.metadata.name, (e) => e.type === 'Warning');
  s.out.push({
    severity: phase === 'Lost' || failed ? 'critical' : 'warning',
    object: `persistentvolumeclaim/${pvc.metadata.name}`,
    component: pvc.metadata.labels?.[COMPONENT_LABEL],
    reason: phase === 'Lost' ? 'PVCLost' : failed?.reason === 'ProvisioningFailed' ? 'ProvisioningFailed' : 'PVCPending',
    evidence: `phase ${phase}, storage class ${pvc.spec?.storageClassName ?? '(default)'}${failed ? `; ${failed.reason}: ${failed.message}` : ''}`,
    remedy: `minikube provisions volumes with its storage-provisioner and default-storageclass addons: minikube addons enable storage-provisioner -p ${s.profile} && minikube addons enable default-storageclass -p ${s.profile}; or set postgresql.persistence.storageClass to a class that exists (kubectl get storageclass)`,
  });
}

// ---------------------------------------------------------------- metrics

function analyzeMetrics(s: Scope): void {
  const { metrics } = s.snapshot;
  if (!metrics.available) {
    s.out.push({
      severity: 'info',
      object: 'apiservice/v1beta1.metrics.k8s.io',
      reason: 'MetricsUnavailable',
      evidence: `metrics API not available${metrics.error ? `: ${lastLine(metrics.error)}` : ''}; memory and CPU use were not checked`,
      remedy: `minikube addons enable metrics-server -p ${s.profile} (the first figures arrive about a minute later)`,
    });
    return;
  }
  for (const item of metrics.items) {
    const pod = s.snapshot.pods.find((p) => p.metadata.name === item.metadata.name);
    if (!pod) continue;
    const component = pod.metadata.labels?.[COMPONENT_LABEL];
    for (const usage of (item as any).containers ?? []) {
      const spec = (pod.spec?.containers ?? []).find((c: any) => c.name === usage.name);
      const limits = spec?.resources?.limits ?? {};
      const base = { object: `pod/${pod.metadata.name}`, component, container: usage.name as string };
      const memUsed = parseMemory(usage.usage?.memory);
      const memLimit = parseMemory(limits.memory);
      if (memUsed !== undefined && memLimit && memUsed / memLimit >= s.threshold) {
        s.out.push({
          ...base,
          severity: 'warning',
          reason: 'HighMemory',
          evidence: `container ${usage.name} uses ${formatMemory(memUsed)} of its ${limits.memory} memory limit (${percent(memUsed / memLimit)}); at the limit it is OOMKilled`,
          remedy: memoryRemedy(s, component, limits.memory),
        });
      }
      const cpuUsed = parseCpu(usage.usage?.cpu);
      const cpuLimit = parseCpu(limits.cpu);
      if (cpuUsed !== undefined && cpuLimit && cpuUsed / cpuLimit >= s.threshold) {
        s.out.push({
          ...base,
          severity: 'warning',
          reason: 'HighCPU',
          evidence: `container ${usage.name} uses ${Math.round(cpuUsed)}m of its ${limits.cpu} CPU limit (${percent(cpuUsed / cpuLimit)}); above it the container is throttled`,
          remedy: `raise ${componentPath(component, 'resources.limits.cpu')} or spread the load over more pods, e.g. ${upgrade(s, `${componentPath(component, 'replicaCount')}=2`)}`,
        });
      }
    }
  }
}

// ---------------------------------------------------------------- events

function analyzeWarningEvents(s: Scope): void {
  const covered = new Set(s.out.map((f) => f.object));
  const podNames = new Set(s.snapshot.pods.map((p) => p.metadata.name));
  const rsNames = new Set(s.snapshot.replicasets.map((r) => r.metadata.name));
  const readyPods = new Set(s.snapshot.pods.filter((p) => condition(p, 'Ready')?.status === 'True').map((p) => p.metadata.name));
  const groups = new Map<string, any[]>();
  for (const event of s.snapshot.events as any[]) {
    if (event.type !== 'Warning') continue;
    const kind: string = event.involvedObject?.kind ?? 'Unknown';
    const name: string = event.involvedObject?.name ?? '?';
    // Events outlive their objects by an hour: a warning about a pod or ReplicaSet that is gone
    // (replaced by a restart drill or a rollout) says nothing about the release as it is now.
    if (kind === 'Pod' && !podNames.has(name)) continue;
    if (kind === 'ReplicaSet' && !rsNames.has(name)) continue;
    const object = `${kind.toLowerCase()}/${name}`;
    if (covered.has(object)) continue;
    // Probe failures of a pod that is Ready now are its start-up (or a flap it recovered from);
    // failures that matter (not Ready, restarts) were judged by the pod analysis above.
    if (kind === 'Pod' && event.reason === 'Unhealthy' && readyPods.has(name)) continue;
    const key = `${object}|${event.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  for (const [key, events] of groups) {
    const [object] = key.split('|') as [string];
    const latest = events.sort(byEventTime)[events.length - 1]!;
    const total = events.reduce((n, e) => n + eventCount(e), 0);
    const kind = latest.involvedObject?.kind ?? '';
    const owner = kind === 'Pod' ? s.snapshot.pods.find((p) => p.metadata.name === latest.involvedObject?.name) : undefined;
    s.out.push({
      severity: 'warning',
      object,
      component: owner?.metadata.labels?.[COMPONENT_LABEL],
      reason: latest.reason ?? 'Warning',
      evidence: `${latest.reason}: ${latest.message ?? ''}${total > 1 ? ` (×${total})` : ''}`,
      remedy: `kubectl describe ${kind.toLowerCase() || 'all'} ${latest.involvedObject?.name ?? ''} -n ${s.ns}`.replace(/\s+/g, ' '),
    });
  }
}

/**
 * A Deployment or Service of a component whose pod already has a critical finding is down
 * because of that pod: its remedy names the pod finding instead of a generic "see the pods".
 */
function pointAtCauses(findings: Finding[]): void {
  const causes = new Map<string, Finding>();
  for (const f of findings) if (f.severity === 'critical' && f.object.startsWith('pod/') && f.component && !causes.has(f.component)) causes.set(f.component, f);
  for (const f of findings) {
    if (!/^(deployment|statefulset|service)\//.test(f.object) || !f.component) continue;
    const cause = causes.get(f.component);
    if (cause) f.remedy = `caused by ${cause.object}: ${cause.reason} — fix that first (${cause.remedy})`;
  }
}

// ---------------------------------------------------------------- log tails

/**
 * The last lines of the logs of every container named in a critical pod finding, plus its
 * previous run when it restarted (a crash is in the previous run's output). Containers that never
 * ran (image or config missing) are left out: they have no logs.
 */
export async function podLogTails(kubectl: Kubectl, namespace: string, findings: Finding[], lines = 30, maxContainers = 6): Promise<Array<{ title: string; body: string }>> {
  const tails: Array<{ title: string; body: string }> = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.severity !== 'critical' || !f.object.startsWith('pod/') || !f.container || NEVER_RAN.has(f.reason)) continue;
    const pod = f.object.slice('pod/'.length);
    const key = `${pod}/${f.container}`;
    if (seen.has(key) || seen.size >= maxContainers) continue;
    seen.add(key);
    if ((f.restarts ?? 0) > 0) {
      const previous = await kubectl.logs(pod, f.container, namespace, lines, true);
      tails.push({ title: `logs of ${f.object}, container ${f.container}, previous run (last ${lines} lines)`, body: previous.trim() || '(empty)' });
    }
    const current = await kubectl.logs(pod, f.container, namespace, lines);
    tails.push({ title: `logs of ${f.object}, container ${f.container} (last ${lines} lines)`, body: current.trim() || '(empty)' });
  }
  return tails;
}

/** One line per finding, for prompts and summaries. */
export function summarizeFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'none';
  return findings.map((f) => `- [${f.severity}] ${f.object}${f.component ? ` (${f.component})` : ''}: ${f.reason} — ${f.evidence}`).join('\n');
}

// ---------------------------------------------------------------- helpers

function condition(object: KubeObject, type: string): { type: string; status: string; reason?: string; message?: string } | undefined {
  return (object.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

function indexEvents(events: KubeObject[]): Map<string, any[]> {
  const index = new Map<string, any[]>();
  for (const event of [...(events as any[])].sort(byEventTime)) {
    const key = `${event.involvedObject?.kind}/${event.involvedObject?.name}`;
    index.set(key, [...(index.get(key) ?? []), event]);
  }
  return index;
}

function eventsFor(s: Scope, kind: string, name: string): any[] {
  return s.events.get(`${kind}/${name}`) ?? [];
}

function latestEvent(s: Scope, kind: string, name: string, filter: (e: any) => boolean): any | undefined {
  const matching = eventsFor(s, kind, name).filter(filter);
  return matching[matching.length - 1];
}

function eventTime(e: any): string {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '';
}

function byEventTime(a: any, b: any): number {
  return eventTime(a).localeCompare(eventTime(b)) || String(a.metadata?.name ?? '').localeCompare(String(b.metadata?.name ?? ''));
}

function eventCount(e: any): number {
  return e.series?.count ?? e.count ?? 1;
}

function countSuffix(e: any): string {
  const n = eventCount(e);
  return n > 1 ? ` (×${n})` : '';
}

function componentPath(component: string | undefined, path: string): string {
  return `${component ?? '<component>'}.${path}`;
}

function upgrade(s: Scope, assignment: string): string {
  return `helm upgrade ${s.release} ${s.chartDir} -n ${s.ns} --reuse-values --set ${assignment}`;
}

const EXIT_MEANINGS: Record<number, string> = {
  1: 'the app failed',
  2: 'bad usage',
  126: 'command not executable',
  127: 'command not found in the image',
  137: 'killed with SIGKILL',
  139: 'segmentation fault',
  143: 'stopped with SIGTERM',
};

function exitMeaning(code: number | undefined): string {
  return code !== undefined && EXIT_MEANINGS[code] ? ` (${EXIT_MEANINGS[code]})` : '';
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

function timesRestarted(n: number): string {
  return `restarted ${n} time${n === 1 ? '' : 's'}`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
