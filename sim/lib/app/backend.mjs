// @ts-check
// The demo backend's endpoints: health and readiness (which need a Ready database), the settings it
// reports, and the todos API.
import { VERSION, send } from './http.mjs';
import { dataKey, todosApi } from './todos.mjs';

export async function backend(req, res, x) {
  const { c, ns, t, faults, path, method, env } = x;
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/health')
    return read
      ? send(res, 200, { status: 'ok', service: 'backend', version: VERSION, uptimeSeconds: 42 })
      : send(res, 405, { error: 'method not allowed' });
  if (path === '/ready') {
    const key = dataKey(c, ns, t, faults, env);
    return key
      ? send(res, 200, { status: 'ready', database: 'ok', latencyMs: 1.2 })
      : send(res, 503, { status: 'not-ready', database: 'unreachable' });
  }
  if (path === '/api/info') {
    return send(res, 200, {
      service: 'backend',
      version: VERSION,
      logLevel: env.LOG_LEVEL ?? 'info',
      maxConversationHistory: Number(env.MAX_CONVERSATION_HISTORY ?? 20),
      corsOrigins: (env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
      mcpServerUrl: env.MCP_SERVER_URL ?? 'http://todo-chatbot-mcp:8001/mcp',
      openaiApiKeyConfigured: Boolean(env.OPENAI_API_KEY),
      betterAuthSecretConfigured: Boolean(env.BETTER_AUTH_SECRET),
      database: {
        host: /@([^:/?]+)/.exec(env.DATABASE_URL ?? '')?.[1] ?? null,
        port: Number(/:(\d+)\//.exec(env.DATABASE_URL ?? '')?.[1] ?? 5432),
        name: /\/([^/?]+)(\?|$)/.exec(env.DATABASE_URL ?? '')?.[1] ?? null,
      },
    });
  }
  if (path.startsWith('/api/todos')) {
    const r = await todosApi(x, c.name);
    return send(res, r.status, r.body, r.headers);
  }
  return send(res, 404, { error: 'not found' });
}
