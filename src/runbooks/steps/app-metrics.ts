// 06 reads the app's own Prometheus metrics when it exposes them: GET /metrics of the frontend,
// backend and MCP Services through the API server's Service proxy (kubectl proxy), so no port is
// opened and no Prometheus is needed; the demo services answer it (app/shared/metrics.ts).
import type { RunbookContext } from '../../runbook.ts';
import { APP_COMPONENTS } from '../../cluster/labels.ts';
import { componentName } from '../../cluster/names.ts';
import { probeHttp } from '../../cluster/smoke.ts';
import { formatMemory } from '../../cluster/quantity.ts';

/** The sum of a metric's samples in Prometheus text, or undefined when it has none. */
export function sampleSum(text: string, metric: string): number | undefined {
  const values = [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm'))].map((m) => Number(m[1]));
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

export async function readAppMetrics(ctx: RunbookContext): Promise<void> {
  const { kubectl } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const { baseUrl, process } = await kubectl.proxy(30_000);
  ctx.onCleanup('stop kubectl proxy', () => process.stop());
  const read: string[] = [];
  const missing: string[] = [];
  for (const component of APP_COMPONENTS) {
    const service = componentName(release, component);
    const port = (await kubectl.get('service', service, namespace))?.spec?.ports?.[0]?.port;
    if (!port) {
      missing.push(`${component}: no Service ${service}`);
      continue;
    }
    const got = await probeHttp(`${baseUrl}/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy/metrics`, 10_000);
    const requests = got.ok ? sampleSum(got.body, 'http_requests_total') : undefined;
    if (requests === undefined) {
      missing.push(`${component}: ${got.ok ? 'no http_requests_total' : `${got.status ?? got.error}`}`);
      continue;
    }
    const memory = sampleSum(got.body, 'process_resident_memory_bytes');
    const uptime = sampleSum(got.body, 'process_uptime_seconds');
    read.push(
      `${component}: ${requests} request(s) answered${memory === undefined ? '' : `, ${formatMemory(memory)} resident`}${uptime === undefined ? '' : `, up ${Math.round(uptime)} s`}`,
    );
  }
  await process.stop();
  ctx.check({
    id: 'APP-METRICS',
    title: "the app's own Prometheus metrics (GET /metrics)",
    expected: 'frontend, backend and MCP answer GET /metrics through their Services',
    measured: [...read, ...missing.map((m) => `not read: ${m}`)].join('; '),
    // An app without /metrics is allowed: the chart's scraping is off by default.
    pass: missing.length === 0 ? 'pass' : read.length === 0 ? 'skip' : 'warn',
    remedy:
      'expose GET /metrics in Prometheus text format on the service port (the demo does: app/shared/metrics.ts); then metrics.podAnnotations or metrics.serviceMonitor.enabled in the chart',
  });
}
