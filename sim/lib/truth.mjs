// @ts-check
// Ground truth: every pod's lifecycle and every minikube start/stop, in virtual ms.
import { podTruth } from './cluster/lifecycle.mjs';
import { parseFaults } from './faults.mjs';

/** @param {any} state @param {number} now */
export function truthOf(state, now) {
  const faults = parseFaults(state.lastFaults ?? []);
  const pods = [];
  for (const c of Object.values(state.clusters)) {
    const all = [...c.graveyard, ...Object.values(c.objects).filter((o) => o.kind === 'Pod')];
    for (const p of all) pods.push({ cluster: c.name, ...podTruth(c, p, now, faults) });
  }
  pods.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  return { now, pods, minikube: state.truth.minikube };
}
