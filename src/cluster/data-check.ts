// The MCP form of the drills' data check: the drill's todo goes in and comes back out through the
// MCP tools every Phase III app has (add a task, list tasks), so 04 works against a user's app
// whose backend has no /api/todos. Tool names and argument templates are settings
// (DATA_CHECK_MCP_*); the REST form stays in todo-api.ts. docs/bring-your-own-app.md shows both.
import { UsageError } from '../errors.ts';
import { callMcpTool, type ToolCallResult } from './smoke.ts';
import { restDataCheck, type DataCheck } from './todo-api.ts';

export type ArgsTemplate = Record<string, unknown>;

export interface DataCheckSettings {
  dataCheck: 'mcp' | 'rest';
  dataCheckRestPath: string;
  dataCheckAddTool: string;
  dataCheckAddArgs: ArgsTemplate;
  dataCheckListTool: string;
  dataCheckListArgs: ArgsTemplate;
  /** Empty: the drill's task stays (an app without a delete tool). */
  dataCheckDeleteTool: string;
  dataCheckDeleteArgs: ArgsTemplate;
}

/** MCP tool names: 1-128 of A-Z a-z 0-9 _ - . (the MCP specification's tool name guidance). */
export function toolName(optional: boolean) {
  return (raw: string, name: string): string => {
    if (optional && raw === '') return raw;
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(raw))
      throw new UsageError(`${name} "${raw}" is not an MCP tool name`, "give the tool's name as tools/list shows it, e.g. add_task");
    return raw;
  };
}

export function restPath(raw: string, name: string): string {
  if (!/^\/[^\s?#]*[^/\s?#]$/.test(raw))
    throw new UsageError(`${name} "${raw}" is not a URL path`, "give the path of the backend's todo collection, e.g. /api/todos");
  return raw;
}

const mentions = (value: unknown, placeholder: string): boolean =>
  typeof value === 'string'
    ? value.includes(placeholder)
    : Array.isArray(value)
      ? value.some((v) => mentions(v, placeholder))
      : value !== null && typeof value === 'object'
        ? Object.values(value).some((v) => mentions(v, placeholder))
        : false;

/** A JSON object of tool arguments; `needs` is the placeholder it must contain ({title}, {id}). */
export function argsTemplate(needs?: '{title}' | '{id}') {
  return (raw: string, name: string): ArgsTemplate => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new UsageError(
        `${name} is not JSON: ${raw}`,
        `give a JSON object of the tool's arguments, e.g. {"user_id":"runbook-drill","title":"{title}"} (quote it in .env with single quotes)`,
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UsageError(
        `${name} is not a JSON object: ${raw}`,
        'give the tool\'s arguments as an object, e.g. {"user_id":"runbook-drill"}',
      );
    if (needs && !mentions(parsed, needs))
      throw new UsageError(
        `${name} does not contain ${needs}: ${raw}`,
        `put ${needs} where the drill's ${needs === '{title}' ? 'task title' : 'task id'} goes, e.g. ${needs === '{title}' ? '{"title":"{title}"}' : '{"task_id":"{id}"}'}`,
      );
    return parsed as ArgsTemplate;
  };
}

/**
 * Fills a template: a string that is exactly "{id}" becomes the id as the tool returned it (a
 * number stays a number, as integer-typed tool arguments require); elsewhere {title} and {id} are
 * replaced inside strings.
 */
export function fillTemplate(template: unknown, values: { title: string; id?: number | string }): unknown {
  if (typeof template === 'string') {
    if (template === '{id}' && values.id !== undefined) return values.id;
    return template.replaceAll('{title}', values.title).replaceAll('{id}', String(values.id ?? ''));
  }
  if (Array.isArray(template)) return template.map((v) => fillTemplate(v, values));
  if (template !== null && typeof template === 'object')
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  return template;
}

/** What a tool answered, as values to search: structuredContent, and each text block (as JSON when it is JSON). */
function payloads(result: ToolCallResult): unknown[] {
  const out: unknown[] = [];
  if (result.structuredContent !== undefined) out.push(result.structuredContent);
  for (const block of result.content ?? []) {
    if (block.type !== 'text' || typeof block.text !== 'string') continue;
    try {
      out.push(JSON.parse(block.text));
    } catch {
      out.push(block.text);
    }
  }
  return out;
}

/** The objects (at any depth) that hold the title as one of their values: tools name fields differently. */
function holders(value: unknown, title: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((v) => holders(v, title));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own = Object.values(object).some((v) => v === title) ? [object] : [];
  return [...own, ...Object.values(object).flatMap((v) => holders(v, title))];
}

const idOf = (o: Record<string, unknown>): number | string | undefined => {
  const id = o.task_id ?? o.id ?? o.taskId;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};

/** The longest list in an answer, for "missing from N task(s)". */
function longestList(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (value === null || typeof value !== 'object') return undefined;
  const lengths = Object.values(value)
    .map(longestList)
    .filter((n): n is number => n !== undefined);
  return lengths.length ? Math.max(...lengths) : undefined;
}

const errorText = (result: ToolCallResult) =>
  (result.content ?? [])
    .map((c) => c.text ?? '')
    .join(' ')
    .trim()
    .slice(0, 200) || 'isError with no text';
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The MCP form: tools/call on the app's MCP server (Streamable HTTP). Never throws: a drill records what the server said. */
export function mcpDataCheck(mcpUrl: string, s: DataCheckSettings, timeoutMs = 10_000): DataCheck {
  const call = (tool: string, args: unknown) => callMcpTool(mcpUrl, tool, args as Record<string, unknown>, timeoutMs);
  return {
    writes: `MCP tools/call ${s.dataCheckAddTool} ${JSON.stringify(s.dataCheckAddArgs)} at ${mcpUrl}`,
    reads: (todo) => `MCP tools/call ${s.dataCheckListTool} lists "${todo.title}"${todo.id === undefined ? '' : ` (id ${todo.id})`}`,
    async write(title) {
      try {
        const result = await call(s.dataCheckAddTool, fillTemplate(s.dataCheckAddArgs, { title }));
        if (result.isError) return { ok: false, error: `${s.dataCheckAddTool} answered with an error: ${errorText(result)}` };
        const found = payloads(result).flatMap((p) => (typeof p === 'string' ? [] : holders(p, title)));
        const text = payloads(result).some((p) => typeof p === 'string' && p.includes(title));
        if (!found.length && !text)
          return { ok: false, error: `${s.dataCheckAddTool}'s answer does not echo the title: ${JSON.stringify(result).slice(0, 200)}` };
        return { ok: true, todo: { id: found.map(idOf).find((id) => id !== undefined), title } };
      } catch (error) {
        return { ok: false, error: describe(error) };
      }
    },
    async find(todo) {
      let result: ToolCallResult;
      try {
        result = await call(s.dataCheckListTool, fillTemplate(s.dataCheckListArgs, { title: todo.title, id: todo.id }));
      } catch (error) {
        return { ok: false, error: describe(error) };
      }
      // A tool error (the database unreachable, say) is the app not answering yet, not data loss.
      if (result.isError) return { ok: false, error: `${s.dataCheckListTool} answered with an error: ${errorText(result)}` };
      const answers = payloads(result);
      const found = answers.flatMap((p) => (typeof p === 'string' ? [] : holders(p, todo.title)));
      const same = found.find((o) => todo.id === undefined || idOf(o) === undefined || String(idOf(o)) === String(todo.id));
      const inText = answers.some((p) => typeof p === 'string' && p.includes(todo.title));
      const count = answers.map(longestList).find((n) => n !== undefined);
      const among = count === undefined ? `the ${s.dataCheckListTool} answer` : `${count} task(s) listed by ${s.dataCheckListTool}`;
      if (same || inText)
        return {
          ok: true,
          found: true,
          detail: `task${todo.id === undefined ? '' : ` ${todo.id}`} "${todo.title}" among ${among}`,
          id: todo.id ?? (same ? idOf(same) : undefined),
        };
      if (found.length)
        return {
          ok: true,
          found: false,
          detail: `"${todo.title}" is listed with another id (${found.map(idOf).join(', ')}), not ${todo.id}`,
        };
      return { ok: true, found: false, detail: `task${todo.id === undefined ? '' : ` ${todo.id}`} "${todo.title}" missing from ${among}` };
    },
    async remove(todo) {
      if (!s.dataCheckDeleteTool || (todo.id === undefined && mentions(s.dataCheckDeleteArgs, '{id}'))) return false;
      try {
        return !(await call(s.dataCheckDeleteTool, fillTemplate(s.dataCheckDeleteArgs, { title: todo.title, id: todo.id }))).isError;
      } catch {
        return false;
      }
    },
  };
}

/** The data check the settings ask for, on this access's URLs. */
export function dataCheckFor(s: DataCheckSettings, urls: { backend: string; mcp: string }): DataCheck {
  return s.dataCheck === 'rest' ? restDataCheck(urls.backend, s.dataCheckRestPath) : mcpDataCheck(urls.mcp, s);
}
