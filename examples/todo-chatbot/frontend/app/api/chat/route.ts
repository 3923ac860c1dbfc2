// Server-side proxy to the backend's chat endpoint: the browser never needs the backend's
// in-cluster address, and a session token (when the app has one) stays on the server.
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  const backend = process.env.BACKEND_URL ?? 'http://localhost:8000';
  try {
    const res = await fetch(`${backend}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await request.text(),
      cache: 'no-store',
    });
    return new NextResponse(await res.text(), { status: res.status, headers: { 'content-type': 'application/json' } });
  } catch (err) {
    return NextResponse.json({ detail: `backend unreachable: ${(err as Error).message}` }, { status: 502 });
  }
}
