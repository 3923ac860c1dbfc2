// @ts-check
// The todos and their REST API (the backend's /api/todos), stored in the simulated state under the
// PostgreSQL pod's volume claim or the external database, so they survive what the real data would.
import { withState } from '../state.mjs';
import { readClock } from '../clock.mjs';
import { listObjects, getObject } from '../model.mjs';
import { isReadyAt } from '../cluster/lifecycle.mjs';
import { clientAccepted } from '../cluster/db-password.mjs';

/**
 * Where the todos live: the PVC of a Ready postgresql pod, or the external database. With `env`
 * (the serving container's), null also when its DATABASE_URL's password is not the role's.
 */
export function dataKey(c, ns, t, faults, env = undefined) {
  const pg = listObjects(c, 'Pod', ns).filter((p) => p._sim.component === 'postgresql');
  const hasDb = listObjects(c, 'StatefulSet', ns).some((s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'postgresql');
  if (!hasDb) return `external:${ns}`;
  const ready = pg.find((p) => p._sim.deletionAt == null && isReadyAt(c, p, t, faults));
  if (!ready) return null;
  const claim = (ready.spec.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
  const pvc = claim && getObject(c, 'PersistentVolumeClaim', ns, claim);
  const key = pvc ? pvc.metadata.uid : `pod:${ready.metadata.uid}`;
  return env && !clientAccepted(c, key, env, t) ? null : key;
}

export function backendService(c, ns) {
  return listObjects(c, 'Service', ns).find((s) => s.spec.selector?.['app.kubernetes.io/component'] === 'backend');
}

async function todoOp(stateDir, clusterName, key, fn) {
  return withState(stateDir, (s) => {
    const c = s.clusters[clusterName];
    if (!c) return { status: 503, body: { error: 'database unavailable' } };
    const db = (c.data[key] ??= { todos: [], nextId: 1 });
    return fn(db, readClock(stateDir).now());
  });
}

export async function todosApi(x, clusterName) {
  const { stateDir, c, ns, t, faults, path, method, body, env } = x;
  const key = dataKey(c, ns, t, faults, env);
  if (!key) return { status: 500, body: { error: 'database unavailable' } };
  const parse = () => {
    try {
      return JSON.parse(body || '{}');
    } catch {
      return null;
    }
  };
  const checkTitle = (v) =>
    typeof v !== 'string'
      ? 'title must be a string'
      : !v.trim()
        ? 'title must not be empty'
        : v.trim().length > 500
          ? 'title must be at most 500 characters'
          : null;
  if (path === '/api/todos') {
    if (method === 'GET' || method === 'HEAD') return { status: 200, body: (c.data[key]?.todos ?? []).slice().sort((a, b) => a.id - b.id) };
    if (method === 'POST') {
      const b = parse();
      if (!b || typeof b !== 'object') return { status: 400, body: { error: 'request body must be JSON' } };
      const err = checkTitle(b.title);
      if (err) return { status: 400, body: { error: err } };
      return todoOp(stateDir, clusterName, key, (db, now) => {
        const todo = {
          id: db.nextId++,
          title: b.title.trim(),
          completed: false,
          createdAt: new Date(now).toISOString(),
          updatedAt: new Date(now).toISOString(),
        };
        db.todos.push(todo);
        return { status: 201, body: todo, headers: { location: `/api/todos/${todo.id}` } };
      });
    }
    return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET, HEAD, POST' } };
  }
  const m = /^\/api\/todos\/([^/]+)$/.exec(path);
  if (!m) return { status: 404, body: { error: 'not found' } };
  if (!/^[1-9]\d*$/.test(m[1])) return { status: 400, body: { error: 'id must be a positive integer' } };
  const id = Number(m[1]);
  if (method === 'GET' || method === 'HEAD') {
    const td = c.data[key]?.todos.find((x2) => x2.id === id);
    return td ? { status: 200, body: td } : { status: 404, body: { error: `todo ${id} not found` } };
  }
  if (method === 'PATCH') {
    const b = parse();
    if (!b || typeof b !== 'object') return { status: 400, body: { error: 'request body must be JSON' } };
    if (b.title !== undefined) {
      const err = checkTitle(b.title);
      if (err) return { status: 400, body: { error: err } };
    }
    if (b.completed !== undefined && typeof b.completed !== 'boolean')
      return { status: 400, body: { error: 'completed must be true or false' } };
    if (b.title === undefined && b.completed === undefined)
      return { status: 400, body: { error: 'nothing to change: send title and/or completed' } };
    return todoOp(stateDir, clusterName, key, (db, now) => {
      const td = db.todos.find((x2) => x2.id === id);
      if (!td) return { status: 404, body: { error: `todo ${id} not found` } };
      if (b.title !== undefined) td.title = b.title.trim();
      if (b.completed !== undefined) td.completed = b.completed;
      td.updatedAt = new Date(now).toISOString();
      return { status: 200, body: td };
    });
  }
  if (method === 'DELETE') {
    return todoOp(stateDir, clusterName, key, (db) => {
      const i = db.todos.findIndex((x2) => x2.id === id);
      if (i < 0) return { status: 404, body: { error: `todo ${id} not found` } };
      db.todos.splice(i, 1);
      return { status: 204, body: null };
    });
  }
  return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET, HEAD, PATCH, DELETE' } };
}
