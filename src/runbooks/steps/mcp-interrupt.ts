// 04's drill of an MCP pod deleted in the middle of a tool call: a port-forward to one Ready MCP
// pod, a tools/call (the add tool, a task of its own) sent half-way and held, the pod deleted and
// seen terminating, then the rest of the request sent. What the call returned is recorded as it is:
// a server that drains in-flight requests on SIGTERM (the demo's handleShutdown) answers it from the
// terminating pod, one that does not cuts it off. Then the replacement pod must answer the next call
// and list the drill's todo (data intact), and the interrupted call's task is present exactly when
// the call said it was created.
import type { RunbookContext } from '../../runbook.ts';
import type { Todo } from '../../cluster/todo-api.ts';
import { drillTodoTitle } from '../../cluster/todo-api.ts';
import { componentSelector } from '../../cluster/labels.ts';
import { podState } from '../../cluster/pods.ts';
import { fillTemplate, mcpDataCheck } from '../../cluster/data-check.ts';
import { holdToolCall, type HeldOutcome } from '../../cluster/held-call.ts';
import { tracedMcpToolCall } from '../../cluster/smoke.ts';
import { formatDuration } from '../../clock.ts';
import { livePods } from './release.ts';

const CALL_TIMEOUT_MS = 30_000;
const REPLACEMENT_WAIT_MS = 120_000;

/** A port-forward to one pod, tried three times: an API error on the way (TLS handshake timeout, 503) is transient. */
async function forwardTo(
  ctx: RunbookContext,
  pod: string,
  port: number,
): Promise<Awaited<ReturnType<RunbookContext['tools']['kubectl']['portForward']>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.tools.kubectl.portForward(`pod/${pod}`, port, ctx.settings.namespace, 30_000);
    } catch (error) {
      if (attempt >= 3) throw error;
      await ctx.clock.sleep(1000);
    }
  }
}

/** One line for the report: what the interrupted call came back with. */
export function describeOutcome(o: HeldOutcome, tool: string): string {
  if (o.kind === 'failed') return `failed after ${Math.round(o.ms)} ms: ${o.error}`;
  const text = (o.result?.content ?? [])
    .map((c) => c.text ?? '')
    .join(' ')
    .trim()
    .slice(0, 160);
  const by = o.servedBy ? ` from ${o.servedBy}` : '';
  if (o.rpcError) return `HTTP ${o.status}${by} after ${Math.round(o.ms)} ms: ${o.rpcError}`;
  return `HTTP ${o.status}${by} after ${Math.round(o.ms)} ms: ${tool} ${o.result?.isError ? 'answered with an error' : 'answered'}${text ? ` "${text}"` : ''}`;
}

/** The id the add tool gave the task, when it answered with one (structuredContent task_id / id). */
function createdId(o: HeldOutcome): number | string | undefined {
  const content = o.kind === 'answered' ? (o.result?.structuredContent as Record<string, unknown> | undefined) : undefined;
  const id = content?.task_id ?? content?.id ?? content?.taskId;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/** Waits until the pod carries a deletionTimestamp (or is gone): it is terminating. */
async function untilTerminating(ctx: RunbookContext, pod: string): Promise<string> {
  const deadline = ctx.clock.now() + 30_000;
  for (;;) {
    const live = await ctx.tools.kubectl.get('pod', pod, ctx.settings.namespace);
    if (!live) return 'already gone';
    if (live.metadata.deletionTimestamp) return `terminating since ${live.metadata.deletionTimestamp}`;
    if (ctx.clock.now() >= deadline) return 'still not terminating after 30 s';
    await ctx.clock.sleep(200);
  }
}

/** A Ready MCP pod that was not there before, or undefined at the deadline. */
async function replacement(ctx: RunbookContext, before: Set<string>): Promise<string | undefined> {
  const deadline = ctx.clock.now() + REPLACEMENT_WAIT_MS;
  const selector = componentSelector(ctx.settings.release, 'mcp');
  for (;;) {
    const fresh = (await livePods(ctx, selector)).map(podState).find((p) => p.ready && !before.has(p.name));
    if (fresh) return fresh.name;
    if (ctx.clock.now() >= deadline) return undefined;
    await ctx.clock.sleep(1000);
  }
}

export async function interruptMcpCall(ctx: RunbookContext, todo: Todo): Promise<void> {
  const { kubectl } = ctx.tools;
  const s = ctx.settings;
  const selector = componentSelector(s.release, 'mcp');
  const pods = (await livePods(ctx, selector)).filter((p) => podState(p).ready);
  const victim = pods.map((p) => p.metadata.name).sort()[0];
  if (!victim)
    return ctx.require({
      id: 'MCP-INTERRUPT',
      title: 'an MCP pod to delete mid-call',
      expected: 'a Ready MCP pod',
      measured: `none match ${selector}`,
      pass: false,
      remedy: `kubectl get pods -l ${selector} -n ${s.namespace} --context ${kubectl.context}`,
    });
  const port = pods.find((p) => p.metadata.name === victim)?.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 8001;
  // A forward to that pod itself: the call must be served by the pod that is deleted.
  const forward = await forwardTo(ctx, victim, port);
  ctx.onCleanup(`port-forward pod/${victim}`, () => forward.process.stop());
  const url = `http://127.0.0.1:${forward.localPort}/mcp`;
  const title = drillTodoTitle('04-interrupted-call', ctx.clock.now());
  const held = await holdToolCall(
    url,
    s.dataCheckAddTool,
    fillTemplate(s.dataCheckAddArgs, { title }) as Record<string, unknown>,
    CALL_TIMEOUT_MS,
  );
  const deleteIssued = ctx.clock.now();
  await kubectl.deletePod(victim, s.namespace);
  const terminating = await untilTerminating(ctx, victim);
  held.release();
  const outcome = await held.outcome;
  await forward.process.stop();
  const created = outcome.kind === 'answered' && outcome.status === 200 && !outcome.rpcError && !outcome.result?.isError;
  ctx.note(
    `tools/call ${s.dataCheckAddTool} "${title}" was half-sent to ${victim}; kubectl delete pod issued at +0 s, the pod ${terminating} (${formatDuration(ctx.clock.now() - deleteIssued)} later the rest of the call was sent)`,
  );
  ctx.check({
    id: 'MCP-INTERRUPTED-CALL',
    title: `the tool call in flight when ${victim} was deleted`,
    expected: 'it ends (an answer, or an error the client sees): it never hangs',
    measured: describeOutcome(outcome, s.dataCheckAddTool),
    // What it returned is the finding; only a hang would be a fault (a client would wait forever).
    pass: !(outcome.kind === 'failed' && /no answer within/.test(outcome.error)),
    remedy: 'the MCP server should finish in-flight requests on SIGTERM and close the connection after (graceful shutdown)',
  });

  const next = await replacement(ctx, new Set(pods.map((p) => p.metadata.name)));
  if (!next) {
    ctx.check({
      id: 'MCP-AFTER-INTERRUPT',
      title: 'the next tool call succeeds on the replacement',
      expected: `a new Ready MCP pod within ${formatDuration(REPLACEMENT_WAIT_MS)}`,
      measured: 'no replacement became Ready',
      pass: false,
      remedy: `kubectl get pods -l ${selector} -n ${s.namespace} --context ${kubectl.context}; kubectl describe rs -n ${s.namespace}`,
    });
    return;
  }
  const fresh = await forwardTo(ctx, next, port);
  ctx.onCleanup(`port-forward pod/${next}`, () => fresh.process.stop());
  const nextUrl = `http://127.0.0.1:${fresh.localPort}/mcp`;
  const check = mcpDataCheck(nextUrl, s, 10_000);
  const listed = await tracedMcpToolCall(
    nextUrl,
    s.dataCheckListTool,
    fillTemplate(s.dataCheckListArgs, { title: todo.title }) as Record<string, unknown>,
    10_000,
  ).then(
    (r) => r,
    (e: Error) => ({ error: e.message }),
  );
  const drill = await check.find(todo);
  const interrupted = await check.find({ title });
  await fresh.process.stop();
  if (interrupted.ok && interrupted.found && !(await check.remove({ title, id: createdId(outcome) })))
    ctx.note(`could not delete the interrupted call's task "${title}"; delete it yourself if you like`, 'warn');
  const servedBy = 'servedBy' in listed ? listed.servedBy : undefined;
  const dataIntact = drill.ok && drill.found;
  // A call that said "created" must have written; one that failed may or may not have.
  const consistent = !created || (interrupted.ok && interrupted.found);
  ctx.check({
    id: 'MCP-AFTER-INTERRUPT',
    title: `the next tool call succeeds on the replacement ${next}`,
    expected: `tools/call ${s.dataCheckListTool} answers from ${next}, lists the drill's todo, and lists the interrupted call's task if it said it was created`,
    measured: [
      'error' in listed ? `${s.dataCheckListTool} failed: ${listed.error}` : `answered${servedBy ? ` from ${servedBy}` : ''}`,
      drill.ok ? drill.detail : `drill todo: ${drill.error}`,
      `interrupted call's task ${interrupted.ok ? (interrupted.found ? 'listed' : 'not listed') : `unknown (${interrupted.error})`}${created ? ' (the call said created)' : ' (the call did not complete)'}`,
    ].join('; '),
    pass: !('error' in listed) && (!servedBy || servedBy === next) && dataIntact && consistent,
    remedy: !dataIntact
      ? 'data loss: the MCP tools must write through to PostgreSQL, not keep tasks in the pod'
      : 'a call that answered "created" must have written its task: check the MCP server commits before it answers',
  });
}
