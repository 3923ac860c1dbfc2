// @ts-check
// The node as the scheduler and kubelet see it: what fits (allocatable minus a system reserve, each
// pod's requests) and its image store.
import { cpuMilli, memBytes } from '../util.mjs';

/** Requests of a pod in milli-cpu and bytes (requests default to limits). */
export function podRequests(pod) {
  let cpu = 0;
  let mem = 0;
  for (const ct of pod.spec.containers ?? []) {
    const r = ct.resources?.requests ?? {};
    const l = ct.resources?.limits ?? {};
    cpu += cpuMilli(r.cpu ?? l.cpu);
    mem += memBytes(r.memory ?? l.memory) || 0;
  }
  return { cpu, mem };
}

/** Node allocatable (cpu milli, memory bytes): capacity minus a small system reserve. */
export function allocatable(c) {
  return { cpu: c.node.cpu, mem: c.node.memMi * 1048576 - 256 * 1048576 };
}

/** Image store of a cluster's node. */
export function nodeImages(state, c) {
  if (c.profile && state.minikube.profiles[c.profile]) return state.minikube.profiles[c.profile].images;
  c.images ??= { images: {}, tags: {} };
  return c.images;
}
