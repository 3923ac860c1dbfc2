'use client';
// The todo list, read and written from the browser straight to the backend's REST API.
import { useCallback, useEffect, useState, type FormEvent } from 'react';

// Inlined by `next build`: the backend's public URL.
const API_URL = process.env.NEXT_PUBLIC_API_URL ?? 'http://localhost:8000';

interface Todo {
  id: number;
  title: string;
  completed: boolean;
}

export function Todos() {
  const [todos, setTodos] = useState<Todo[]>([]);
  const [title, setTitle] = useState('');
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      const res = await fetch(`${API_URL}/api/todos`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`backend answered ${res.status}`);
      setTodos(await res.json());
      setError('');
    } catch (err) {
      setError(`Could not load todos: ${(err as Error).message}`);
    }
  }, []);

  useEffect(() => {
    void load();
    // The chat adds tasks too; it announces them with this event.
    window.addEventListener('todos-changed', load);
    return () => window.removeEventListener('todos-changed', load);
  }, [load]);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!title.trim()) return;
    const res = await fetch(`${API_URL}/api/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: title.trim() }),
    });
    if (!res.ok) {
      setError(`Could not add the todo: backend answered ${res.status}`);
      return;
    }
    setTitle('');
    await load();
  }

  return (
    <section aria-label="todos">
      <form onSubmit={add}>
        <input aria-label="New todo" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="What needs doing?" />
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert">{error}</p>}
      <ul>
        {todos.map((todo) => (
          <li key={todo.id} data-completed={todo.completed}>
            {todo.completed ? <s>{todo.title}</s> : todo.title}
          </li>
        ))}
      </ul>
    </section>
  );
}
