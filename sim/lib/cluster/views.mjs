// @ts-check
// Objects as the API server would return them at virtual time t (status derived from timestamps).
import { listObjects, getObject, K8S_VERSION, NODE_DOCKER_VERSION, NODE_CONTAINERD_VERSION } from '../model.mjs';
import { rfc3339, cpuMilli, memBytes } from '../util.mjs';
import { runTimes, crashAt, isReadyAt, readySince, mainContainer, goDur, containerId, readyIntervals } from './lifecycle.mjs';
import { templateHash } from './controllers.mjs';

const TS_KEYS = new Set(['creationTimestamp', 'deletionTimestamp']);
/** Deep copy without sim-private keys; numeric metadata timestamps become RFC3339. */
export function clean(o) {
  if (Array.isArray(o)) return o.map(clean);
  if (o && typeof o === 'object') {
    /** @type {Record<string, any>} */
    const r = {};
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith('_') || v === undefined) continue;
      r[k] = TS_KEYS.has(k) && typeof v === 'number' ? rfc3339(v) : clean(v);
    }
    return r;
  }
  return o;
}

const ownedBy = (o, owner) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
const cond = (type, status, at, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: rfc3339(at), ...extra, status, type });

function qosClass(pod) {
  let any = false;
  let guaranteed = true;
  for (const ct of pod.spec.containers) {
    const r = ct.resources?.requests ?? {};
    const l = ct.resources?.limits ?? {};
    if (Object.keys(r).length || Object.keys(l).length) any = true;
    for (const k of ['cpu', 'memory']) {
      const req = r[k] ?? l[k];
      if (!l[k] || !req || (k === 'cpu' ? cpuMilli(req) !== cpuMilli(l[k]) : memBytes(req) !== memBytes(l[k]))) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/** ErrImagePull / ImagePullBackOff alternation after a failed pull that started at `since`. */
function pullReason(since, t) {
  let at = since;
  let bo = 10000;
  for (let i = 0; i < 1000; i++) {
    if (t < at + 2500) return 'ErrImagePull';
    const next = at + 2500 + bo;
    if (t < next) return 'ImagePullBackOff';
    at = next;
    bo = Math.min(bo * 2, 300000);
  }
  return 'ImagePullBackOff';
}

/**
 * The derived state of a pod at t.
 * @returns {{ phase: string, display: string, ready: boolean, restarts: number, lastRestartAt: number|null, containerStatuses: any[], conditions: any[], podIP?: string, hostIP?: string, startTime?: number, terminating: boolean }}
 */
export function podState(c, pod, t, faults) {
  const sim = pod._sim;
  const ns = pod.metadata.namespace;
  const terminating = sim.deletionAt != null && sim.deletionAt <= t;
  if (sim.scheduledAt == null) {
    const conditions = sim.unsched
      ? [cond('PodScheduled', 'False', sim.unsched.since, { message: sim.unsched.message, reason: 'Unschedulable' })]
      : [];
    return {
      phase: 'Pending',
      display: terminating ? 'Terminating' : 'Pending',
      ready: false,
      restarts: 0,
      lastRestartAt: null,
      containerStatuses: [],
      conditions,
      terminating,
    };
  }
  const idx = sim.runs.length - 1;
  const run = sim.runs[idx];
  const tm = runTimes(pod, idx, faults);
  const cs = [];
  let phase = 'Pending';
  let display = 'ContainerCreating';
  let ready = false;
  let restarts = sim.restartBase;
  let lastRestartAt = null;
  let containersStarted = false;
  // previous run's termination (node restart)
  let prevTerm = null;
  if (idx > 0) {
    const ptm = runTimes(pod, idx - 1, faults);
    const prun = sim.runs[idx - 1];
    if (ptm && ptm.startedAt < (prun.stop ?? Infinity)) {
      let st = ptm.startedAt;
      if (ptm.crash) {
        const ca = crashAt(ptm, prun.stop);
        st = ca.startedAt;
      }
      prevTerm = {
        containerID: `docker://${containerId(pod, idx - 1, 0)}`,
        exitCode: 255,
        finishedAt: rfc3339(prun.stop),
        reason: 'Unknown',
        startedAt: rfc3339(st),
      };
      lastRestartAt = prun.stop;
    }
  }
  for (const ct of pod.spec.containers) {
    const base = { image: ct.image, imageID: run.imageID ? `docker://${run.imageID}` : '', name: ct.name };
    let state;
    let lastState = prevTerm ? { terminated: prevTerm } : {};
    let started = false;
    let cReady = false;
    let cid;
    if (!tm) {
      if (run.block) {
        const reason =
          run.block.reason === 'ErrImagePull'
            ? pullReason(run.block.since, t)
            : run.block.reason === 'FailedMount'
              ? 'ContainerCreating'
              : run.block.reason;
        const message =
          reason === 'ImagePullBackOff'
            ? `Back-off pulling image "${ct.image}": ErrImagePull: ${run.block.message}`
            : reason === 'ContainerCreating'
              ? undefined
              : run.block.message;
        state = { waiting: message ? { message, reason } : { reason } };
        display = reason;
      } else {
        state = { waiting: { reason: 'ContainerCreating' } };
        display = 'ContainerCreating';
      }
    } else if (t < tm.startedAt) {
      state = { waiting: { reason: 'ContainerCreating' } };
      display = 'ContainerCreating';
    } else if (sim.oneShot && t >= tm.startedAt + sim.oneShot.runFor) {
      const fin = tm.startedAt + sim.oneShot.runFor;
      const code = oneShotExit(c, pod, tm.startedAt, faults);
      cid = `docker://${containerId(pod, idx, 0)}`;
      state = {
        terminated: {
          containerID: cid,
          exitCode: code,
          finishedAt: rfc3339(fin),
          reason: code === 0 ? 'Completed' : 'Error',
          startedAt: rfc3339(tm.startedAt),
        },
      };
      phase = code === 0 ? 'Succeeded' : 'Failed';
      display = code === 0 ? 'Completed' : 'Error';
    } else if (tm.crash) {
      const ca = crashAt(tm, t);
      restarts = sim.restartBase + ca.i;
      phase = 'Running';
      cid = `docker://${containerId(pod, idx, ca.i)}`;
      if (ca.prev) {
        lastState = {
          terminated: {
            containerID: `docker://${containerId(pod, idx, ca.i - 1)}`,
            exitCode: tm.crash.exitCode,
            finishedAt: rfc3339(ca.prev.finishedAt),
            reason: tm.crash.reason,
            startedAt: rfc3339(ca.prev.startedAt),
          },
        };
        lastRestartAt = ca.startedAt;
      }
      if (ca.state === 'running') {
        state = { running: { startedAt: rfc3339(ca.startedAt) } };
        started = true;
        display = 'Running';
        containersStarted = true;
      } else {
        const term = {
          containerID: cid,
          exitCode: tm.crash.exitCode,
          finishedAt: rfc3339(/** @type {number} */ (ca.finishedAt)),
          reason: tm.crash.reason,
          startedAt: rfc3339(ca.startedAt),
        };
        if (ca.state === 'terminated') {
          state = { terminated: term };
          display = tm.crash.reason;
        } else {
          state = {
            waiting: {
              message: `back-off ${goDur(/** @type {number} */ (ca.backoff))} restarting failed container=${ct.name} pod=${pod.metadata.name}_${ns}(${pod.metadata.uid})`,
              reason: 'CrashLoopBackOff',
            },
          };
          lastState = { terminated: term };
          display = 'CrashLoopBackOff';
        }
      }
    } else {
      phase = 'Running';
      cid = `docker://${containerId(pod, idx, 0)}`;
      state = { running: { startedAt: rfc3339(tm.startedAt) } };
      started = true;
      containersStarted = true;
      cReady = isReadyAt(c, pod, t, faults);
      display = 'Running';
    }
    if (tm && t >= tm.startedAt && phase !== 'Succeeded' && phase !== 'Failed') phase = 'Running';
    if (cReady) ready = true;
    cs.push({ ...(cid ? { containerID: cid } : {}), ...base, lastState, ready: cReady, restartCount: restarts, started, state });
  }
  if (terminating) display = 'Terminating';
  const sandboxAt = run.start + 300;
  const readyAt = ready ? (readySince(c, pod, t, faults) ?? t) : null;
  const notReadyMsg = `containers with unready status: [${pod.spec.containers.map((x) => x.name).join(' ')}]`;
  const notReadySince = (() => {
    if (!tm) return run.start;
    const iv = readyIntervals(c, pod, idx, faults).filter(([, b]) => b <= t);
    return iv.length ? iv[iv.length - 1][1] : run.start;
  })();
  const conditions = [
    cond('PodReadyToStartContainers', t >= sandboxAt ? 'True' : 'False', Math.min(t, sandboxAt)),
    cond('Initialized', 'True', sim.scheduledAt),
    ready
      ? cond('Ready', 'True', /** @type {number} */ (readyAt))
      : cond('Ready', 'False', notReadySince, { message: notReadyMsg, reason: 'ContainersNotReady' }),
    ready
      ? cond('ContainersReady', 'True', /** @type {number} */ (readyAt))
      : cond('ContainersReady', 'False', notReadySince, { message: notReadyMsg, reason: 'ContainersNotReady' }),
    cond('PodScheduled', 'True', sim.scheduledAt),
  ];
  void containersStarted;
  return {
    phase,
    display,
    ready,
    restarts,
    lastRestartAt,
    containerStatuses: cs,
    conditions,
    podIP: run.ip,
    hostIP: c.node.ip,
    startTime: sim.scheduledAt,
    terminating,
  };
}

/** Exit code of a one-shot (helm test) pod: it probes the release's backend, so it passes when a backend pod is Ready. */
function oneShotExit(c, pod, at, faults) {
  const ns = pod.metadata.namespace;
  const backends = listObjects(c, 'Pod', ns)
    .concat(c.graveyard.filter((g) => g.metadata.namespace === ns))
    .filter((p) => p._sim.component === 'backend');
  if (!backends.length) return 0;
  return backends.some((p) => p._sim.deletionAt == null && isReadyAt(c, p, at, faults)) ? 0 : 1;
}

export function podJSON(c, pod, t, faults) {
  const o = clean(pod);
  const st = podState(c, pod, t, faults);
  o.status = {
    conditions: st.conditions,
    ...(st.containerStatuses.length ? { containerStatuses: st.containerStatuses } : {}),
    ...(st.hostIP ? { hostIP: st.hostIP, hostIPs: [{ ip: st.hostIP }] } : {}),
    phase: st.phase,
    ...(st.podIP ? { podIP: st.podIP, podIPs: [{ ip: st.podIP }] } : {}),
    qosClass: qosClass(pod),
    ...(st.startTime ? { startTime: rfc3339(st.startTime) } : {}),
  };
  return o;
}

/** Pods selected by a service selector (not terminating, with an IP). */
export function endpointsFor(c, svc, t, faults) {
  const sel = svc.spec.selector;
  const ns = svc.metadata.namespace;
  if (!sel || !c.up) return { ready: [], notReady: [] };
  const ready = [];
  const notReady = [];
  for (const p of listObjects(c, 'Pod', ns)) {
    const labels = p.metadata.labels ?? {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    if (p._sim.scheduledAt == null || p._sim.deletionAt != null) continue;
    const run = p._sim.runs[p._sim.runs.length - 1];
    if (!run || run.stop != null || run.start > t) continue;
    (isReadyAt(c, p, t, faults) ? ready : notReady).push(p);
  }
  return { ready, notReady };
}

export function serviceReady(state, c, svc, t, faults) {
  return endpointsFor(c, svc, t, faults).ready.length > 0;
}

function resolveTargetPort(pod, tp) {
  if (typeof tp === 'number') return tp;
  for (const ct of pod.spec.containers) for (const p of ct.ports ?? []) if (p.name === tp) return p.containerPort;
  return null;
}

export function endpointsJSON(c, svc, t, faults) {
  const { ready, notReady } = endpointsFor(c, svc, t, faults);
  const addr = (p) => ({
    ip: p._sim.runs.at(-1).ip,
    nodeName: c.node.name,
    targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
  });
  const any = ready[0] ?? notReady[0];
  const ports = (svc.spec.ports ?? []).map((sp) => ({
    ...(sp.name ? { name: sp.name } : {}),
    port: any ? (resolveTargetPort(any, sp.targetPort ?? sp.port) ?? sp.port) : sp.port,
    protocol: sp.protocol ?? 'TCP',
  }));
  const o = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      creationTimestamp: rfc3339(svc._created),
      labels: svc.metadata.labels,
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      resourceVersion: svc.metadata.resourceVersion,
      uid: svc.metadata.uid.replace(/^.{4}/, 'e0e0'),
    },
  };
  if (ready.length || notReady.length) {
    o.subsets = [
      {
        ...(ready.length ? { addresses: ready.map(addr) } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}),
        ports,
      },
    ];
  }
  if (svc.metadata.name === 'kubernetes' && svc.metadata.namespace === 'default')
    o.subsets = [{ addresses: [{ ip: c.node.ip }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] }];
  return o;
}

/** Deployment status. */
export function deploymentStatus(c, d, t, faults) {
  const rss = listObjects(c, 'ReplicaSet', d.metadata.namespace).filter((rs) => ownedBy(rs, d));
  const hash = templateHash(d.spec.template);
  const newRS = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const pods = listObjects(c, 'Pod', d.metadata.namespace).filter((p) => rss.some((rs) => ownedBy(p, rs)) && p._sim.deletionAt == null);
  const desired = d.spec.replicas ?? 1;
  const readyPods = pods.filter((p) => isReadyAt(c, p, t, faults));
  const updated = newRS ? pods.filter((p) => ownedBy(p, newRS)).length : 0;
  const replicas = pods.length;
  const ready = readyPods.length;
  const maxUnavailable = (() => {
    const v = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
    const m = /^(\d+)%$/.exec(String(v));
    return m ? Math.floor((parseInt(m[1], 10) * desired) / 100) : Number(v);
  })();
  const complete = updated === desired && replicas === desired && ready === desired;
  const newReady = newRS ? readyPods.filter((p) => ownedBy(p, newRS)).map((p) => readySince(c, p, t, faults) ?? t) : [];
  const lastProgress = Math.max(newRS?._created ?? d._created, ...newReady, d._specChangedAt ?? 0);
  const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  const availableOk = ready >= desired - maxUnavailable;
  const conditions = [
    availableOk
      ? cond('Available', 'True', lastProgress, {
          lastUpdateTime: rfc3339(lastProgress),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
        })
      : cond('Available', 'False', d._created, {
          lastUpdateTime: rfc3339(lastProgress),
          message: 'Deployment does not have minimum availability.',
          reason: 'MinimumReplicasUnavailable',
        }),
    complete
      ? cond('Progressing', 'True', newRS?._created ?? d._created, {
          lastUpdateTime: rfc3339(lastProgress),
          message: `ReplicaSet "${newRS?.metadata.name}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
        })
      : t - lastProgress > deadline
        ? cond('Progressing', 'False', lastProgress + deadline, {
            lastUpdateTime: rfc3339(lastProgress + deadline),
            message: `ReplicaSet "${newRS?.metadata.name}" has timed out progressing.`,
            reason: 'ProgressDeadlineExceeded',
          })
        : cond('Progressing', 'True', newRS?._created ?? d._created, {
            lastUpdateTime: rfc3339(lastProgress),
            message: `ReplicaSet "${newRS?.metadata.name}" is progressing.`,
            reason: 'ReplicaSetUpdated',
          }),
  ];
  for (const x of conditions) delete x.lastProbeTime;
  return {
    ...(ready ? { availableReplicas: ready } : {}),
    conditions,
    observedGeneration: d.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(desired - ready > 0 ? { unavailableReplicas: desired - ready } : {}),
    ...(updated ? { updatedReplicas: updated } : {}),
    _complete: complete,
    _newRS: newRS?.metadata.name,
    _exceeded: !complete && t - lastProgress > deadline,
  };
}

export function deploymentJSON(c, d, t, faults) {
  const o = clean(d);
  o.metadata.annotations = {
    'deployment.kubernetes.io/revision': String(
      Math.max(
        1,
        ...listObjects(c, 'ReplicaSet', d.metadata.namespace)
          .filter((rs) => ownedBy(rs, d))
          .map((rs) => parseInt(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1', 10)),
      ),
    ),
    ...(o.metadata.annotations ?? {}),
  };
  o.spec.progressDeadlineSeconds ??= 600;
  o.spec.revisionHistoryLimit ??= 10;
  o.spec.strategy ??= { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' };
  const st = deploymentStatus(c, d, t, faults);
  o.status = Object.fromEntries(Object.entries(st).filter(([k]) => !k.startsWith('_')));
  return o;
}

export function replicaSetJSON(c, rs, t, faults) {
  const o = clean(rs);
  const pods = listObjects(c, 'Pod', rs.metadata.namespace).filter((p) => ownedBy(p, rs) && p._sim.deletionAt == null);
  const ready = pods.filter((p) => isReadyAt(c, p, t, faults)).length;
  o.status = {
    ...(ready ? { availableReplicas: ready } : {}),
    fullyLabeledReplicas: pods.length,
    observedGeneration: rs.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas: pods.length,
  };
  if (!pods.length) delete o.status.fullyLabeledReplicas;
  return o;
}

export function statefulSetJSON(c, s, t, faults) {
  const o = clean(s);
  const rev = `${s.metadata.name}-${templateHash(s.spec.template)}`;
  const pods = listObjects(c, 'Pod', s.metadata.namespace).filter((p) => ownedBy(p, s) && p._sim.deletionAt == null);
  const ready = pods.filter((p) => isReadyAt(c, p, t, faults)).length;
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev).length;
  o.spec.podManagementPolicy ??= 'OrderedReady';
  o.spec.updateStrategy ??= { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' };
  o.spec.revisionHistoryLimit ??= 10;
  o.status = {
    availableReplicas: ready,
    collisionCount: 0,
    currentReplicas: updated,
    currentRevision: rev,
    observedGeneration: s.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas: pods.length,
    updateRevision: rev,
    updatedReplicas: updated,
  };
  return o;
}

export function serviceJSON(c, svc) {
  const o = clean(svc);
  o.spec.internalTrafficPolicy ??= 'Cluster';
  o.spec.ipFamilies ??= ['IPv4'];
  o.spec.ipFamilyPolicy ??= 'SingleStack';
  o.spec.sessionAffinity ??= 'None';
  o.spec.type ??= 'ClusterIP';
  if (o.spec.type === 'NodePort') o.spec.externalTrafficPolicy ??= 'Cluster';
  o.status = { loadBalancer: {} };
  return o;
}

export function pvcJSON(c, pvc) {
  const o = clean(pvc);
  o.status = {
    accessModes: pvc.spec.accessModes,
    capacity: { storage: pvc.spec.resources?.requests?.storage },
    phase: pvc._terminating ? 'Bound' : 'Bound',
  };
  return o;
}
export function pvJSON(c, pv) {
  const o = clean(pv);
  const claim = pv.spec.claimRef;
  const bound = claim && getObject(c, 'PersistentVolumeClaim', claim.namespace, claim.name);
  o.status = { lastPhaseTransitionTime: rfc3339(pv._created), phase: bound ? 'Bound' : 'Released' };
  return o;
}

export function namespaceJSON(c, ns) {
  const o = clean(ns);
  o.status = { phase: ns._terminatingAt ? 'Terminating' : 'Active' };
  return o;
}

export function nodeJSON(state, c, t) {
  const n = c.node;
  const memKi = n.memMi * 1024;
  const labels = c.foreign
    ? {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'e2-standard-4',
      }
    : {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'minikube.k8s.io/commit': '65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3',
        'minikube.k8s.io/name': c.profile,
        'minikube.k8s.io/primary': 'true',
        'minikube.k8s.io/updated_at': rfc3339(n.createdAt).replace(/[-:]/g, '_').replace('T', 'T').replace('Z', '_0700'),
        'minikube.k8s.io/version': 'v1.37.0',
        'node-role.kubernetes.io/control-plane': '',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
      };
  const up = c.upSince ?? t;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      creationTimestamp: rfc3339(n.createdAt),
      labels,
      name: n.name,
      resourceVersion: String(state.seq.rv),
      uid: n.uid,
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: String(n.cpu / 1000),
        'ephemeral-storage': '102625208Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: '110',
      },
      capacity: {
        cpu: String(n.cpu / 1000),
        'ephemeral-storage': '102625208Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: '110',
      },
      conditions: [
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has sufficient memory available',
          reason: 'KubeletHasSufficientMemory',
          status: 'False',
          type: 'MemoryPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has no disk pressure',
          reason: 'KubeletHasNoDiskPressure',
          status: 'False',
          type: 'DiskPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(n.createdAt),
          message: 'kubelet has sufficient PID available',
          reason: 'KubeletHasSufficientPID',
          status: 'False',
          type: 'PIDPressure',
        },
        {
          lastHeartbeatTime: rfc3339(t),
          lastTransitionTime: rfc3339(up),
          message: 'kubelet is posting ready status',
          reason: 'KubeletReady',
          status: 'True',
          type: 'Ready',
        },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: n.uid,
        containerRuntimeVersion: c.foreign
          ? 'containerd://1.7.22'
          : state.minikube.profiles[c.profile ?? c.name]?.runtime === 'containerd'
            ? `containerd://${NODE_CONTAINERD_VERSION}`
            : `docker://${NODE_DOCKER_VERSION}`,
        kernelVersion: state.host.kernel,
        kubeProxyVersion: K8S_VERSION,
        kubeletVersion: K8S_VERSION,
        machineID: n.uid.replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: c.foreign ? 'Container-Optimized OS from Google' : 'Ubuntu 22.04.5 LTS',
        systemUUID: n.uid,
      },
    },
  };
}

export { qosClass };
