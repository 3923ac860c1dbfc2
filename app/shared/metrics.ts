// Prometheus metrics for the demo services, in the text exposition format (version 0.0.4), with no
// dependency: requests counted by method, route and status, their total duration, and the
// process's uptime and memory. GET /metrics answers on every service's own port, which is what the
// chart's scrape annotations (metrics.podAnnotations) and ServiceMonitor point Prometheus at.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const METRICS_PATH = '/metrics';

/** A route without ids, so the number of series stays small: /api/todos/42 → /api/todos/:id. */
export function routeOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/:id');
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  private readonly requests = new Map<string, { count: number; seconds: number }>();
  private readonly startedAt = Date.now();

  constructor(private readonly service: string) {}

  /** Counts a finished request (call on the response's 'finish'). */
  observe(method: string, path: string, status: number, ms: number): void {
    const key = `method="${escapeLabel(method)}",route="${escapeLabel(routeOf(path))}",status="${status}"`;
    const entry = this.requests.get(key) ?? { count: 0, seconds: 0 };
    entry.count += 1;
    entry.seconds += ms / 1000;
    this.requests.set(key, entry);
  }

  /** The exposition text. */
  render(): string {
    const service = `service="${escapeLabel(this.service)}"`;
    const lines = [
      '# HELP http_requests_total HTTP requests answered, by method, route and status.',
      '# TYPE http_requests_total counter',
      ...[...this.requests].map(([k, v]) => `http_requests_total{${service},${k}} ${v.count}`),
      '# HELP http_request_duration_seconds_sum Total time spent answering HTTP requests.',
      '# TYPE http_request_duration_seconds_sum counter',
      ...[...this.requests].map(([k, v]) => `http_request_duration_seconds_sum{${service},${k}} ${v.seconds.toFixed(6)}`),
      '# HELP process_uptime_seconds Seconds since the service started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds{${service}} ${((Date.now() - this.startedAt) / 1000).toFixed(3)}`,
      '# HELP process_resident_memory_bytes Resident memory of the process.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes{${service}} ${process.memoryUsage().rss}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  /** Answers GET /metrics and returns true; any other request is left to the service. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (new URL(req.url ?? '/', 'http://placeholder').pathname !== METRICS_PATH || req.method !== 'GET') return false;
    const body = this.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
}
