// @ts-check
// GET /metrics of a demo service in the simulator, in the shape app/shared/metrics.ts gives: the
// requests it answered (here: its readiness and liveness probes, every 5 s since the container
// started, as the chart's probes send them) and the process's uptime and memory (the memory the
// metrics API reports for the pod).
import { listObjects } from '../model.mjs';
import { isReadyAt } from '../cluster/lifecycle.mjs';
import { podUsage } from '../cluster/metrics.mjs';

const PROGRAM = { frontend: 'todo-frontend', backend: 'todo-backend', mcp: 'todo-mcp' };
const PROBE = { frontend: '/healthz', backend: '/ready', mcp: '/ready' };

/** The exposition text for one pod of the component (the pod asked for, else a Ready one); undefined when none. */
export function metricsText(c, ns, component, podName, t, faults) {
  const pods = listObjects(c, 'Pod', ns).filter(
    (p) => p._sim.component === component && (podName ? p.metadata.name === podName : isReadyAt(c, p, t, faults)),
  );
  const pod = pods[0];
  const run = pod?._sim.runs.at(-1);
  if (!pod || !run || run.start == null || !PROGRAM[component]) return undefined;
  const uptime = Math.max(0, (t - run.start) / 1000);
  const service = `service="${PROGRAM[component]}"`;
  const probes = Math.floor(uptime / 5);
  const memKi = podUsage(c, pod, t, faults)?.[0]?.memKi ?? 40 * 1024;
  return [
    '# HELP http_requests_total HTTP requests answered, by method, route and status.',
    '# TYPE http_requests_total counter',
    `http_requests_total{${service},method="GET",route="${PROBE[component]}",status="200"} ${probes}`,
    '# HELP process_uptime_seconds Seconds since the service started.',
    '# TYPE process_uptime_seconds gauge',
    `process_uptime_seconds{${service}} ${uptime.toFixed(3)}`,
    '# HELP process_resident_memory_bytes Resident memory of the process.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes{${service}} ${memKi * 1024}`,
    '',
  ].join('\n');
}
