// GET /metrics on the demo services: Prometheus text format, requests counted by method, route
// (ids folded) and status, and the process's uptime and memory; shown on the frontend, which
// needs no database (every service gets it from the shared serve()).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics, routeOf } from '../../app/shared/metrics.ts';
import { freePort, startService } from './harness.ts';

describe('demo service metrics', () => {
  test('routes fold ids; label values are escaped; counters add up', () => {
    assert.equal(routeOf('/api/todos/42'), '/api/todos/:id');
    assert.equal(routeOf('/api/todos/42/done'), '/api/todos/:id/done');
    assert.equal(routeOf('/api/v2x'), '/api/v2x');
    const m = new Metrics('todo-backend');
    m.observe('GET', '/api/todos/1', 200, 5);
    m.observe('GET', '/api/todos/2', 200, 15);
    m.observe('GET', '/we"ird', 404, 1);
    const text = m.render();
    assert.match(text, /^http_requests_total\{service="todo-backend",method="GET",route="\/api\/todos\/:id",status="200"\} 2$/m);
    assert.match(
      text,
      /^http_request_duration_seconds_sum\{service="todo-backend",method="GET",route="\/api\/todos\/:id",status="200"\} 0\.020000$/m,
    );
    assert.match(text, /route="\/we\\"ird"/);
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.match(text, /^process_resident_memory_bytes\{service="todo-backend"\} \d+$/m);
  });

  test('a running service answers GET /metrics with what it served', async () => {
    const frontend = await startService('frontend', { BACKEND_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${frontend.url}/healthz`)).body?.cancel();
      const res = await fetch(`${frontend.url}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      const healthz = /^http_requests_total\{service="todo-frontend",method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(text);
      assert.ok(healthz && Number(healthz[1]) >= 3, text);
      assert.match(text, /^process_uptime_seconds\{service="todo-frontend"\} \d+\.\d{3}$/m);
    } finally {
      await frontend.stop();
    }
  });
});
