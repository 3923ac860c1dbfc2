// @ts-check
// The demo frontend: its health endpoint, its page listing the todos, and /api passed on to the
// backend (502 while no backend pod behind its Service is Ready).
import { endpointsFor } from '../cluster/views.mjs';
import { VERSION, send } from './http.mjs';
import { dataKey, backendService, todosApi } from './todos.mjs';

export async function frontend(req, res, x) {
  const { c, ns, t, faults, path } = x;
  if (path === '/healthz') return send(res, 200, { status: 'ok', service: 'frontend', version: VERSION });
  const svc = backendService(c, ns);
  const backendUp = svc && endpointsFor(c, svc, t, faults).ready.length > 0;
  if (path === '/api' || path.startsWith('/api/')) {
    if (!backendUp) return send(res, 502, { error: 'backend unavailable' });
    if (path.startsWith('/api/todos')) {
      const r = await todosApi(x, c.name);
      return send(res, r.status, r.body, r.headers);
    }
    return send(res, 404, { error: 'not found' });
  }
  if (path === '/' || path === '/index.html') {
    const key = backendUp ? dataKey(c, ns, t, faults) : null;
    const todos = key ? (c.data[key]?.todos ?? []) : [];
    const items = todos
      .map(
        (td) =>
          `      <li data-id="${td.id}" class="${td.completed ? 'done' : ''}">${td.title.replace(/[<&>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</li>`,
      )
      .join('\n');
    return send(
      res,
      200,
      `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n    <title>Todo Chatbot</title>\n  </head>\n  <body>\n    <main>\n      <h1>Todo Chatbot</h1>\n      <form id="add"><input name="title" placeholder="What needs doing?"><button>Add</button></form>\n      <ul id="todos">\n${items}\n      </ul>\n    </main>\n  </body>\n</html>\n`,
    );
  }
  return send(res, 404, '<!doctype html><title>404</title><h1>Not found</h1>');
}
