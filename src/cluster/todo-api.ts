// The todo the drills write and read back through the backend API: an HTTP client for
// /api/todos that never throws (a drill records what the API said), and the read-back loop.
import type { Clock } from '../clock.ts';
import { pollDelay } from '../clock.ts';

export interface Todo {
  id: number | string;
  title: string;
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

export async function createTodo(backend: string, title: string, timeoutMs = 10_000): Promise<{ ok: true; todo: Todo } | { ok: false; error: string }> {
  try {
    const r = await request(`${backend}/api/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) }, timeoutMs);
    if (r.status !== 201 && r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todo = JSON.parse(r.body) as Todo;
    if (todo?.id === undefined || todo.title !== title) return { ok: false, error: `unexpected answer: ${r.body.slice(0, 200)}` };
    return { ok: true, todo };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function listTodos(backend: string, timeoutMs = 10_000): Promise<{ ok: true; todos: Todo[] } | { ok: false; error: string }> {
  try {
    const r = await request(`${backend}/api/todos`, { method: 'GET' }, timeoutMs);
    if (r.status !== 200) return { ok: false, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
    const todos = JSON.parse(r.body);
    if (!Array.isArray(todos)) return { ok: false, error: `not a list: ${r.body.slice(0, 200)}` };
    return { ok: true, todos };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

export async function deleteTodo(backend: string, id: Todo['id'], timeoutMs = 10_000): Promise<boolean> {
  try {
    const r = await request(`${backend}/api/todos/${encodeURIComponent(String(id))}`, { method: 'DELETE' }, timeoutMs);
    return r.status < 300 || r.status === 404;
  } catch {
    return false;
  }
}

/**
 * Reads the list until it holds the todo or the deadline passes. Right after pods come back the
 * Service may still be catching up (endpoints, kube-proxy), so a few refusals are expected.
 */
export async function findTodo(clock: Clock, backend: string, todo: Todo, deadlineMs: number): Promise<{ found: boolean; attempts: number; detail: string }> {
  const deadline = clock.now() + deadlineMs;
  let attempts = 0;
  let detail = '';
  for (;;) {
    attempts++;
    const r = await listTodos(backend);
    if (r.ok) {
      const match = r.todos.find((t) => String(t.id) === String(todo.id));
      if (match && match.title === todo.title) return { found: true, attempts, detail: `todo ${todo.id} "${todo.title}" among ${r.todos.length}` };
      // The API answered and the todo is not there: that is data loss, not a transient error.
      return { found: false, attempts, detail: match ? `todo ${todo.id} has another title: "${match.title}"` : `todo ${todo.id} missing from ${r.todos.length} todo(s)` };
    }
    detail = r.error;
    if (clock.now() >= deadline) return { found: false, attempts, detail: `the API did not answer: ${detail}` };
    await clock.sleep(pollDelay(clock, 1000));
  }
}
