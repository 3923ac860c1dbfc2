// @ts-check
// Events: controller events are stored when they happen; kubelet/scheduler events of pods are derived
// from each pod's recorded lifecycle at read time (with counts and first/last timestamps).
import { rfc3339, sha256 } from '../util.mjs';
import { runTimes, crashAt, readyIntervals, mainContainer, backoffAfter } from './lifecycle.mjs';

const HOUR = 3600_000;

/** @returns {any[]} internal event records {ns, kind, objName, objUid, apiVersion, reason, message, type, component, host, fieldPath, first, last, count} */
export function podEvents(c, pod, t, faults) {
  const out = [];
  const sim = pod._sim;
  const ns = pod.metadata.namespace;
  const ct = mainContainer(pod);
  const fieldPath = `spec.containers{${ct.name}}`;
  const base = { ns, kind: 'Pod', objName: pod.metadata.name, objUid: pod.metadata.uid, apiVersion: 'v1', host: c.node.name };
  const ev = (reason, message, type, first, last, count, extra = {}) => {
    if (first > t) return;
    out.push({
      ...base,
      component: 'kubelet',
      fieldPath,
      reason,
      message,
      type,
      first,
      last: Math.min(last, t),
      count: Math.max(1, count),
      ...extra,
    });
  };
  const end = Math.min(t, sim.finalizeAt ?? Infinity);
  if (sim.unsched) {
    const until = Math.min(end, sim.scheduledAt ?? Infinity);
    ev('FailedScheduling', sim.unsched.message, 'Warning', sim.unsched.since, until, 1 + Math.floor((until - sim.unsched.since) / 300000), {
      component: 'default-scheduler',
      fieldPath: undefined,
      host: undefined,
    });
  }
  if (sim.scheduledAt == null) return out;
  ev('Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${c.node.name}`, 'Normal', sim.scheduledAt, sim.scheduledAt, 1, {
    component: 'default-scheduler',
    fieldPath: undefined,
    host: undefined,
  });
  sim.runs.forEach((run, idx) => {
    if (run.start > t) return;
    const runEnd = Math.min(end, run.stop ?? Infinity);
    const blocks = run.blocks ?? (run.block ? [run.block] : []);
    blocks.forEach((b, bi) => {
      const bEnd = Math.min(runEnd, blocks[bi + 1]?.since ?? Infinity, run.createAt ?? Infinity);
      const span = Math.max(0, bEnd - b.since);
      if (b.reason === 'ErrImageNeverPull') {
        const n = 1 + Math.floor(span / 12000);
        ev('ErrImageNeverPull', b.message, 'Warning', b.since, b.since + (n - 1) * 12000, n);
        ev('Failed', 'Error: ErrImageNeverPull', 'Warning', b.since, b.since + (n - 1) * 12000, n);
      } else if (b.reason === 'ErrImagePull') {
        let at = b.since;
        let bo = 10000;
        let n = 0;
        let last = at;
        while (at <= bEnd && n < 500) {
          n++;
          last = at;
          at += 2500 + bo;
          bo = Math.min(bo * 2, 300000);
        }
        ev('Pulling', `Pulling image "${ct.image}"`, 'Normal', b.since, last, n);
        ev('Failed', `Failed to pull image "${ct.image}": ${b.message}`, 'Warning', b.since + 800, last + 800, n);
        ev('Failed', 'Error: ErrImagePull', 'Warning', b.since + 800, last + 800, n);
        if (span > 2500) {
          const bn = Math.max(1, Math.floor(span / 10000));
          ev('BackOff', `Back-off pulling image "${ct.image}"`, 'Normal', b.since + 2500, bEnd, bn);
          ev('Failed', 'Error: ImagePullBackOff', 'Warning', b.since + 2500, bEnd, bn);
        }
      } else if (b.reason === 'CreateContainerConfigError') {
        const n = 1 + Math.floor(span / 12000);
        ev('Pulled', `Container image "${ct.image}" already present on machine`, 'Normal', b.since, b.since + (n - 1) * 12000, n);
        ev('Failed', `Error: ${b.message}`, 'Warning', b.since, b.since + (n - 1) * 12000, n);
      } else if (b.reason === 'FailedMount') {
        const n = 1 + Math.floor(span / 15000);
        ev('FailedMount', b.message, 'Warning', b.since, b.since + (n - 1) * 15000, n);
      }
    });
    const tm = runTimes(pod, idx, faults);
    if (!tm || tm.createAt > t) return;
    let starts = 1;
    let lastStart = tm.startedAt;
    if (tm.crash) {
      const ca = crashAt(tm, Math.min(runEnd, t));
      starts = ca.i + 1;
      lastStart = ca.startedAt;
      if (ca.i >= 1 || ca.state === 'backoff') {
        const firstBo = tm.startedAt + tm.crash.runFor + backoffAfter(0) + 300 + tm.crash.runFor;
        const n = ca.state === 'backoff' ? ca.i : Math.max(1, ca.i - 1);
        ev(
          'BackOff',
          `Back-off restarting failed container ${ct.name} in pod ${pod.metadata.name}_${ns}(${pod.metadata.uid})`,
          'Warning',
          firstBo,
          ca.finishedAt ?? ca.startedAt,
          n,
        );
      }
    }
    const pull = (run.pulls ?? []).find((x) => x.image === ct.image);
    if (pull) {
      ev('Pulling', `Pulling image "${ct.image}"`, 'Normal', pull.from, pull.from, 1);
      const secs = ((pull.to - pull.from) / 1000).toFixed(3);
      ev(
        'Pulled',
        `Successfully pulled image "${ct.image}" in ${secs}s (${secs}s including waiting). Image size: ${pull.size} bytes.`,
        'Normal',
        pull.to,
        pull.to,
        1,
      );
      if (starts > 1)
        ev(
          'Pulled',
          `Container image "${ct.image}" already present on machine`,
          'Normal',
          tm.startedAt + 1000,
          lastStart - 600,
          starts - 1,
        );
    } else
      ev(
        'Pulled',
        `Container image "${ct.image}" already present on machine`,
        'Normal',
        tm.createAt,
        Math.max(tm.createAt, lastStart - 600),
        starts,
      );
    ev('Created', `Created container: ${ct.name}`, 'Normal', tm.startedAt - 200, lastStart - 200, starts);
    ev('Started', `Started container ${ct.name}`, 'Normal', tm.startedAt, lastStart, starts);
    const rp = ct.readinessProbe;
    const comp = sim.component;
    if (rp && !tm.crash && tm.startedAt < runEnd) {
      const per = (rp.periodSeconds ?? 10) * 1000;
      const firstProbe = tm.startedAt + (rp.initialDelaySeconds ?? 0) * 1000;
      const url = `http://${run.ip}:${typeof rp.httpGet?.port === 'number' ? rp.httpGet.port : (ct.ports?.[0]?.containerPort ?? 80)}${rp.httpGet?.path ?? '/'}`;
      if (!sim.system && (faults.forComponent('probe-fail', comp) || faults.forComponent('never-ready', comp))) {
        const n = Math.floor((runEnd - firstProbe) / per) + 1;
        if (n > 0) {
          const msg = faults.forComponent('probe-fail', comp)
            ? rp.httpGet
              ? 'Readiness probe failed: HTTP probe failed with statuscode: 503'
              : 'Readiness probe failed: command terminated with non-zero exit code: error executing command in container: exit status 1'
            : rp.httpGet
              ? `Readiness probe failed: Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
              : `Readiness probe errored: rpc error: code = DeadlineExceeded desc = context deadline exceeded`;
          ev('Unhealthy', msg, 'Warning', firstProbe, firstProbe + (n - 1) * per, n);
        }
      } else {
        // probes that failed while the app was booting or its database was not ready
        const iv = readyIntervals(c, pod, idx, faults);
        const readyFrom = iv.length ? iv[0][0] : tm.ownReadyAt === Infinity ? runEnd : Math.min(runEnd, Infinity);
        const failsUntil = Math.min(readyFrom, runEnd);
        const n = Math.floor((failsUntil - firstProbe) / per);
        if (n > 0 && failsUntil - tm.startedAt > tm.boot + 200) {
          const msg = rp.exec
            ? `Readiness probe failed: /var/run/postgresql:5432 - no response`
            : rp.tcpSocket
              ? `Readiness probe failed: dial tcp ${run.ip}:${rp.tcpSocket.port}: connect: connection refused`
              : comp === 'backend'
                ? 'Readiness probe failed: HTTP probe failed with statuscode: 503'
                : `Readiness probe failed: Get "${url}": dial tcp ${run.ip}:${url.split(':')[2].split('/')[0]}: connect: connection refused`;
          ev('Unhealthy', msg, 'Warning', firstProbe + per, firstProbe + n * per, n);
        }
      }
    }
  });
  return out;
}

/** All events of a cluster (optionally one namespace) visible at t, newest kept for 1h. */
export function allEvents(c, t, faults, ns) {
  const out = [];
  for (const e of c.events) if ((!ns || e.ns === ns) && e.first <= t) out.push(e);
  const pods = [...c.graveyard, ...Object.values(c.objects).filter((o) => o.kind === 'Pod')];
  for (const p of pods) {
    if (ns && p.metadata.namespace !== ns) continue;
    if (p._sim.deletedAt != null && t - p._sim.deletedAt > HOUR) continue;
    out.push(...podEvents(c, p, t, faults));
  }
  return out.filter((e) => t - e.last <= HOUR).sort((a, b) => a.objName.localeCompare(b.objName) || a.first - b.first);
}

export function eventJSON(c, e) {
  const key = `${e.kind}/${e.ns}/${e.objName}/${e.reason}/${e.message}`;
  const h = sha256(key + e.first);
  return {
    apiVersion: 'v1',
    count: e.count,
    eventTime: null,
    firstTimestamp: rfc3339(e.first),
    involvedObject: {
      apiVersion: e.apiVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      kind: e.kind,
      name: e.objName,
      namespace: e.ns,
      uid: e.objUid,
    },
    kind: 'Event',
    lastTimestamp: rfc3339(e.last),
    message: e.message,
    metadata: {
      creationTimestamp: rfc3339(e.first),
      name: e.name ?? `${e.objName}.${h.slice(0, 16)}`,
      namespace: e.ns,
      resourceVersion: e.rv ?? String(parseInt(h.slice(0, 6), 16)),
      uid: e.uid ?? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    },
    reason: e.reason,
    reportingComponent: e.component ?? '',
    reportingInstance: e.host ?? '',
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    type: e.type,
  };
}
