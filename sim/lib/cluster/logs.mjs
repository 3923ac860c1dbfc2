// @ts-check
// Container logs, generated deterministically from the container's lifetime.
import { getObject, listObjects } from '../model.mjs';
import { runTimes, crashAt, readyIntervals, mainContainer, backoffAfter } from './lifecycle.mjs';
import { podState } from './views.mjs';
import { spread, selectorPredicate } from '../util.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';
import { resolveRes } from '../tools/kubectl/resources.mjs';

const iso = (ms) => new Date(ms).toISOString();
const J = (t, level, msg, extra = {}) => JSON.stringify({ time: iso(t), level, msg, ...extra });

/** Boot lines of a component (t = container start). */
function bootLines(comp, s, env, pod) {
  const port = pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? { frontend: 3000, backend: 8000, mcp: 8001, postgresql: 5432 }[comp];
  switch (comp) {
    case 'postgresql':
      return [
        [s, 'The files belonging to this database system will be owned by user "postgres".'],
        [s + 300, 'PostgreSQL init process complete; ready for start up.'],
        [
          s + 4000,
          `${iso(s + 4000)
            .replace('T', ' ')
            .replace(
              'Z',
              ' UTC',
            )} [1] LOG:  starting PostgreSQL 16.6 on x86_64-pc-linux-musl, compiled by gcc (Alpine 14.2.0) 14.2.0, 64-bit`,
        ],
        [
          s + 4100,
          `${iso(s + 4100)
            .replace('T', ' ')
            .replace('Z', ' UTC')} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
        ],
        [
          s + 4300,
          `${iso(s + 4300)
            .replace('T', ' ')
            .replace('Z', ' UTC')} [1] LOG:  database system is ready to accept connections`,
        ],
      ];
    case 'backend':
      return [
        [s, J(s, 'info', 'starting todo backend', { node: 'v20.19.0', port })],
        [
          s + 150,
          J(s + 150, 'info', 'configuration loaded', {
            keys: Object.keys(env ?? {})
              .filter((k) => !/SECRET|KEY|PASSWORD|DATABASE_URL/.test(k))
              .sort()
              .slice(0, 8),
          }),
        ],
        [s + 400, J(s + 400, 'info', 'connecting to database', { host: /@([^:/]+)/.exec(env?.DATABASE_URL ?? '')?.[1] ?? 'unknown' })],
        [s + 2500, J(s + 2500, 'info', `listening on http://0.0.0.0:${port}`)],
      ];
    case 'frontend':
      return [
        [s, J(s, 'info', 'starting todo frontend', { port })],
        [
          s + 1800,
          J(s + 1800, 'info', `ready on http://0.0.0.0:${port}`, {
            backend: env?.BACKEND_URL ?? env?.API_URL ?? 'http://todo-chatbot-backend:8000',
          }),
        ],
      ];
    case 'mcp':
      return [
        [s, J(s, 'info', 'starting todo MCP server', { transport: 'streamable-http', port })],
        [s + 900, J(s + 900, 'info', 'tools registered', { tools: ['add_task', 'list_tasks', 'complete_task', 'delete_task'] })],
        [s + 1200, J(s + 1200, 'info', `listening on http://0.0.0.0:${port}/mcp`)],
      ];
    case 'test':
      return [
        [s, 'Connecting to todo-chatbot-backend:8000 (10.96.0.1:8000)'],
        [s + 200, 'writing to stdout'],
      ];
    default:
      return [[s, `I${iso(s).slice(5, 10).replace('-', '')} ${iso(s).slice(11, 23)}       1 main.go:42] starting ${comp}`]];
  }
}

function crashLines(comp, e, reason) {
  if (reason === 'OOMKilled') return [[e - 200, J(e - 200, 'warn', 'memory usage high', { heapUsedMB: 498, rssMB: 511 })]];
  switch (comp) {
    case 'postgresql':
      return [
        [
          e,
          `${iso(e).replace('T', ' ').replace('Z', ' UTC')} [1] FATAL:  data directory "/var/lib/postgresql/data/pgdata" has invalid permissions`,
        ],
        [e + 1, `${iso(e).replace('T', ' ').replace('Z', ' UTC')} [1] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).`],
      ];
    case 'backend':
      return [
        [e - 100, J(e - 100, 'error', 'database connection failed', { error: 'getaddrinfo ENOTFOUND todo-chatbot-postgresql' })],
        [e, J(e, 'fatal', 'cannot start: database unavailable after 3 attempts; exiting with code 1')],
      ];
    case 'frontend':
      return [[e, J(e, 'fatal', "Error: Cannot find module '/app/server.js'", { code: 'MODULE_NOT_FOUND' })]];
    case 'mcp':
      return [[e, J(e, 'fatal', 'unhandled error: EADDRINUSE: address already in use 0.0.0.0:8001')]];
    default:
      return [[e, 'exit status 1']];
  }
}

/**
 * Log lines of one container instance.
 * @param {any} pod @param {{ start: number, end: number, crashed: string|null, env?: any, readyFrom?: number, dbFrom?: number }|null} inst
 */
export function podLogLines(pod, inst, _unused = 0, failed = false) {
  const comp = pod._sim.component;
  if (!inst)
    return failed
      ? ['wget: server returned error: HTTP/1.1 503 Service Unavailable']
      : [
          'Connecting to todo-chatbot-backend:8000',
          'writing to stdout',
          '-                    100% |********************************|    15  0:00:00 ETA',
          'written to stdout',
          '{"status":"ok"}',
        ];
  /** @type {[number, string][]} */
  const lines = bootLines(comp, inst.start, inst.env, pod).filter(([t]) => t <= inst.end);
  const per = (mainContainer(pod)?.readinessProbe?.periodSeconds ?? 10) * 1000;
  const path = mainContainer(pod)?.readinessProbe?.httpGet?.path;
  if (comp !== 'postgresql' && path && comp !== 'test') {
    let t = inst.start + 3000;
    let n = 0;
    const from = Math.max(t, inst.end - 400 * per);
    if (from > t) t = from - ((from - t) % per);
    while (t <= inst.end && n < 400) {
      const ok = inst.readyFrom !== undefined && t >= inst.readyFrom;
      const status = ok ? 200 : path === '/ready' ? 503 : 200;
      lines.push([t, J(t, 'info', 'request', { method: 'GET', path, status, ms: Math.round(spread(`${pod.metadata.name}${t}`, 1, 9)) })]);
      if (status === 503 && n % 3 === 0) lines.push([t + 1, J(t + 1, 'warn', 'readiness: database not reachable yet', { retryInMs: per })]);
      t += per;
      n++;
    }
  } else if (comp === 'postgresql') {
    for (let t = inst.start + 300000; t <= inst.end; t += 300000)
      lines.push([
        t,
        `${iso(t).replace('T', ' ').replace('Z', ' UTC')} [27] LOG:  checkpoint complete: wrote ${Math.round(spread(pod.metadata.name + t, 3, 60))} buffers`,
      ]);
  }
  if (inst.crashed) lines.push(...crashLines(comp, inst.end, inst.crashed));
  lines.sort((a, b) => a[0] - b[0]);
  return lines.map(([t, l]) => ({ t, l })).map((x) => `${x.l}\u0000${x.t}`);
}

/** The container instance to read: current or previous. Returns { inst } or { error }. */
export function instanceOf(c, pod, t, faults, previous) {
  const sim = pod._sim;
  const idx = sim.runs.length - 1;
  const run = sim.runs[idx];
  const name = mainContainer(pod).name;
  const tm = run ? runTimes(pod, idx, faults) : null;
  const st = podState(c, pod, t, faults);
  const env = run?.env?.[name];
  const readyFrom = (() => {
    const iv = tm ? readyIntervals(c, pod, idx, faults) : [];
    return iv.length ? iv[0][0] : undefined;
  })();
  const waitingErr = () => {
    const w = st.containerStatuses[0]?.state?.waiting;
    const why = !w
      ? 'ContainerCreating'
      : w.reason === 'ImagePullBackOff' || w.reason === 'ErrImagePull'
        ? 'trying and failing to pull image'
        : w.reason === 'ErrImageNeverPull'
          ? "image can't be pulled"
          : w.reason;
    return { error: `Error from server (BadRequest): container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${why}` };
  };
  if (!previous) {
    if (!tm || t < tm.startedAt) return waitingErr();
    if (tm.crash) {
      const ca = crashAt(tm, t);
      const end = ca.state === 'running' ? t : /** @type {number} */ (ca.finishedAt);
      return { inst: { start: ca.startedAt, end, crashed: ca.state === 'running' ? null : tm.crash.reason, env } };
    }
    if (sim.oneShot) return { inst: null, oneShot: true };
    return { inst: { start: tm.startedAt, end: Math.min(t, run.stop ?? Infinity), crashed: null, env, readyFrom } };
  }
  // previous instance
  if (tm && tm.crash && t >= tm.startedAt) {
    const ca = crashAt(tm, t);
    if (ca.state !== 'running')
      return { inst: { start: ca.startedAt, end: /** @type {number} */ (ca.finishedAt), crashed: tm.crash.reason, env } };
    if (ca.prev) return { inst: { start: ca.prev.startedAt, end: ca.prev.finishedAt, crashed: tm.crash.reason, env } };
  }
  if (idx > 0) {
    const ptm = runTimes(pod, idx - 1, faults);
    const prun = sim.runs[idx - 1];
    if (ptm && ptm.startedAt < (prun.stop ?? Infinity)) {
      const start = ptm.crash ? crashAt(ptm, prun.stop).startedAt : ptm.startedAt;
      const iv = readyIntervals(c, pod, idx - 1, faults);
      return { inst: { start, end: prun.stop, crashed: null, env: prun.env?.[name], readyFrom: iv.length ? iv[0][0] : undefined } };
    }
  }
  return { error: `Error from server (BadRequest): previous terminated container "${name}" in pod "${pod.metadata.name}" not found` };
}
void backoffAfter;

/** kubectl logs */
export async function kubectlLogs(K) {
  const { ctx, p, pos } = K;
  const f = p.flags;
  if (f.follow) {
    const { notImplemented } = await import('../common.mjs');
    notImplemented(ctx, 'kubectl', 'logs -f');
  }
  if (!pos.length && !f.selector) {
    ctx.err(
      `error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n`,
    );
    return 1;
  }
  const res = await withCluster(K, (c, state, ns, now) => {
    let pods = [];
    const msgs = [];
    if (f.selector) {
      const sel = selectorPredicate(f.selector);
      pods = listObjects(c, 'Pod', ns).filter((x) => sel(x.metadata.labels ?? {}));
      if (!pods.length) return { err: `No resources found in ${ns} namespace.`, soft: true };
    } else if (pos[0].includes('/') && !/^pods?\//.test(pos[0]) && !/^po\//.test(pos[0])) {
      const [tp, n] = pos[0].split('/');
      const r = resolveRes(tp);
      if (!r) return { err: `error: the server doesn't have a resource type "${tp}"` };
      const owner = getObject(c, r.kind, ns, n);
      if (!owner) return { err: `Error from server (NotFound): ${r.plural}${r.group ? '.' + r.group : ''} "${n}" not found` };
      const match = owner.spec?.selector?.matchLabels ?? {};
      const all = listObjects(c, 'Pod', ns).filter((x) => Object.entries(match).every(([k, v]) => x.metadata.labels?.[k] === v));
      if (!all.length) return { err: `error: timed out waiting for the condition` };
      if (all.length > 1) msgs.push(`Found ${all.length} pods, using pod/${all[0].metadata.name}`);
      pods = [all[0]];
    } else {
      const n = pos[0].replace(/^(pods?|po)\//, '');
      const pod = getObject(c, 'Pod', ns, n);
      if (!pod) return { err: `Error from server (NotFound): pods "${n}" not found` };
      pods = [pod];
    }
    const out = [];
    for (const pod of pods) {
      const cname = f.container ?? mainContainer(pod).name;
      if (!pod.spec.containers.some((x) => x.name === cname))
        return { err: `error: container ${cname} is not valid for pod ${pod.metadata.name}` };
      const r = instanceOf(c, pod, now, ctx.faults, f.previous);
      if (r.error) return { err: r.error };
      let lines = r.oneShot
        ? podLogLines(pod, null, 0, podState(c, pod, now, ctx.faults).phase === 'Failed').map((l) => `${l}\u0000${now}`)
        : podLogLines(pod, r.inst);
      const tail = f.tail >= 0 ? f.tail : f.selector ? 10 : -1;
      if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
      out.push(
        ...lines.map((x) => {
          const [l, t] = x.split('\u0000');
          return `${f.prefix || (f.selector && pods.length > 1 && f.prefix) ? `[pod/${pod.metadata.name}/${cname}] ` : ''}${
            f.timestamps
              ? new Date(Number(t))
                  .toISOString()
                  .replace('Z', '000000Z')
                  .replace(/\.(\d{3})000000Z/, '.$1000000Z') + ' '
              : ''
          }${l}`;
        }),
      );
    }
    return { out, msgs };
  });
  if (res.err) {
    (res.soft ? ctx.err : ctx.err)(res.err + '\n');
    return res.soft ? 0 : 1;
  }
  for (const m of res.msgs) ctx.err(m + '\n');
  ctx.out(res.out.map((l) => l + '\n').join(''));
  return 0;
}
