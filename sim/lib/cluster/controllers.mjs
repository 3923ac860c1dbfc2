// @ts-check
// The controllers, stepped through virtual time: every call first brings its cluster up to "now" by
// replaying controller decisions at each instant something changes (a pod becomes Ready, a
// terminating pod goes away, a new sandbox starts). Mutations happen only at "now", after reconcile.
// Each controller is its own module (deployment-controller, statefulset-controller, scheduler,
// kubelet); this one holds the stepping and the clean-up of what has finished.
import { listObjects, objKey } from '../model.mjs';
import { podEventTimes } from './lifecycle.mjs';
import { live } from './pods.mjs';
import { deploymentStep, rsStep } from './deployment-controller.mjs';
import { stsStep } from './statefulset-controller.mjs';
import { schedule } from './scheduler.mjs';
import { kubelet } from './kubelet.mjs';

/**
 * Bring a cluster to time `now`.
 * @param {any} state @param {any} c @param {number} now @param {import('../faults.mjs').Faults} faults
 * @param {{ allowDown?: boolean }} [opts]
 */
export function reconcile(state, c, now, faults, opts = {}) {
  if (!c.up) {
    if (now > c.lastReconcile) c.lastReconcile = now;
    return;
  }
  let t = Math.max(c.lastReconcile, c.upSince ?? -Infinity);
  if (now < t) now = t;
  for (let n = 0; n < 2000; n++) {
    step(state, c, t, faults);
    let next = Infinity;
    for (const p of live(c)) for (const e of podEventTimes(c, p, faults)) if (e > t && e < next) next = e;
    if (next === Infinity || next > now) break;
    t = next;
  }
  if (t < now) step(state, c, now, faults);
  c.lastReconcile = now;
}

/** One instant of controller work. Idempotent for a given t. */
export function step(state, c, t, faults) {
  for (let pass = 0; pass < 3; pass++) {
    finalize(c, t);
    for (const d of listObjects(c, 'Deployment')) deploymentStep(state, c, d, t, faults);
    for (const rs of listObjects(c, 'ReplicaSet')) rsStep(state, c, rs, t, faults);
    for (const s of listObjects(c, 'StatefulSet')) stsStep(state, c, s, t, faults);
    schedule(state, c, t, faults);
    kubelet(state, c, t, faults);
    finalizeStorage(c, t);
  }
}

/** PVCs being deleted go once no pod uses them (their todo data with them); terminating namespaces once empty. */
function finalizeStorage(c, t) {
  const pods = live(c);
  for (const pvc of listObjects(c, 'PersistentVolumeClaim')) {
    if (!pvc._terminatingAt) continue;
    const ns = pvc.metadata.namespace;
    const name = pvc.metadata.name;
    const used = pods.some(
      (p) => p.metadata.namespace === ns && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name),
    );
    if (used) continue;
    delete c.objects[objKey('PersistentVolumeClaim', ns, name)];
    delete c.objects[objKey('PersistentVolume', '', pvc.spec.volumeName)];
    delete c.data[pvc.metadata.uid];
  }
  for (const ns of listObjects(c, 'Namespace')) {
    if (!ns._terminatingAt) continue;
    const name = ns.metadata.name;
    if (Object.values(c.objects).some((o) => o.metadata?.namespace === name)) continue;
    delete c.objects[objKey('Namespace', '', name)];
  }
}

function finalize(c, t) {
  for (const p of live(c)) {
    if (p._sim.finalizeAt !== null && p._sim.finalizeAt !== undefined && p._sim.finalizeAt <= t) {
      delete c.objects[objKey('Pod', p.metadata.namespace, p.metadata.name)];
      p._sim.deletedAt = p._sim.finalizeAt;
      const run = p._sim.runs[p._sim.runs.length - 1];
      if (run && (run.stop === null || run.stop === undefined)) run.stop = p._sim.finalizeAt;
      c.graveyard.push(p);
    }
  }
  if (c.graveyard.length > 500) c.graveyard.splice(0, c.graveyard.length - 500);
}
