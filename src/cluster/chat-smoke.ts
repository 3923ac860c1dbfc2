// 03's optional chat smoke check (CHAT_SMOKE=1; off by default, since it spends the user's model
// tokens): one chat message to the backend asks the agent to add a task with a title no earlier run
// used, and the task must then be listed by the app's MCP list tool — so the reply went the whole
// way: backend → model → MCP tools/call → database. The request (path, JSON body, headers) is a
// setting, as Phase III apps name these differently; {title} marks where the title goes.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { fillTemplate, mcpDataCheck, type ArgsTemplate, type DataCheckSettings } from './data-check.ts';

export interface ChatSmokeSettings extends DataCheckSettings {
  chatSmoke: boolean;
  chatSmokePath: string;
  chatSmokeBody: ArgsTemplate;
  chatSmokeHeaders: Record<string, string>;
}

export interface ChatSmokeResult {
  ok: boolean;
  /** The task title the message asked for (unique per run). */
  title: string;
  status?: number;
  /** From sending the message to the reply. */
  replyMs?: number;
  /** The reply's text (its reply / message / content field when it is JSON), cut short. */
  reply?: string;
  /** The tool names the reply says were called, when it says (the example's tool_calls). */
  toolCalls?: string[];
  /** What the MCP list tool showed, or why the check failed. */
  detail: string;
  /** Whether the task was deleted again afterwards. */
  removed?: boolean;
}

export function chatSmokePath(raw: string, name: string): string {
  if (!/^\/[^\s#]*$/.test(raw)) throw new UsageError(`${name} "${raw}" is not a URL path`, "give the backend's chat path, e.g. /api/chat");
  return raw;
}

/** CHAT_SMOKE_HEADERS: a JSON object of header names to string values. */
export function chatHeaders(raw: string, name: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.entries(parsed as object).every(([k, v]) => /^[A-Za-z0-9-]+$/.test(k) && typeof v === 'string');
  if (!valid)
    throw new UsageError(
      `${name} is not a JSON object of header names and string values: ${raw}`,
      `e.g. ${name}='{"X-User-Id":"runbook-drill"}' (single quotes in .env keep the double quotes)`,
    );
  return parsed as Record<string, string>;
}

/** A title no earlier run used: the list tool's answer can only hold it if this message put it there. */
export function chatSmokeTitle(random = () => randomBytes(4).toString('hex')): string {
  return `runbook chat check ${random()}`;
}

/** One line, cut short: the reply goes into a table cell of the report. */
const excerpt = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

function replyText(body: string): { reply: string; toolCalls?: string[] } {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const text = [parsed.reply, parsed.message, parsed.content, parsed.response].find((v) => typeof v === 'string') as string | undefined;
    const calls = Array.isArray(parsed.tool_calls)
      ? parsed.tool_calls.map((c) => (typeof c === 'string' ? c : JSON.stringify(c)))
      : undefined;
    return { reply: excerpt(text ?? body), toolCalls: calls };
  } catch {
    return { reply: excerpt(body) };
  }
}

/** Sends the message, then asks the MCP list tool for the task. Never throws: the check records what happened. */
export async function chatSmoke(
  urls: { backend: string; mcp: string },
  s: ChatSmokeSettings,
  timeoutMs = 60_000,
  title = chatSmokeTitle(),
): Promise<ChatSmokeResult> {
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const response = await fetch(`${urls.backend}${s.chatSmokePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...s.chatSmokeHeaders },
      body: JSON.stringify(fillTemplate(s.chatSmokeBody, { title })),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `no reply within ${timeoutMs / 1000} s` : (error as Error).message;
    return { ok: false, title, detail: `POST ${s.chatSmokePath}: ${why}` };
  }
  const replyMs = Math.round(performance.now() - started);
  const { reply, toolCalls } = replyText(body);
  if (status < 200 || status > 299)
    return { ok: false, title, status, replyMs, reply, detail: `POST ${s.chatSmokePath} answered ${status}` };
  // The reply alone could be the model's words; the list tool reads the database.
  const check = mcpDataCheck(urls.mcp, s, 10_000);
  const found = await check.find({ title });
  if (!found.ok) return { ok: false, title, status, replyMs, reply, toolCalls, detail: found.error };
  if (!found.found) return { ok: false, title, status, replyMs, reply, toolCalls, detail: `no tool call landed: ${found.detail}` };
  const removed = found.id === undefined ? false : await check.remove({ title, id: found.id });
  return { ok: true, title, status, replyMs, reply, toolCalls, detail: found.detail, removed };
}
