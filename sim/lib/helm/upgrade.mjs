// @ts-check
// helm install and helm upgrade --install: values (--reuse-values, -f, --set), rendering with the
// real helm, hooks, client- or server-side apply, --wait, --atomic and the release record.
import { readFileSync, writeFileSync, unlinkSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getObject, putObject } from '../model.mjs';
import { render } from './render.mjs';
import { customApiVersions } from '../cluster/crds.mjs';
import { coalesce, userValues } from './values.mjs';
import { applyObjects, deleteObjects } from '../cluster/apply.mjs';
import { notImplemented } from '../common.mjs';
import { isHelm4 } from '../tools/helm.mjs';
import { argsErr, onCluster, yamlLib, onClusterNoFlaky } from './call.mjs';
import { RELEASE_NAME, key, releaseJSON, printRelease } from './records.mjs';
import { waitReady } from './wait.mjs';

/** Build the -f/--set args passed to the real helm, with --reuse-values' old values first. */
function valueArgs(p, reuseFile, cwd) {
  const out = [];
  if (reuseFile) out.push('-f', reuseFile);
  for (const f of p.flags.values) out.push('-f', resolve(cwd, f));
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
export function serverSideApply(ctx, f, installing, previous) {
  if (!isHelm4(ctx.faults)) return undefined;
  const flag = f['server-side'];
  const on = installing
    ? flag !== false && flag !== 'false'
    : flag === 'true' || flag === true || ((flag === undefined || flag === 'auto') && previous?.applyMethod === 'ssa');
  return on ? { force: !!f['force-conflicts'] } : undefined;
}

export async function upgrade(ctx, p, pos, cmd) {
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
  const chartDir = resolve(ctx.cwd, chartArg);
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
    return {
      ns,
      hist: structuredClone(hist),
      k8s: c.k8sVersion,
      nsExists: !!getObject(c, 'Namespace', '', ns),
      apiVersions: customApiVersions(c),
    };
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
      valueArgs: valueArgs(p, reuseFile, ctx.cwd),
      isUpgrade: !installing,
      kubeVersion: cur.k8s,
      apiVersions: cur.apiVersions,
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
