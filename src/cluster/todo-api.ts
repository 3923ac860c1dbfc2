// The todo the drills write and read back: the REST form of the data check (an HTTP client for
// the backend's /api/todos that never throws: a drill records what the API said), the interface
// both forms share (the MCP form is in data-check.ts), and the read-back loop.
import type { Clock } from '../clock.ts';

export interface Todo {
  /** Undefined when an MCP tool's answer named no id: the title alone identifies the drill's task. */
  id?: number | string;
  title: string;
}

/** id: the id the list gave the task it found, when it gave one (the chat smoke check deletes it by that id). */
export type Found = { ok: true; found: boolean; detail: string; id?: number | string } | { ok: false; error: string };

/** One way to write the drill's todo and read it back: the backend's REST API or the MCP tools. */
export interface DataCheck {
  /** How a todo is written, for the report: "POST http://…/api/todos → 201". */
  writes: string;
  /** How it is read back. */
  reads(todo: Todo): string;
  write(title: string): Promise<{ ok: true; todo: Todo } | { ok: false; error: string }>;
  /** Whether the list holds the todo; ok: false when the app did not answer (worth another try). */
  find(todo: Todo): Promise<Found>;
  remove(todo: Todo): Promise<boolean>;
}

export function drillTodoTitle(runbook: string, at: number, random = Math.random): string {
  return `${runbook} drill ${new Date(at).toISOString()} ${random().toString(36).slice(2, 8)}`;
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export async function createTodo(
  backend: string,
  title: string,
  timeoutMs = 10_000,
  path = '/api/todos',
): Promise<{ ok: true; todo: Todo } | { ok: false; error: string }> {
  try {
    const r = await request(
      `${backend}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) },
      timeoutMs,
    );
    if (r.status !== 201 && r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todo = JSON.parse(r.body) as Todo;
    if (todo?.id === undefined || todo.title !== title) return { ok: false, error: `unexpected answer: ${r.body.slice(0, 200)}` };
    return { ok: true, todo };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function listTodos(
  backend: string,
  timeoutMs = 10_000,
  path = '/api/todos',
): Promise<{ ok: true; todos: Todo[] } | { ok: false; error: string }> {
  try {
    const r = await request(`${backend}${path}`, { method: 'GET' }, timeoutMs);
    if (r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todos = JSON.parse(r.body);
    if (!Array.isArray(todos)) return { ok: false, error: `not a list: ${r.body.slice(0, 200)}` };
    return { ok: true, todos };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function deleteTodo(backend: string, id: NonNullable<Todo['id']>, timeoutMs = 10_000, path = '/api/todos'): Promise<boolean> {
  try {
    const r = await request(`${backend}${path}/${encodeURIComponent(String(id))}`, { method: 'DELETE' }, timeoutMs);
    return r.status < 300 || r.status === 404;
  } catch {
    return false;
  }
}

/** The REST form: POST, GET and DELETE on the backend's todo collection (the demo's /api/todos). */
export function restDataCheck(backend: string, path = '/api/todos'): DataCheck {
  return {
    writes: `POST ${backend}${path} → 201`,
    reads: (todo) => `GET ${backend}${path} lists todo ${todo.id}`,
    write: (title) => createTodo(backend, title, 10_000, path),
    async find(todo) {
      const r = await listTodos(backend, 10_000, path);
      if (!r.ok) return r;
      const match = r.todos.find((t) => String(t.id) === String(todo.id));
      if (match && match.title === todo.title)
        return { ok: true, found: true, detail: `todo ${todo.id} "${todo.title}" among ${r.todos.length}` };
      return {
        ok: true,
        found: false,
        detail: match ? `todo ${todo.id} has another title: "${match.title}"` : `todo ${todo.id} missing from ${r.todos.length} todo(s)`,
      };
    },
    remove: (todo) => (todo.id === undefined ? Promise.resolve(false) : deleteTodo(backend, todo.id, 10_000, path)),
  };
}

/**
 * Reads the list until it holds the todo or the deadline passes. Right after pods come back the
 * Service may still be catching up (endpoints, kube-proxy), so a few refusals are expected.
 */
export async function findTodo(
  clock: Clock,
  check: DataCheck,
  todo: Todo,
  deadlineMs: number,
): Promise<{ found: boolean; attempts: number; detail: string }> {
  const deadline = clock.now() + deadlineMs;
  let attempts = 0;
  let detail = '';
  for (;;) {
    attempts++;
    const r = await check.find(todo);
    // The app answered and the todo is not there: that is data loss, not a transient error.
    if (r.ok) return { found: r.found, attempts, detail: r.detail };
    detail = r.error;
    if (clock.now() >= deadline) return { found: false, attempts, detail: `the API did not answer: ${detail}` };
    await clock.sleep(1000);
  }
}
