// Application smoke checks with response times: HTTP endpoints and an MCP handshake.
// The same code runs against the simulated node and, in the tests, against the real demo app.

export interface HttpProbe {
  url: string;
  ok: boolean;
  status?: number;
  ms: number;
  body: string;
  error?: string;
}

export async function probeHttp(url: string, timeoutMs: number, init?: RequestInit): Promise<HttpProbe> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = await response.text();
    return { url, ok: response.ok, status: response.status, ms: performance.now() - started, body: body.slice(0, 2000) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    return { url, ok: false, ms: performance.now() - started, body: '', error: message };
  }
}

export interface Latency {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length };
}

export function describeLatency(l: Latency): string {
  return l.samples === 1
    ? `${Math.round(l.median)} ms`
    : `median ${Math.round(l.median)} ms of ${l.samples} (${Math.round(l.min)}–${Math.round(l.max)} ms)`;
}

/**
 * A response time is the median of several requests: one request alone measures the first
 * connection and whatever else the machine was doing at that instant as much as the service.
 * Stops at the first failed request and returns it.
 */
export async function probeHttpRepeated(url: string, timeoutMs: number, samples: number): Promise<HttpProbe & { latency: Latency }> {
  const times: number[] = [];
  let last: HttpProbe | undefined;
  for (let i = 0; i < samples; i++) {
    last = await probeHttp(url, timeoutMs);
    if (!last.ok) break;
    times.push(last.ms);
  }
  return { ...last!, latency: latency(times.length ? times : [last!.ms]) };
}

export interface McpProbe {
  ok: boolean;
  initializeMs: number;
  /** Median of the tools/list calls. */
  toolsListMs: number;
  toolsList: Latency;
  tools: string[];
  serverName?: string;
  error?: string;
}

/** Reads a JSON-RPC response that came back as JSON or as a text/event-stream. */
export function parseRpc(contentType: string, body: string): any {
  if (contentType.includes('text/event-stream')) {
    const data = body
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trim())
      .filter(Boolean);
    return JSON.parse(data[data.length - 1] ?? 'null');
  }
  return JSON.parse(body);
}

async function rpc(
  url: string,
  message: object,
  sessionId: string | undefined,
  timeoutMs: number,
): Promise<{ result: any; sessionId?: string; ms: number; servedBy?: string }> {
  const started = performance.now();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
  };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  const ms = performance.now() - started;
  if (!response.ok && response.status !== 202) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
  if (!('id' in message)) return { result: undefined, sessionId: response.headers.get('mcp-session-id') ?? sessionId, ms };
  const parsed = parseRpc(response.headers.get('content-type') ?? '', body);
  if (parsed?.error) throw new Error(`JSON-RPC error ${parsed.error.code}: ${parsed.error.message}`);
  const servedBy = response.headers.get(SERVED_BY_HEADER) ?? undefined;
  return { result: parsed?.result, sessionId: response.headers.get('mcp-session-id') ?? sessionId, ms, servedBy };
}

/** The MCP handshake (initialize, then notifications/initialized); returns the session id, if any. */
export async function openSession(url: string, timeoutMs: number): Promise<{ sessionId?: string; ms: number; serverName?: string }> {
  const init = await rpc(
    url,
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'todo-chatbot-runbooks', version: '0.1.0' } },
    },
    undefined,
    timeoutMs,
  );
  await rpc(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId, timeoutMs);
  return { sessionId: init.sessionId, ms: init.ms, serverName: init.result?.serverInfo?.name };
}

export interface ToolCallResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: unknown;
  isError?: boolean;
}

/** One tools/call after a fresh handshake (the data checks call a tool or two per minute). Throws on a transport or JSON-RPC error. */
export async function callMcpTool(url: string, name: string, args: Record<string, unknown>, timeoutMs: number): Promise<ToolCallResult> {
  return (await tracedMcpToolCall(url, name, args, timeoutMs)).result;
}

/**
 * The response header in which the demo MCP server names the pod that answered (its hostname:
 * app/mcp/src/server.ts). A server without it leaves replicas indistinguishable to a client.
 */
export const SERVED_BY_HEADER = 'x-served-by';

/** callMcpTool, also saying which replica answered the tools/call (when the server says) and how long it took. */
export async function tracedMcpToolCall(
  url: string,
  name: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<{ result: ToolCallResult; servedBy?: string; ms: number }> {
  const session = await openSession(url, timeoutMs);
  const call = await rpc(
    url,
    { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } },
    session.sessionId,
    timeoutMs,
  );
  return { result: (call.result ?? {}) as ToolCallResult, servedBy: call.servedBy, ms: call.ms };
}

/** initialize → notifications/initialized → tools/list (`samples` times) over Streamable HTTP. */
export async function probeMcp(url: string, timeoutMs: number, samples = 1): Promise<McpProbe> {
  try {
    const init = await openSession(url, timeoutMs);
    const times: number[] = [];
    let tools: string[] = [];
    for (let i = 0; i < samples; i++) {
      const list = await rpc(url, { jsonrpc: '2.0', id: 2 + i, method: 'tools/list', params: {} }, init.sessionId, timeoutMs);
      tools = ((list.result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
      times.push(list.ms);
    }
    const toolsList = latency(times);
    return { ok: tools.length > 0, initializeMs: init.ms, toolsListMs: toolsList.median, toolsList, tools, serverName: init.serverName };
  } catch (error) {
    const message =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
    return { ok: false, initializeMs: 0, toolsListMs: 0, toolsList: latency([0]), tools: [], error: message };
  }
}
