'use client';
// One-line chat with the assistant. It posts to this app's own /api/chat route, which forwards
// to the backend from the server side (BACKEND_URL), the way a ChatKit-style proxy does.
import { useState, type FormEvent } from 'react';

export function Chat() {
  const [message, setMessage] = useState('');
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!message.trim()) return;
    setBusy(true);
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: message.trim() }),
      });
      const body = (await res.json()) as { reply?: string; detail?: string };
      setReply(res.ok ? (body.reply ?? '') : `Error ${res.status}: ${body.detail ?? 'no detail'}`);
      setMessage('');
      window.dispatchEvent(new Event('todos-changed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-label="chat">
      <h2>Ask the assistant</h2>
      <form onSubmit={send}>
        <input aria-label="Message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Add buy milk to my list" />
        <button type="submit" disabled={busy}>Send</button>
      </form>
      {reply && <p aria-label="reply">{reply}</p>}
    </section>
  );
}
