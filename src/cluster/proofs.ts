// Proofs that a Helm value took effect in the running pods (runbook 05's overrides and
// rollback): the pod spec, the environment the containers see, the replica counts, and the
// release's values before and after.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../tools/kubectl.ts';
import { sameQuantity } from './quantity.ts';

/** values['a.b.c'] for a dotted Helm value path. */
export function valueAt(values: unknown, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function containerOf(pod: KubeObject, name: string): any {
  const containers: any[] = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === name) ?? containers[0];
}

export function memoryLimit(pod: KubeObject, container: string): string | undefined {
  return containerOf(pod, container)?.resources?.limits?.memory;
}

export interface Proof {
  what: string;
  expected: string;
  measured: string;
  pass: boolean;
}

/** Every pod shows the same memory limit in its spec. */
export function proveMemoryLimit(pods: KubeObject[], container: string, expected: string): Proof {
  const seen = pods.map((p) => `${p.metadata.name}: ${memoryLimit(p, container) ?? 'no limit'}`);
  const pass = pods.length > 0 && pods.every((p) => sameQuantity(memoryLimit(p, container), expected));
  return {
    what: `${container} memory limit in the pod spec`,
    expected: `limits.memory ${expected} in every running pod`,
    measured: pods.length ? seen.join(', ') : 'no running pod',
    pass,
  };
}

/** The value the containers see (printenv), with the ConfigMap and a completed rollout as the second witness. */
export function proveEnv(
  key: string,
  expected: string,
  observed: { configMap?: string; printenv: Array<{ pod: string; value?: string }>; rolledOut: boolean },
): Proof {
  const inPods = observed.printenv.filter((p) => p.value !== undefined);
  const podsAgree = inPods.length > 0 && inPods.every((p) => p.value === expected);
  const viaConfig = observed.configMap === expected && observed.rolledOut;
  // printenv is the direct proof; without it (exec refused), the ConfigMap plus a completed rollout of pods that read it.
  const pass = inPods.length ? podsAgree && observed.rolledOut : viaConfig;
  const parts = [
    inPods.length ? `printenv: ${inPods.map((p) => `${p.pod}=${p.value}`).join(', ')}` : 'printenv not available',
    `ConfigMap ${observed.configMap ?? 'missing'}`,
    observed.rolledOut ? 'rollout complete' : 'rollout NOT complete',
  ];
  return { what: `${key} inside the container`, expected: `${key}=${expected} in the running pods`, measured: parts.join('; '), pass };
}

export function proveReplicas(
  component: string,
  expected: number,
  observed: { specReplicas?: number; readyPods: number; livePods: number },
): Proof {
  const pass = observed.specReplicas === expected && observed.readyPods === expected && observed.livePods === expected;
  return {
    what: `${component} replicas`,
    expected: `${expected} Ready pod(s), spec.replicas ${expected}`,
    measured: `${observed.readyPods} Ready of ${observed.livePods} running, spec.replicas ${observed.specReplicas ?? 'unknown'}`,
    pass,
  };
}

/** Do the release's user-supplied values equal the ones found at the start? Lists the differing paths. */
export function valuesDiff(before: unknown, after: unknown, prefix = ''): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [prefix || '(root)'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => valuesDiff(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}
