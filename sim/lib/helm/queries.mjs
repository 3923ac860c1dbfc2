// @ts-check
// The read-only helm commands: status, list, history and get values/manifest/notes, in their table,
// JSON and YAML forms.
import { coalesce } from './values.mjs';
import { ansic, rfc3339Nano, goTimeString, goEscape } from '../util.mjs';
import { argsErr, onCluster, yamlLib } from './call.mjs';
import { key, chartLabel, releaseJSON, printRelease, findRelease, uitable } from './records.mjs';

export async function status(ctx, p, pos) {
  if (pos.length !== 1) argsErr(ctx, 'status', 1, 'RELEASE_NAME');
  const r = await onCluster(ctx, p, (c, state, ns) => structuredClone(findRelease(c, ns, pos[0], p.flags.revision)));
  if (!r || r === 'norev') {
    ctx.err('Error: release: not found\n');
    return 1;
  }
  if (p.flags.output === 'json') ctx.out(releaseJSON(r) + '\n');
  else if (p.flags.output === 'yaml') {
    const Y = await yamlLib();
    ctx.out(Y.stringify(JSON.parse(releaseJSON(r))));
  } else {
    printRelease(ctx, r);
    if (p.flags['show-desc']) ctx.out(`DESCRIPTION: ${r.description}\n`);
  }
  return 0;
}

export async function list(ctx, p) {
  const f = p.flags;
  const rows = await onCluster(ctx, p, (c, state, ns) => {
    const out = [];
    for (const [k, hist] of Object.entries(c.releases)) {
      if (!f['all-namespaces'] && !k.startsWith(ns + '/')) continue;
      const r = hist[hist.length - 1];
      const states = [];
      if (f.all)
        states.push(
          'deployed',
          'failed',
          'pending-install',
          'pending-upgrade',
          'pending-rollback',
          'uninstalled',
          'uninstalling',
          'superseded',
        );
      else {
        if (f.deployed) states.push('deployed');
        if (f.failed) states.push('failed');
        if (f.pending) states.push('pending-install', 'pending-upgrade', 'pending-rollback');
        if (f.uninstalled) states.push('uninstalled');
        if (f.uninstalling) states.push('uninstalling');
        if (f.superseded) states.push('superseded');
        if (!states.length) states.push('deployed', 'failed');
      }
      if (!states.includes(r.status)) continue;
      if (f.filter && !new RegExp(f.filter).test(r.name)) continue;
      out.push(structuredClone(r));
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  });
  if (f.short) {
    ctx.out(rows.map((r) => r.name + '\n').join(''));
    return 0;
  }
  const data = rows.map((r) => ({
    name: r.name,
    namespace: r.namespace,
    revision: String(r.revision),
    updated: goTimeString(r.lastDeployed),
    status: r.status,
    chart: chartLabel(r),
    app_version: r.chart.appVersion,
  }));
  if (f.output === 'json') {
    ctx.out(goEscape(JSON.stringify(data)) + '\n');
    return 0;
  }
  if (f.output === 'yaml') {
    const Y = await yamlLib();
    ctx.out(data.length ? Y.stringify(data) : '[]\n');
    return 0;
  }
  const t = data.map((d) => [d.name, d.namespace, d.revision, d.updated, d.status, d.chart, d.app_version]);
  if (!f['no-headers']) t.unshift(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION']);
  ctx.out(uitable(t));
  return 0;
}

export async function history(ctx, p, pos) {
  if (pos.length !== 1) argsErr(ctx, 'history', 1, 'RELEASE_NAME');
  const hist = await onCluster(ctx, p, (c, state, ns) => structuredClone(c.releases[key(ns, pos[0])] ?? []));
  if (!hist.length) {
    ctx.err('Error: release: not found\n');
    return 1;
  }
  const shown = hist.slice(-p.flags.max);
  const data = shown.map((r) => ({
    revision: r.revision,
    updated: rfc3339Nano(r.lastDeployed),
    status: r.status,
    chart: chartLabel(r),
    app_version: r.chart.appVersion,
    description: r.description,
  }));
  if (p.flags.output === 'json') {
    ctx.out(goEscape(JSON.stringify(data)) + '\n');
    return 0;
  }
  if (p.flags.output === 'yaml') {
    const Y = await yamlLib();
    ctx.out(Y.stringify(data));
    return 0;
  }
  ctx.out(
    uitable([
      ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
      ...shown.map((r) => [String(r.revision), ansic(r.lastDeployed), r.status, chartLabel(r), r.chart.appVersion, r.description]),
    ]),
  );
  return 0;
}

export async function get(ctx, p, pos, cmd) {
  if (pos.length !== 1) argsErr(ctx, cmd, 1, 'RELEASE_NAME');
  const r = await onCluster(ctx, p, (c, state, ns) => structuredClone(findRelease(c, ns, pos[0], p.flags.revision)));
  if (!r || r === 'norev') {
    ctx.err('Error: release: not found\n');
    return 1;
  }
  const Y = await yamlLib();
  if (cmd === 'get values') {
    const all = p.flags.all;
    const vals = all ? coalesce(r.defaults ?? {}, r.config ?? {}) : r.config;
    const empty = !vals || !Object.keys(vals).length;
    if (p.flags.output === 'json') ctx.out((empty && !all ? 'null' : goEscape(JSON.stringify(vals))) + '\n');
    else if (p.flags.output === 'yaml') ctx.out(empty ? 'null\n' : Y.stringify(vals));
    else ctx.out(`${all ? 'COMPUTED' : 'USER-SUPPLIED'} VALUES:\n${empty ? 'null\n' : Y.stringify(vals)}`);
    return 0;
  }
  if (cmd === 'get manifest') {
    ctx.out(r.manifest + '\n');
    return 0;
  }
  if (cmd === 'get notes') {
    if (r.notes) ctx.out(`NOTES:\n${r.notes}\n`);
    return 0;
  }
  if (cmd === 'get hooks') {
    ctx.out(r.hooks.map((h) => `---\n# Source: ${r.chart.name}/${h.path}\n${h.manifest}`).join(''));
    return 0;
  }
  printRelease(ctx, r);
  ctx.out(
    `USER-SUPPLIED VALUES:\n${Y.stringify(r.config ?? {})}\nCOMPUTED VALUES:\n${Y.stringify(coalesce(r.defaults ?? {}, r.config ?? {}))}\nHOOKS:\n${r.hooks.map((h) => `---\n# Source: ${r.chart.name}/${h.path}\n${h.manifest}`).join('')}MANIFEST:\n${r.manifest}\n`,
  );
  return 0;
}
