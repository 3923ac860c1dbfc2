// @ts-check
// A pod as the API server returns it at virtual time t: phase, conditions, container states (waiting
// reasons, restarts, last termination) derived from the pod's runs and the faults.
import { listObjects } from '../model.mjs';
import { rfc3339, cpuMilli, memBytes } from '../util.mjs';
import { runTimes, crashAt, isReadyAt, readySince, goDur, containerId, readyIntervals } from './lifecycle.mjs';
import { clean } from './clean.mjs';

export const cond = (type, status, at, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: rfc3339(at), ...extra, status, type });

export function qosClass(pod) {
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
    const base = {
      image: ct.image,
      imageID: run.imageID ? `${run.imageID.includes('@') ? 'docker-pullable' : 'docker'}://${run.imageID}` : '',
      name: ct.name,
    };
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
