// Measured resource use beside what each container asks for: the metrics API's usage against the
// pod spec's requests and limits, one row per container. Runbook 06 puts the table in its report
// (the built-in view of resources) and gives the same lines to kagent for its suggestions.
import type { ClusterSnapshot } from './snapshot.ts';
import { COMPONENT_LABEL } from './labels.ts';
import { formatMemory, parseCpu, parseMemory } from './quantity.ts';

export interface UseRow {
  pod: string;
  container: string;
  component: string;
  cpuMillis?: number;
  memoryBytes?: number;
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
}

export function measuredUse(snapshot: ClusterSnapshot): UseRow[] {
  const rows: UseRow[] = [];
  for (const item of snapshot.metrics.items) {
    const pod = snapshot.pods.find((p) => p.metadata.name === item.metadata.name);
    if (!pod) continue;
    for (const usage of item.containers ?? []) {
      const spec = pod.spec.containers.find((c) => c.name === usage.name);
      rows.push({
        pod: pod.metadata.name,
        container: usage.name,
        component: pod.metadata.labels?.[COMPONENT_LABEL] ?? '',
        cpuMillis: parseCpu(usage.usage?.cpu),
        memoryBytes: parseMemory(usage.usage?.memory),
        requests: { cpu: spec?.resources?.requests?.cpu, memory: spec?.resources?.requests?.memory },
        limits: { cpu: spec?.resources?.limits?.cpu, memory: spec?.resources?.limits?.memory },
      });
    }
  }
  return rows.sort((a, b) => a.component.localeCompare(b.component) || a.pod.localeCompare(b.pod));
}

/** "45% of the request" — or nothing when the spec sets none. */
function share(used: number | undefined, of: number | undefined): string {
  return used === undefined || !of ? '' : ` (${Math.round((used / of) * 100)}% of the request)`;
}

/** One line per container: what it uses and what it asks for, in the units kubectl top prints. */
export function describeUse(r: UseRow): string {
  const cpu = r.cpuMillis === undefined ? '?' : `${Math.round(r.cpuMillis)}m`;
  const memory = r.memoryBytes === undefined ? '?' : formatMemory(r.memoryBytes);
  const cpuRequest = parseCpu(r.requests.cpu);
  const memoryRequest = parseMemory(r.requests.memory);
  return (
    `${r.pod}/${r.container} (${r.component || 'no component'}): ` +
    `CPU ${cpu} used${share(r.cpuMillis, cpuRequest)}, request ${r.requests.cpu ?? 'none'}, limit ${r.limits.cpu ?? 'none'}; ` +
    `memory ${memory} used${share(r.memoryBytes, memoryRequest)}, request ${r.requests.memory ?? 'none'}, limit ${r.limits.memory ?? 'none'}`
  );
}
