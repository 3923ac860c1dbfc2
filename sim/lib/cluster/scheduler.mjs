// @ts-check
// The scheduler: binds pending pods whose requests fit the node next to the other pods, else records
// FailedScheduling with the real message.
import { nextRV } from '../model.mjs';
import { live } from './pods.mjs';
import { podRequests, allocatable } from './node.mjs';
import { newRun } from './kubelet.mjs';

/** Scheduler: bind pending pods whose requests fit. */
export function schedule(state, c, t, faults) {
  const pending = live(c)
    .filter((p) => p._sim.scheduledAt == null && p._sim.deletionAt == null)
    .sort((a, b) => a._sim.createdAt - b._sim.createdAt);
  if (!pending.length) return;
  const alloc = allocatable(c);
  let usedCpu = 0;
  let usedMem = 0;
  for (const p of live(c))
    if (p._sim.scheduledAt != null) {
      const r = podRequests(p);
      usedCpu += r.cpu;
      usedMem += r.mem;
    }
  for (const p of pending) {
    const r = podRequests(p);
    const tooSmall = faults.has('unschedulable') && !p._sim.system && !c.foreign;
    const noCpu = tooSmall || usedCpu + r.cpu > alloc.cpu;
    const noMem = tooSmall || usedMem + r.mem > alloc.mem;
    if (noCpu || noMem) {
      const why = [noCpu ? '1 Insufficient cpu' : null, noMem ? '1 Insufficient memory' : null].filter(Boolean).join(', ');
      const message = `0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
      if (!p._sim.unsched || p._sim.unsched.message !== message) p._sim.unsched = { since: t, message };
      continue;
    }
    usedCpu += r.cpu;
    usedMem += r.mem;
    p._sim.scheduledAt = t;
    p._sim.unsched = null;
    p.spec.nodeName = c.node.name;
    newRun(state, c, p, t);
    p.metadata.resourceVersion = nextRV(state);
  }
}
