// 03's smoke checks: the app answers through the access 03 established (backend health and
// database, the page, the MCP handshake), and the optional chat round trip (CHAT_SMOKE=1).
import type { RunbookContext } from '../../runbook.ts';
import { describeLatency, probeHttpRepeated, probeMcp } from '../../cluster/smoke.ts';
import type { Access } from '../../cluster/access.ts';
import { chatSmoke } from '../../cluster/chat-smoke.ts';

const TARGETS = { frontendMs: 3000, backendHealthMs: 1000, mcpToolsListMs: 200, chatMs: 60_000 };
const SAMPLES = 5;

export async function smokeChecks(ctx: RunbookContext, access: Access): Promise<void> {
  const health = await probeHttpRepeated(`${access.backend}/health`, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-BACKEND-HEALTH',
    title: 'backend /health',
    expected: `200, median ≤ ${TARGETS.backendHealthMs} ms`,
    measured: health.ok ? `${health.status}, ${describeLatency(health.latency)}` : `${health.status ?? health.error}`,
    pass: health.ok && health.latency.median <= TARGETS.backendHealthMs,
    remedy: 'kubectl logs deploy/<release>-backend; check the probe paths',
    value: health.latency.median,
    unit: 'ms',
  });
  const ready = await probeHttpRepeated(`${access.backend}/ready`, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-BACKEND-READY',
    title: 'backend /ready (database round trip)',
    expected: `200, median ≤ ${TARGETS.backendHealthMs} ms`,
    measured: ready.ok
      ? `${ready.status}, ${describeLatency(ready.latency)}`
      : `${ready.status ?? ready.error} ${ready.body.slice(0, 100)}`,
    pass: ready.ok && ready.latency.median <= TARGETS.backendHealthMs,
    remedy: 'the backend cannot reach the database: check DATABASE_URL / the postgresql pod',
    value: ready.latency.median,
    unit: 'ms',
  });
  const page = await probeHttpRepeated(`${access.frontend}/`, 15_000, 3);
  const looksLikePage = /<html|<!doctype html/i.test(page.body);
  ctx.check({
    id: 'SMOKE-FRONTEND',
    title: 'frontend page',
    expected: `200 HTML, median ≤ ${TARGETS.frontendMs} ms`,
    measured: page.ok
      ? `${page.status}${looksLikePage ? ' HTML' : ' (not HTML)'}, ${describeLatency(page.latency)}`
      : `${page.status ?? page.error}`,
    pass: page.ok && looksLikePage && page.latency.median <= TARGETS.frontendMs,
    remedy: 'kubectl logs deploy/<release>-frontend',
    value: page.latency.median,
    unit: 'ms',
  });
  const mcp = await probeMcp(access.mcp, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-MCP',
    title: 'MCP initialize + tools/list',
    expected: `tools listed, tools/list median ≤ ${TARGETS.mcpToolsListMs} ms`,
    measured: mcp.ok
      ? `${mcp.tools.length} tools (${mcp.tools.join(', ')}); initialize ${Math.round(mcp.initializeMs)} ms, tools/list ${describeLatency(mcp.toolsList)}`
      : (mcp.error ?? 'no tools'),
    pass: mcp.ok && mcp.toolsListMs <= TARGETS.mcpToolsListMs,
    remedy: 'kubectl logs deploy/<release>-mcp',
    value: mcp.toolsListMs,
    unit: 'ms',
  });
}

/** The optional chat round trip (CHAT_SMOKE=1): backend → model → MCP tool → database. */
export async function chatSmokeCheck(ctx: RunbookContext, access: Access): Promise<void> {
  const s = ctx.settings;
  if (!s.chatSmoke) {
    ctx.note('chat smoke check off (CHAT_SMOKE=1 sends one chat message; it spends model tokens)');
    return;
  }
  const r = await chatSmoke(access, s, TARGETS.chatMs);
  const said =
    r.reply === undefined
      ? ''
      : `; reply "${r.reply.slice(0, 80)}"${r.toolCalls ? `, tool calls: ${r.toolCalls.join(', ') || 'none'}` : ''}`;
  ctx.check({
    id: 'SMOKE-CHAT',
    title: `chat round trip (POST ${s.chatSmokePath} → model → MCP ${s.dataCheckListTool})`,
    expected: `2xx within ${TARGETS.chatMs / 1000} s, and the task it asked for ("${r.title}") listed by ${s.dataCheckListTool}`,
    measured: `${r.status === undefined ? '' : `${r.status} in ${r.replyMs} ms, `}${r.detail}${said}${r.ok ? (r.removed ? ' (deleted again)' : ' (left in place)') : ''}`,
    pass: r.ok,
    remedy:
      r.status === 404
        ? `the backend has no POST ${s.chatSmokePath}: set CHAT_SMOKE_PATH (and CHAT_SMOKE_BODY) to your chat endpoint, or CHAT_SMOKE=0`
        : 'kubectl logs deploy/<release>-backend (the model call, OPENAI_API_KEY / its base URL) and deploy/<release>-mcp; CHAT_SMOKE_HEADERS must make the chat act for the user DATA_CHECK_MCP_LIST_ARGS lists',
    value: r.replyMs,
    unit: 'ms',
  });
}
