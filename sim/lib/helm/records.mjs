// @ts-check
// Helm's release records as the simulator keeps them (per namespace, every revision) and as helm
// prints them: status JSON, the release summary, and gosuri/uitable's padding for list and history.
import { ansic, rfc3339Nano, goEscape } from '../util.mjs';

export const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const key = (ns, name) => `${ns}/${name}`;
export const chartLabel = (r) => `${r.chart.name}-${r.chart.version}`;

/** JSON of a release as `helm status -o json` prints it (no chart). */
export function releaseJSON(r, { withHooks = true } = {}) {
  const info = {
    first_deployed: rfc3339Nano(r.firstDeployed),
    last_deployed: rfc3339Nano(r.lastDeployed),
    deleted: r.deleted ? rfc3339Nano(r.deleted) : '',
    description: r.description,
    status: r.status,
    ...(r.notes ? { notes: r.notes } : {}),
  };
  const o = {
    name: r.name,
    info,
    config: Object.keys(r.config ?? {}).length ? r.config : undefined,
    manifest: r.manifest,
    hooks:
      withHooks && r.hooks.length
        ? r.hooks.map((h) => ({
            name: h.name,
            kind: h.kind,
            path: h.path,
            manifest: h.manifest,
            events: h.events,
            last_run: h.lastRun
              ? {
                  started_at: rfc3339Nano(h.lastRun.started),
                  completed_at: h.lastRun.completed ? rfc3339Nano(h.lastRun.completed) : '',
                  phase: h.lastRun.phase,
                }
              : { started_at: '', completed_at: '', phase: '' },
            ...(h.deletePolicies.length ? { delete_policies: h.deletePolicies } : {}),
          }))
        : undefined,
    version: r.revision,
    namespace: r.namespace,
  };
  return goEscape(JSON.stringify(o));
}

export function printRelease(ctx, r, { showNotes = true } = {}) {
  let s = `NAME: ${r.name}\nLAST DEPLOYED: ${ansic(r.lastDeployed)}\nNAMESPACE: ${r.namespace}\nSTATUS: ${r.status}\nREVISION: ${r.revision}\n`;
  const ran = r.hooks.filter((h) => h.events.includes('test') && h.lastRun);
  if (ran.length) {
    for (const h of ran)
      s += `TEST SUITE:     ${h.name}\nLast Started:   ${ansic(h.lastRun.started)}\nLast Completed: ${h.lastRun.completed ? ansic(h.lastRun.completed) : ''}\nPhase:          ${h.lastRun.phase}\n`;
  } else s += 'TEST SUITE: None\n';
  if (showNotes && r.notes) s += `NOTES:\n${r.notes}\n`;
  ctx.out(s);
}

export function findRelease(c, ns, name, revision = 0) {
  const list = c.releases[key(ns, name)] ?? [];
  if (!list.length) return null;
  if (revision) return list.find((r) => r.revision === revision) ?? 'norev';
  return list[list.length - 1];
}
/** gosuri/uitable as helm prints it: cells padded, separated by a tab, trailing spaces kept. */
export function uitable(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('\t')).join('\n') + '\n';
}
