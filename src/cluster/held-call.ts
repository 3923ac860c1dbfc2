// An MCP tools/call held open on the wire: the request's headers and the first half of its body
// go out, the rest only when the caller releases it. Runbook 04 deletes the serving pod in between,
// so the call is truly in flight (received by the server, not yet complete) while the pod
// terminates, and records what it returned. node:http, not fetch: fetch sends a body it is given
// whole, or a stream with no way to know its first part has left.
import { request } from 'node:http';
import { openSession, parseRpc, SERVED_BY_HEADER, type ToolCallResult } from './smoke.ts';

export type HeldOutcome =
  | { kind: 'answered'; status: number; result?: ToolCallResult; rpcError?: string; servedBy?: string; ms: number }
  | { kind: 'failed'; error: string; ms: number };

export interface HeldCall {
  /** Sends the rest of the body; the outcome follows. */
  release(): void;
  outcome: Promise<HeldOutcome>;
}

/** Opens the session, sends half of a tools/call and holds the rest. Resolves once the first half has been written. */
export async function holdToolCall(url: string, name: string, args: Record<string, unknown>, timeoutMs: number): Promise<HeldCall> {
  const session = await openSession(url, timeoutMs);
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } }));
  const half = Math.floor(body.length / 2);
  const started = performance.now();
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
    'content-length': body.length,
  };
  if (session.sessionId) headers['mcp-session-id'] = session.sessionId;
  const req = request(url, { method: 'POST', headers, timeout: timeoutMs });
  const outcome = new Promise<HeldOutcome>((resolve) => {
    const ms = () => performance.now() - started;
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => resolve({ kind: 'failed', error: `the answer broke off: ${e.message}`, ms: ms() }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const servedBy = (res.headers[SERVED_BY_HEADER] as string | undefined) ?? undefined;
        try {
          const parsed = parseRpc(String(res.headers['content-type'] ?? ''), text);
          resolve({
            kind: 'answered',
            status: res.statusCode ?? 0,
            result: parsed?.result,
            rpcError: parsed?.error ? `JSON-RPC error ${parsed.error.code}: ${parsed.error.message}` : undefined,
            servedBy,
            ms: ms(),
          });
        } catch {
          resolve({ kind: 'answered', status: res.statusCode ?? 0, rpcError: `not JSON-RPC: ${text.slice(0, 120)}`, servedBy, ms: ms() });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ kind: 'failed', error: e.code ? `${e.code} (${e.message})` : e.message, ms: ms() }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    req.once('error', reject);
    req.write(body.subarray(0, half), () => resolve());
  });
  return { release: () => req.end(body.subarray(half)), outcome };
}
