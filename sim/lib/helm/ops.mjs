// @ts-check
// helm release operations on the simulated cluster.
import { readFileSync, writeFileSync, unlinkSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withState, readState } from '../state.mjs';
import { connect, helmConnFail } from '../kube.mjs';
import { Exit } from '../cli.mjs';
import { getObject, listObjects, putObject } from '../model.mjs';
import { render, runRealHelm } from './render.mjs';
import { coalesce, userValues } from './values.mjs';
import { applyObjects, deleteObjects } from '../cluster/apply.mjs';
import { reconcile, createPod, requestPodDeletion } from '../cluster/controllers.mjs';
import { deploymentStatus, statefulSetJSON, podState } from '../cluster/views.mjs';
import { ansic, rfc3339Nano, goTimeString, goEscape, table } from '../util.mjs';
import { notImplemented } from '../common.mjs';
import { isHelm4 } from '../tools/helm.mjs';

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @param {import('../cli.mjs').Ctx} ctx @param {string} cmd @param {any} p @param {string[]} pos */
export async function helmCommand(ctx, cmd, p, pos) {
  switch (cmd) {
    case 'template':
    case 'lint': {
      const r = runRealHelm(
        ctx.stateDir,
        ctx.argv.filter((a, i, arr) => !/^--kube-context/.test(a) && !(i > 0 && arr[i - 1] === '--kube-context')),
      );
      ctx.out(r.stdout);
      ctx.err(r.stderr);
      return r.status;
    }
    case 'upgrade':
    case 'install':
      return upgrade(ctx, p, pos, cmd);
    case 'status':
      return status(ctx, p, pos);
    case 'list':
      return list(ctx, p, pos);
    case 'history':
      return history(ctx, p, pos);
    case 'get values':
    case 'get manifest':
    case 'get notes':
    case 'get all':
    case 'get hooks':
      return get(ctx, p, pos, cmd);
    case 'rollback':
      return rollback(ctx, p, pos);
    case 'uninstall':
      return uninstall(ctx, p, pos);
    case 'test':
      return test(ctx, p, pos);
  }
  notImplemented(ctx, 'helm', `"${cmd}"`);
  return 1;
}

const argsErr = (ctx, cmd, n, usage) => {
  ctx.err(`Error: "helm ${cmd}" requires ${n} argument${n === 1 ? '' : 's'}\n\nUsage:  helm ${cmd} ${usage} [flags]\n`);
  throw new Exit(1);
};

/** Connect under lock (counts as one API call); returns the locked-state result of fn or prints the failure. */
async function onCluster(ctx, p, fn) {
  let conn;
  const r = await withState(ctx.stateDir, (state) => {
    conn = connect(state, ctx, p.flags['kube-context']);
    if (conn.kind !== 'ok') return undefined;
    const ns = p.flags.namespace ?? conn.namespace;
    return { v: fn(conn.cluster, state, ns, conn.now) };
  });
  if (!r) helmConnFail(ctx, conn);
  return /** @type {any} */ (r).v;
}

const key = (ns, name) => `${ns}/${name}`;
const chartLabel = (r) => `${r.chart.name}-${r.chart.version}`;

/** JSON of a release as `helm status -o json` prints it (no chart). */
function releaseJSON(r, { withHooks = true } = {}) {
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

function printRelease(ctx, r, { showNotes = true } = {}) {
  let s = `NAME: ${r.name}\nLAST DEPLOYED: ${ansic(r.lastDeployed)}\nNAMESPACE: ${r.namespace}\nSTATUS: ${r.status}\nREVISION: ${r.revision}\n`;
  const ran = r.hooks.filter((h) => h.events.includes('test') && h.lastRun);
  if (ran.length) {
    for (const h of ran)
      s += `TEST SUITE:     ${h.name}\nLast Started:   ${ansic(h.lastRun.started)}\nLast Completed: ${h.lastRun.completed ? ansic(h.lastRun.completed) : ''}\nPhase:          ${h.lastRun.phase}\n`;
  } else s += 'TEST SUITE: None\n';
  if (showNotes && r.notes) s += `NOTES:\n${r.notes}\n`;
  ctx.out(s);
}

async function yamlLib() {
  return (await import('yaml')).default;
}

/** Build the -f/--set args passed to the real helm, with --reuse-values' old values first. */
function valueArgs(p, reuseFile) {
  const out = [];
  if (reuseFile) out.push('-f', reuseFile);
  for (const f of p.flags.values) out.push('-f', resolve(f));
  for (const s of p.flags['set-json']) out.push('--set-json', s);
  for (const s of p.flags.set) out.push('--set', s);
  for (const s of p.flags['set-string']) out.push('--set-string', s);
  for (const s of p.flags['set-file']) out.push('--set-file', s);
  for (const s of p.flags['set-literal']) out.push('--set-literal', s);
  return out;
}

const isActionError = (msg) =>
  /values don't meet the specifications|execution error at|parse error|template: |unable to build kubernetes objects|chart requires kubeVersion/.test(
    msg,
  );

/** Ready check as helm's --wait does it, at virtual time t. */
function releaseReady(c, objs, ns, t, faults) {
  const pending = [];
  for (const o of objs) {
    const n = o.metadata.namespace ?? ns;
    if (o.kind === 'Deployment') {
      const d = getObject(c, 'Deployment', n, o.metadata.name);
      if (!d) {
        pending.push(`Deployment/${o.metadata.name}`);
        continue;
      }
      const st = deploymentStatus(c, d, t, faults);
      const desired = d.spec.replicas ?? 1;
      const mu = (() => {
        const v = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
        const m = /^(\d+)%$/.exec(String(v));
        return m ? Math.floor((parseInt(m[1], 10) * desired) / 100) : Number(v);
      })();
      const newReady = st._newRS
        ? listObjects(c, 'Pod', n).filter(
            (pd) => pd.metadata.name.startsWith(st._newRS + '-') && pd._sim.deletionAt == null && podState(c, pd, t, faults).ready,
          ).length
        : 0;
      if (newReady < desired - mu || (st.updatedReplicas ?? 0) < desired) pending.push(`Deployment/${o.metadata.name}`);
    } else if (o.kind === 'StatefulSet') {
      const s = getObject(c, 'StatefulSet', n, o.metadata.name);
      if (!s) {
        pending.push(`StatefulSet/${o.metadata.name}`);
        continue;
      }
      const j = statefulSetJSON(c, s, t, faults);
      if ((j.status.readyReplicas ?? 0) < (s.spec.replicas ?? 1) || j.status.updatedReplicas < (s.spec.replicas ?? 1))
        pending.push(`StatefulSet/${o.metadata.name}`);
    } else if (o.kind === 'Pod') {
      const pd = getObject(c, 'Pod', n, o.metadata.name);
      if (!pd || !podState(c, pd, t, faults).ready) pending.push(`Pod/${o.metadata.name}`);
    }
  }
  return pending;
}

/** Poll (virtual 2 s like helm) until ready or the deadline. Returns true if ready. */
async function waitReady(ctx, p, objs, ns, deadline) {
  for (;;) {
    const pending = await onClusterNoFlaky(ctx, p, (c, state, _ns, now) => releaseReady(c, objs, ns, now, ctx.faults));
    if (!pending.length && !ctx.faults.has('helm-timeout')) return true;
    const now = ctx.clock.now();
    if (now >= deadline) return false;
    await ctx.clock.sleep(Math.min(2000, deadline - now));
  }
}
async function onClusterNoFlaky(ctx, p, fn) {
  return withState(ctx.stateDir, (state) => {
    const conn = connect(state, ctx, p.flags['kube-context'], { countApi: false });
    if (conn.kind !== 'ok') return fn({ objects: {}, graveyard: [], node: {}, events: [] }, state, '', ctx.clock.now());
    return fn(conn.cluster, state, p.flags.namespace ?? conn.namespace, conn.now);
  });
}

function hookRecords(docs) {
  return docs
    .filter((d) => d.hook)
    .map((d) => {
      const a = d.obj.metadata.annotations ?? {};
      return {
        name: d.obj.metadata.name,
        kind: d.obj.kind,
        path: d.source.replace(/^[^/]+\//, ''),
        manifest: d.text.replace(/^# Source: .*\n/, ''),
        obj: d.obj,
        events: String(a['helm.sh/hook'])
          .split(',')
          .map((s) => s.trim())
          .map((s) => (s === 'test-success' ? 'test' : s)),
        deletePolicies: a['helm.sh/hook-delete-policy']
          ? String(a['helm.sh/hook-delete-policy'])
              .split(',')
              .map((s) => s.trim())
          : [],
        lastRun: null,
      };
    });
}

/**
 * Server-side apply or not, as helm 4 decides (pkg/action/upgrade.go getUpgradeServerSideValue):
 * install defaults to true; upgrade and rollback default to "auto", the previous release's
 * apply_method ("ssa"). helm 3 always applies client-side (three-way merge).
 * @returns {{ force: boolean } | undefined}
 */
function serverSideApply(ctx, f, installing, previous) {
  if (!isHelm4(ctx.faults)) return undefined;
  const flag = f['server-side'];
  const on = installing
    ? flag !== false && flag !== 'false'
    : flag === 'true' || flag === true || ((flag === undefined || flag === 'auto') && previous?.applyMethod === 'ssa');
  return on ? { force: !!f['force-conflicts'] } : undefined;
}

async function upgrade(ctx, p, pos, cmd) {
  const f = p.flags;
  f.atomic = f.atomic || f['rollback-on-failure']; // helm 4 renamed it (pkg/cmd/upgrade.go)
  const atomicName = isHelm4(ctx.faults) ? 'rollback-on-failure' : 'atomic';
  if (cmd === 'install') {
    if (pos.length !== 2) argsErr(ctx, 'install', 2, '[NAME] [CHART]');
  } else if (pos.length !== 2) argsErr(ctx, 'upgrade', 2, '[RELEASE] [CHART]');
  const [name, chartArg] = pos;
  if (!RELEASE_NAME.test(name) || name.length > 53) {
    ctx.err(
      `Error: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53\n`,
    );
    return 1;
  }
  if (f['dry-run']) notImplemented(ctx, 'helm', `${cmd} --dry-run`);
  const chartDir = resolve(chartArg);
  if (!existsSync(chartDir)) {
    ctx.err(/^[./]/.test(chartArg) ? `Error: path "${chartArg}" not found\n` : `Error: repo ${chartArg.split('/')[0]} not found\n`);
    return 1;
  }
  const YAML = await yamlLib();
  // user values (helm reads them before talking to the cluster)
  let newVals;
  try {
    newVals = userValues(
      f,
      (path) => readFileSync(path, 'utf8'),
      (t) => YAML.parse(t),
    );
  } catch (e) {
    ctx.err(`Error: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  }
  const wait = f.wait || f.atomic;
  // phase 1: read the current release
  const cur = await onCluster(ctx, p, (c, state, ns) => {
    const hist = c.releases[key(ns, name)] ?? [];
    return { ns, hist: structuredClone(hist), k8s: c.k8sVersion, nsExists: !!getObject(c, 'Namespace', '', ns) };
  });
  const ns = cur.ns;
  const hist = cur.hist;
  const installing = cmd === 'install' || (f.install && hist.length === 0);
  if (cmd === 'install' && hist.length && !f.replace) {
    ctx.err(`Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n`);
    return 1;
  }
  const last = hist[hist.length - 1];
  if (!installing) {
    if (!hist.length) {
      ctx.err(`Error: UPGRADE FAILED: "${name}" has no deployed releases\n`);
      return 1;
    }
    if (/^pending-/.test(last.status)) {
      ctx.err('Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n');
      return 1;
    }
  }
  const current = [...hist].reverse().find((r) => r.status === 'deployed') ?? (last?.status === 'failed' ? last : null);
  if (!installing && !current) {
    ctx.err(`Error: UPGRADE FAILED: "${name}" has no deployed releases\n`);
    return 1;
  }
  if (cmd === 'upgrade' && installing) ctx.out(`Release "${name}" does not exist. Installing it now.\n`);
  // values for rendering
  let config = newVals;
  let reuseFile = null;
  const reuse = !installing && (f['reuse-values'] || f['reset-then-reuse-values']) && !f['reset-values'];
  if (reuse) config = coalesce(current.config ?? {}, newVals);
  if (reuse && current) {
    mkdirSync(join(ctx.stateDir, 'tmp'), { recursive: true });
    reuseFile = join(ctx.stateDir, 'tmp', `reuse-${process.pid}.yaml`);
    writeFileSync(
      reuseFile,
      YAML.stringify(f['reset-then-reuse-values'] ? (current.config ?? {}) : coalesce(current.defaults ?? {}, current.config ?? {})),
      { mode: 0o600 },
    );
  }
  let rendered;
  try {
    rendered = await render({
      stateDir: ctx.stateDir,
      release: name,
      namespace: ns,
      chartDir,
      valueArgs: valueArgs(p, reuseFile),
      isUpgrade: !installing,
      kubeVersion: cur.k8s,
    });
  } finally {
    if (reuseFile)
      try {
        unlinkSync(reuseFile);
      } catch {
        /* gone */
      }
  }
  if (!rendered.ok) {
    const msg = rendered.stderr.replace(/^Error: /, '');
    if (isActionError(msg))
      ctx.err(installing ? (cmd === 'install' ? `Error: INSTALLATION FAILED: ${msg}` : `Error: ${msg}`) : `Error: UPGRADE FAILED: ${msg}`);
    else ctx.err(rendered.stderr);
    return 1;
  }
  const objs = rendered.docs.filter((d) => !d.hook).map((d) => d.obj);
  const hooks = hookRecords(rendered.docs);
  const t0 = ctx.clock.now();
  // phase 2: record the pending revision and apply
  const applied = await onCluster(ctx, p, (c, state, _ns, now) => {
    if (!getObject(c, 'Namespace', '', ns)) {
      if (!(f['create-namespace'] && installing)) return { error: `create: failed to create: namespaces "${ns}" not found` };
      putObject(
        state,
        c,
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
          spec: { finalizers: ['kubernetes'] },
        },
        now,
      );
    }
    const list = (c.releases[key(ns, name)] ??= []);
    const revision = (list[list.length - 1]?.revision ?? 0) + 1;
    const rec = {
      name,
      namespace: ns,
      revision,
      status: installing ? 'pending-install' : 'pending-upgrade',
      description: installing ? 'Initial install underway' : 'Preparing upgrade',
      firstDeployed: installing ? now : (list[0]?.firstDeployed ?? now),
      lastDeployed: now,
      deleted: null,
      chart: rendered.chart,
      chartDir,
      config,
      defaults: rendered.defaults,
      manifest: rendered.manifest,
      notes: rendered.notes,
      hooks,
      objs,
    };
    const oldObjs = current?.objs;
    const serverSide = serverSideApply(ctx, f, installing, current);
    rec.applyMethod = serverSide ? 'ssa' : 'csa';
    const r = applyObjects(state, c, objs, {
      ns,
      now,
      faults: ctx.faults,
      release: { name, namespace: ns },
      oldObjs: installing ? undefined : oldObjs,
      serverSide,
    });
    if (r.error) {
      if (installing) {
        if (!list.length) delete c.releases[key(ns, name)];
      }
      rec.status = 'failed';
      rec.description = `${installing ? 'Release' : 'Upgrade'} "${name}" failed: ${r.error}`;
      if (!installing) list.push(rec);
      return { error: r.error, revision };
    }
    // objects dropped from the chart
    if (oldObjs)
      deleteObjects(
        state,
        c,
        oldObjs.filter((o) => !objs.some((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)),
        ns,
        now,
      );
    list.push(rec);
    return { revision };
  });
  if (applied.error) {
    if (installing) ctx.err(cmd === 'install' ? `Error: INSTALLATION FAILED: ${applied.error}\n` : `Error: ${applied.error}\n`);
    else ctx.err(`Error: UPGRADE FAILED: ${applied.error}\n`);
    return 1;
  }
  await ctx.clock.sleep(800);
  const ok = wait ? await waitReady(ctx, p, objs, ns, t0 + f.timeout) : true;
  const at = ctx.clock.now();
  if (ok) {
    const rec = await onClusterNoFlaky(ctx, p, (c) => {
      const list = c.releases[key(ns, name)];
      const r = list.find((x) => x.revision === applied.revision);
      r.status = 'deployed';
      r.description = installing ? 'Install complete' : 'Upgrade complete';
      for (const x of list) if (x !== r && x.status === 'deployed') x.status = 'superseded';
      if (list.length > (f['history-max'] || 1e9)) list.splice(0, list.length - f['history-max']);
      return structuredClone(r);
    });
    if (f.output === 'json') ctx.out(releaseJSON(rec) + '\n');
    else if (f.output === 'yaml') {
      const Y = await yamlLib();
      ctx.out(Y.stringify(JSON.parse(releaseJSON(rec))));
    } else {
      if (!installing) ctx.out(`Release "${name}" has been upgraded. Happy Helming!\n`);
      printRelease(ctx, rec, { showNotes: !f['hide-notes'] });
    }
    return 0;
  }
  // failure: timed out
  const reason = 'context deadline exceeded';
  if (f.atomic) {
    if (installing) {
      await onClusterNoFlaky(ctx, p, (c, state, _ns, now) => {
        const list = c.releases[key(ns, name)] ?? [];
        const r = list.find((x) => x.revision === applied.revision);
        deleteObjects(state, c, r?.objs ?? objs, ns, now);
        delete c.releases[key(ns, name)];
      });
      ctx.err(
        cmd === 'install'
          ? `Error: INSTALLATION FAILED: release ${name} failed, and has been uninstalled due to ${atomicName} being set: ${reason}\n`
          : `Error: release ${name} failed, and has been uninstalled due to ${atomicName} being set: ${reason}\n`,
      );
      return 1;
    }
    // roll back to the current deployed revision
    await onClusterNoFlaky(ctx, p, (c, state, _ns, now) => {
      const list = c.releases[key(ns, name)];
      const r = list.find((x) => x.revision === applied.revision);
      r.status = 'failed';
      r.description = `Upgrade "${name}" failed: ${reason}`;
      const prev =
        list
          .filter((x) => x.status === 'deployed' || x.status === 'superseded')
          .filter((x) => x.revision !== r.revision)
          .pop() ?? current;
      applyObjects(state, c, prev.objs, { ns, now, faults: ctx.faults, release: { name, namespace: ns }, oldObjs: r.objs });
      deleteObjects(
        state,
        c,
        r.objs.filter((o) => !prev.objs.some((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)),
        ns,
        now,
      );
      for (const x of list) if (x.status === 'deployed') x.status = 'superseded';
      list.push({
        ...structuredClone(prev),
        revision: r.revision + 1,
        status: 'deployed',
        description: `Rollback to ${prev.revision}`,
        lastDeployed: now,
      });
    });
    ctx.err(`Error: UPGRADE FAILED: release ${name} failed, and has been rolled back due to ${atomicName} being set: ${reason}\n`);
    return 1;
  }
  await onClusterNoFlaky(ctx, p, (c) => {
    const r = (c.releases[key(ns, name)] ?? []).find((x) => x.revision === applied.revision);
    if (r) {
      r.status = 'failed';
      r.description = `${installing ? 'Release' : 'Upgrade'} "${name}" failed: ${reason}`;
    }
  });
  ctx.err(
    installing
      ? cmd === 'install'
        ? `Error: INSTALLATION FAILED: ${reason}\n`
        : `Error: ${reason}\n`
      : `Error: UPGRADE FAILED: ${reason}\n`,
  );
  return 1;
}

function findRelease(c, ns, name, revision = 0) {
  const list = c.releases[key(ns, name)] ?? [];
  if (!list.length) return null;
  if (revision) return list.find((r) => r.revision === revision) ?? 'norev';
  return list[list.length - 1];
}

async function status(ctx, p, pos) {
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

async function list(ctx, p) {
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
/** gosuri/uitable as helm prints it: cells padded, separated by a tab, trailing spaces kept. */
function uitable(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('\t')).join('\n') + '\n';
}

async function history(ctx, p, pos) {
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

async function get(ctx, p, pos, cmd) {
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

async function rollback(ctx, p, pos) {
  if (pos.length < 1 || pos.length > 2) argsErr(ctx, 'rollback', 1, '<RELEASE> [REVISION]');
  const name = pos[0];
  const want = pos[1] !== undefined ? Number(pos[1]) : 0;
  if (pos[1] !== undefined && !/^\d+$/.test(pos[1])) {
    ctx.err(`Error: strconv.Atoi: parsing "${pos[1]}": invalid syntax\n`);
    return 1;
  }
  const t0 = ctx.clock.now();
  const res = await onCluster(ctx, p, (c, state, ns, now) => {
    const list = c.releases[key(ns, name)];
    if (!list?.length) return { error: 'Error: release: not found' };
    const curr = list[list.length - 1];
    if (/^pending-/.test(curr.status)) return { error: 'Error: another operation (install/upgrade/rollback) is in progress' };
    const target = want ? list.find((r) => r.revision === want) : list.filter((r) => r.revision < curr.revision).pop();
    if (!target) return { error: want ? `Error: release has no ${want} version` : 'Error: release has no previous version' };
    const serverSide = serverSideApply(ctx, p.flags, false, curr);
    const r = applyObjects(state, c, target.objs, {
      ns,
      now,
      faults: ctx.faults,
      release: { name, namespace: ns },
      oldObjs: curr.objs,
      serverSide,
    });
    if (r.error) return { error: `Error: ${r.error}` };
    deleteObjects(
      state,
      c,
      curr.objs.filter((o) => !target.objs.some((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)),
      ns,
      now,
    );
    const rec = {
      ...structuredClone(target),
      revision: curr.revision + 1,
      status: 'pending-rollback',
      description: `Rollback to ${target.revision}`,
      lastDeployed: now,
      applyMethod: serverSide ? 'ssa' : 'csa',
    };
    list.push(rec);
    return { ns, revision: rec.revision, objs: target.objs };
  });
  if (res.error) {
    ctx.err(res.error + '\n');
    return 1;
  }
  const ok = p.flags.wait ? await waitReady(ctx, p, res.objs, res.ns, t0 + p.flags.timeout) : true;
  await onClusterNoFlaky(ctx, p, (c) => {
    const list = c.releases[key(res.ns, name)];
    const r = list.find((x) => x.revision === res.revision);
    if (ok) {
      for (const x of list) if (x.status === 'deployed') x.status = 'superseded';
      r.status = 'deployed';
    } else {
      r.status = 'failed';
      r.description = `Rollback "${name}" failed: context deadline exceeded`;
    }
  });
  if (!ok) {
    ctx.err('Error: context deadline exceeded\n');
    return 1;
  }
  ctx.out('Rollback was a success! Happy Helming!\n');
  return 0;
}

async function uninstall(ctx, p, pos) {
  if (!pos.length) argsErr(ctx, 'uninstall', 1, 'RELEASE_NAME [...]');
  const t0 = ctx.clock.now();
  const out = [];
  for (const name of pos) {
    const res = await onCluster(ctx, p, (c, state, ns, now) => {
      const list = c.releases[key(ns, name)];
      if (!list?.length || list[list.length - 1].status === 'uninstalled') return { missing: true };
      const r = list[list.length - 1];
      deleteObjects(state, c, r.objs, ns, now);
      if (p.flags['keep-history']) {
        r.status = 'uninstalled';
        r.deleted = now;
        r.description = 'Uninstallation complete';
      } else delete c.releases[key(ns, name)];
      return { ns, objs: r.objs };
    });
    if (res.missing) {
      if (p.flags['ignore-not-found']) continue;
      ctx.err(`Error: uninstall: Release not loaded: ${name}: release: not found\n`);
      return 1;
    }
    if (p.flags.wait) {
      const deadline = t0 + p.flags.timeout;
      for (;;) {
        const left = await onClusterNoFlaky(
          ctx,
          p,
          (c) =>
            res.objs.filter((o) => getObject(c, o.kind, o.metadata.namespace ?? res.ns, o.metadata.name)).length +
            listObjects(c, 'Pod', res.ns).filter(
              (pd) => pd.metadata.labels?.['app.kubernetes.io/instance'] === name && pd._sim.deletionAt != null,
            ).length,
        );
        if (!left) break;
        if (ctx.clock.now() >= deadline) {
          ctx.err(`Error: uninstallation completed with 1 error(s): context deadline exceeded\n`);
          return 1;
        }
        await ctx.clock.sleep(1000);
      }
    }
    out.push(`release "${name}" uninstalled`);
  }
  ctx.out(out.map((l) => l + '\n').join(''));
  return 0;
}

async function test(ctx, p, pos) {
  if (pos.length !== 1) argsErr(ctx, 'test', 1, '[RELEASE]');
  const name = pos[0];
  const t0 = ctx.clock.now();
  const res = await onCluster(ctx, p, (c, state, ns, now) => {
    const r = findRelease(c, ns, name);
    if (!r) return { error: 'Error: release: not found' };
    const tests = r.hooks.filter((h) => h.events.includes('test') && h.kind === 'Pod');
    for (const h of tests) {
      const ex = getObject(c, 'Pod', ns, h.name);
      if (ex) {
        delete c.objects[`Pod|${ns}|${h.name}`];
        ex._sim.deletedAt = now;
        c.graveyard.push(ex);
      }
      const pod = createPod(state, c, {
        owner: null,
        template: { metadata: { ...h.obj.metadata, namespace: ns }, spec: h.obj.spec },
        name: h.name,
        t: now,
      });
      pod._sim.oneShot = { runFor: 1500 };
      pod._sim.component = 'test';
      h.lastRun = { started: now, completed: null, phase: 'Running' };
    }
    reconcile(state, c, now, ctx.faults);
    return { ns, tests: tests.map((h) => h.name) };
  });
  if (res.error) {
    ctx.err(res.error + '\n');
    return 1;
  }
  const deadline = t0 + p.flags.timeout;
  let failed = [];
  for (;;) {
    const st = await onClusterNoFlaky(ctx, p, (c, state, ns, now) =>
      res.tests.map((n) => {
        const pd = getObject(c, 'Pod', res.ns, n);
        return pd ? podState(c, pd, now, ctx.faults).phase : 'Gone';
      }),
    );
    if (st.every((x) => x === 'Succeeded' || x === 'Failed' || x === 'Gone')) {
      failed = res.tests.filter((n, i) => st[i] !== 'Succeeded');
      break;
    }
    if (ctx.clock.now() >= deadline) {
      ctx.err(`Error: timed out waiting for the condition\n`);
      return 1;
    }
    await ctx.clock.sleep(1000);
  }
  const rec = await onClusterNoFlaky(ctx, p, (c, state, ns, now) => {
    const r = findRelease(c, res.ns, name);
    for (const h of r.hooks) {
      if (!res.tests.includes(h.name)) continue;
      const ok = !failed.includes(h.name);
      h.lastRun = { started: h.lastRun?.started ?? t0, completed: now, phase: ok ? 'Succeeded' : 'Failed' };
      const pd = getObject(c, 'Pod', res.ns, h.name);
      if (pd && h.deletePolicies.includes(ok ? 'hook-succeeded' : 'hook-failed')) requestPodDeletion(state, c, pd, now, { force: true });
    }
    return structuredClone(r);
  });
  printRelease(ctx, rec);
  if (p.flags.logs) {
    const { podLogLines } = await import('../cluster/logs.mjs');
    for (const n of res.tests)
      ctx.out(
        `\nPOD LOGS: ${n}\n${podLogLines({ metadata: { name: n }, _sim: { component: 'test' } }, null, 0, failed.includes(n)).join('\n')}\n`,
      );
  }
  if (failed.length) {
    ctx.err(
      `Error: ${failed.length} error${failed.length > 1 ? 's' : ''} occurred:\n${failed.map((n) => `\t* pod ${n} failed`).join('\n')}\n\n`,
    );
    return 1;
  }
  return 0;
}

export { table, requestPodDeletion, readState };
