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
    const message = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { url, ok: false, ms: performance.now() - started, body: '', error: message };
  }
}

export interface McpProbe {
  ok: boolean;
  initializeMs: number;
  toolsListMs: number;
  tools: string[];
  serverName?: string;
  error?: string;
}

/** Reads a JSON-RPC response that came back as JSON or as a text/event-stream. */
function parseRpc(contentType: string, body: string): any {
  if (contentType.includes('text/event-stream')) {
    const data = body.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
    return JSON.parse(data[data.length - 1] ?? 'null');
  }
  return JSON.parse(body);
}

async function rpc(url: string, message: object, sessionId: string | undefined, timeoutMs: number): Promise<{ result: any; sessionId?: string; ms: number }> {
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  const ms = performance.now() - started;
  if (!response.ok && response.status !== 202) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
  if (!('id' in message)) return { result: undefined, sessionId: response.headers.get('mcp-session-id') ?? sessionId, ms };
  const parsed = parseRpc(response.headers.get('content-type') ?? '', body);
  if (parsed?.error) throw new Error(`JSON-RPC error ${parsed.error.code}: ${parsed.error.message}`);
  return { result: parsed?.result, sessionId: response.headers.get('mcp-session-id') ?? sessionId, ms };
}

/** initialize → notifications/initialized → tools/list over Streamable HTTP. */
export async function probeMcp(url: string, timeoutMs: number): Promise<McpProbe> {
  try {
    const init = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'todo-chatbot-runbooks', version: '0.1.0' } } }, undefined, timeoutMs);
    await rpc(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId, timeoutMs);
    const list = await rpc(url, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, init.sessionId, timeoutMs);
    const tools = ((list.result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
    return { ok: tools.length > 0, initializeMs: init.ms, toolsListMs: list.ms, tools, serverName: init.result?.serverInfo?.name };
  } catch (error) {
    const message = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return { ok: false, initializeMs: 0, toolsListMs: 0, tools: [], error: message };
  }
}
