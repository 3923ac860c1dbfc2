// Runbook 07: teardown. Uninstalls the release, then (asking first, because the database goes with
// them) the volume claims and the namespace, and optionally the whole minikube cluster. Idempotent:
// whatever is already gone counts as removed, and a second run says there was nothing left.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { guardContext } from '../cluster/guard.ts';
import { releaseSelector } from '../cluster/labels.ts';
import { CommandFailed, attempt, lastLine } from '../errors.ts';
import { unreadableStatusText } from '../tools/minikube.ts';
import { clusterKind, clusterStatus, refuseOnOtherCluster } from '../cluster/cluster-kind.ts';

/** Namespaces Kubernetes itself needs: never deleted, whatever --namespace says. */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

interface Inventory {
  /** The minikube profile exists (running or not). */
  clusterExists: boolean;
  clusterRunning: boolean;
  release: boolean;
  namespace: boolean;
  pvcs: string[];
}

async function takeInventory(ctx: RunbookContext): Promise<Inventory> {
  const { helm, kubectl } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const status = await clusterStatus(ctx);
  const inventory: Inventory = { clusterExists: status.exists, clusterRunning: status.running, release: false, namespace: false, pvcs: [] };
  if (status.running) {
    inventory.release = (await helm.status(release, namespace)) !== undefined;
    inventory.namespace = (await kubectl.get('namespace', namespace)) !== undefined;
    if (inventory.namespace) inventory.pvcs = (await kubectl.list('pvc', namespace)).map((p) => p.metadata.name);
  }
  const what = !status.exists
    ? `no minikube profile "${ctx.settings.profile}"`
    : status.unreadable
      ? unreadableStatusText(ctx.settings.profile).what
      : !status.running
        ? `cluster ${status.host.toLowerCase()}`
        : `release ${inventory.release ? 'installed' : 'absent'}, namespace ${inventory.namespace ? 'present' : 'absent'}, ${inventory.pvcs.length} volume claim(s)`;
  ctx.fact('before teardown', what);
  ctx.note(`found: ${what}`);
  return inventory;
}

async function uninstallRelease(ctx: RunbookContext, inventory: Inventory, removed: string[]): Promise<void> {
  const { release, namespace, timeoutMs } = ctx.settings;
  if (!inventory.release) {
    ctx.note(`release ${release} is not installed: nothing to uninstall`);
    return;
  }
  const result = await attempt(ctx.tools.helm.uninstall(release, namespace, timeoutMs));
  if (!result.ok) {
    ctx.evidence('helm uninstall output', result.error.stderr);
    ctx.require({
      id: 'TEARDOWN-UNINSTALL',
      title: `helm uninstall ${release}`,
      expected: 'uninstalled, or already gone',
      measured: `exit ${result.error.exitCode}: ${result.error.reason}`,
      pass: false,
      remedy: result.error.remedy,
    });
    return;
  }
  // Gone between the inventory and now (another terminal) counts as uninstalled too.
  if (result.value.existed) removed.push(`release ${release}`);
  else ctx.note(`release ${release} was already gone`);
}

async function deleteData(ctx: RunbookContext, inventory: Inventory, removed: string[]): Promise<boolean> {
  const { release, namespace, timeoutMs } = ctx.settings;
  if (!inventory.namespace) {
    ctx.note(`namespace ${namespace} does not exist: nothing to delete`);
    return true;
  }
  if (ctx.flag('keep-data') === true) {
    ctx.note(`--keep-data: namespace ${namespace} and its ${inventory.pvcs.length} volume claim(s) are kept`);
    return false;
  }
  const claims = inventory.pvcs.length ? ` and its ${inventory.pvcs.length} volume claim(s) (${inventory.pvcs.join(', ')})` : '';
  const go = await ctx.confirm(
    `Delete namespace ${namespace}${claims}? The PostgreSQL data — every todo and conversation — is deleted with them and cannot be recovered.`,
    { default: false, whenNonInteractive: true },
  );
  if (!go) {
    ctx.note(`kept namespace ${namespace}${claims} at your request`);
    return false;
  }
  if (inventory.pvcs.length) {
    // Not fatal: deleting the namespace below removes the claims too.
    await ctx.tools.kubectl.deletePvcs(releaseSelector(release), namespace).catch((error: unknown) => {
      if (!(error instanceof CommandFailed)) throw error;
      ctx.note(
        `deleting the release's volume claims by label failed (${lastLine(error.stderr)}); deleting the namespace removes them too`,
        'warn',
      );
    });
  }
  if (SYSTEM_NAMESPACES.has(namespace)) {
    ctx.note(`namespace ${namespace} belongs to Kubernetes and is never deleted; only the release's volume claims were`, 'warn');
  } else {
    // Deleted by someone else in the meantime counts as deleted (the wrapper says existed: false).
    try {
      await ctx.tools.kubectl.deleteNamespace(namespace, timeoutMs);
    } catch (error) {
      if (!(error instanceof CommandFailed)) throw error;
      ctx.evidence('kubectl delete namespace output', error.stderr);
      ctx.require({
        id: 'TEARDOWN-NAMESPACE',
        title: `namespace ${namespace} deleted`,
        expected: 'gone',
        measured: `exit ${error.exitCode}: ${lastLine(error.stderr)}`,
        pass: false,
        remedy: error.remedy,
      });
    }
    removed.push(`namespace ${namespace}`);
  }
  if (inventory.pvcs.length) removed.push(`${inventory.pvcs.length} volume claim(s) with the database data`);
  return true;
}

async function deleteCluster(ctx: RunbookContext, inventory: Inventory, removed: string[]): Promise<boolean> {
  const { profile } = ctx.settings;
  if (!inventory.clusterExists || !(await clusterKind(ctx)).minikube) return false;
  const wanted =
    ctx.flag('delete-cluster') === true ||
    (await ctx.confirm(`Also delete the whole minikube cluster "${profile}" (every namespace in it and every image loaded into it)?`, {
      default: false,
      whenNonInteractive: false,
    }));
  if (!wanted) {
    ctx.note(`the minikube cluster "${profile}" is kept (--delete-cluster deletes it)`);
    return false;
  }
  const r = await attempt(ctx.tools.minikube.delete(Math.max(ctx.settings.timeoutMs, 300_000)));
  if (!r.ok) {
    ctx.evidence('minikube delete output', r.error.stderr);
    ctx.require({
      id: 'TEARDOWN-CLUSTER',
      title: `minikube cluster "${profile}" deleted`,
      expected: 'gone',
      measured: r.error.reason || `exit ${r.error.exitCode}`,
      pass: false,
      remedy: r.error.remedy,
    });
  }
  removed.push(`minikube cluster "${profile}"`);
  return true;
}

/** The checks that prove the teardown: asked of the cluster, not inferred from what was run. */
async function prove(ctx: RunbookContext, outcome: { dataDeleted: boolean; clusterDeleted: boolean }): Promise<void> {
  const { release, namespace, profile } = ctx.settings;
  const status = await clusterStatus(ctx);
  if (outcome.clusterDeleted) {
    ctx.check({
      id: 'TEARDOWN-CLUSTER',
      title: `minikube cluster "${profile}" deleted`,
      expected: 'no such profile',
      measured: status.exists ? `still there (host ${status.host})` : 'no such profile',
      pass: !status.exists,
      remedy: `minikube delete -p ${profile}`,
    });
  }
  if (!status.running) {
    const why = status.unreadable
      ? unreadableStatusText(profile).what
      : status.exists
        ? `the cluster is ${status.host.toLowerCase()}`
        : 'the cluster does not exist';
    for (const [id, title] of [
      ['TEARDOWN-RELEASE', `no release ${release}`],
      ['TEARDOWN-NAMESPACE', `no namespace ${namespace}`],
      ['TEARDOWN-PVC', `no volume claim in ${namespace}`],
    ] as const) {
      ctx.check({
        id,
        title,
        expected: 'none left',
        measured: status.exists ? `not checked: ${why}` : `none: ${why}`,
        pass: status.exists ? 'skip' : 'pass',
        remedy: status.unreadable
          ? `${unreadableStatusText(profile).remedy}, then run this runbook again`
          : `minikube start -p ${profile}, then run this runbook again`,
      });
    }
    return;
  }
  const releases = (await ctx.tools.helm.list(namespace)).filter((r) => r.name === release);
  ctx.check({
    id: 'TEARDOWN-RELEASE',
    title: `no release ${release}`,
    expected: `helm list -n ${namespace} shows no ${release}`,
    measured: releases.length ? `still listed: ${releases.map((r) => `${r.name} (${r.status})`).join(', ')}` : 'not listed',
    pass: releases.length === 0,
    remedy: `helm uninstall ${release} -n ${namespace} --kube-context ${ctx.tools.kubectl.context}`,
  });
  const ns = await ctx.tools.kubectl.get('namespace', namespace);
  const pvcs = ns ? await ctx.tools.kubectl.list('pvc', namespace) : [];
  const kept = !outcome.dataDeleted;
  ctx.check({
    id: 'TEARDOWN-NAMESPACE',
    title: `no namespace ${namespace}`,
    expected: 'gone',
    measured: ns ? `still there${ns.status?.phase ? ` (${ns.status.phase})` : ''}${kept ? ', kept at your request' : ''}` : 'gone',
    pass: !ns ? 'pass' : kept || SYSTEM_NAMESPACES.has(namespace) ? 'skip' : 'fail',
    remedy: `kubectl delete namespace ${namespace} --context ${ctx.tools.kubectl.context}, or run again without --keep-data`,
  });
  ctx.check({
    id: 'TEARDOWN-PVC',
    title: `no volume claim in ${namespace}`,
    expected: 'none left',
    measured: pvcs.length
      ? `${pvcs.length} left: ${pvcs.map((p) => p.metadata.name).join(', ')}${kept ? ' (kept at your request)' : ''}`
      : 'none',
    pass: pvcs.length === 0 ? 'pass' : kept ? 'skip' : 'fail',
    remedy: `kubectl delete pvc --all -n ${namespace} --context ${ctx.tools.kubectl.context} (the database data goes with them)`,
  });
}

export const teardown: RunbookDefinition = {
  id: '07-teardown',
  title: '07 · Teardown: release, namespace and data, optionally the cluster',
  summary:
    'Uninstalls the Helm release, deletes the namespace and its volume claims (asking first: the database goes with them), and with --delete-cluster the minikube cluster too. Safe to run again.',
  flags: [
    {
      name: 'delete-cluster',
      type: 'boolean',
      description: 'also delete the minikube cluster (otherwise asked interactively, default no)',
    },
    {
      name: 'keep-data',
      type: 'boolean',
      description: 'uninstall the release only; keep the namespace and the volume claims with the database',
    },
  ],
  async run(ctx) {
    if (ctx.flag('delete-cluster') === true)
      await refuseOnOtherCluster(
        ctx,
        '--delete-cluster',
        'run 07 without --delete-cluster: it removes the release, namespace and claims there; delete that cluster with its own tools',
      );
    await ctx.step('Guard the kube-context', 'nothing may be deleted in a cluster other than the minikube profile', () =>
      guardContext(ctx),
    );
    const inventory = await ctx.step('Look at what is there', 'only what exists is removed; the rest counts as done', () =>
      takeInventory(ctx),
    );
    const removed: string[] = [];
    let dataDeleted = false;
    if (inventory.clusterRunning) {
      await ctx.step('Uninstall the release', 'helm removes every object it created (volume claims of a StatefulSet stay)', () =>
        uninstallRelease(ctx, inventory, removed),
      );
      dataDeleted = await ctx.step(
        'Delete the volume claims and the namespace',
        'the database lives on the volume claims, which helm leaves behind',
        () => deleteData(ctx, inventory, removed),
      );
    } else if (inventory.clusterExists && ctx.flag('delete-cluster') !== true) {
      // A stopped cluster cannot be asked to uninstall anything.
      ctx.require({
        id: 'TEARDOWN-CLUSTER-RUNNING',
        title: 'cluster reachable for the uninstall',
        expected: 'running',
        measured: 'the cluster is not running',
        pass: false,
        remedy: `start it (minikube start -p ${ctx.settings.profile}) and run this again, or delete the cluster with everything in it: npx zx runbooks/07-teardown.mjs --delete-cluster`,
      });
    }
    const clusterDeleted = await ctx.step('Delete the minikube cluster (optional)', 'only with --delete-cluster or when you say yes', () =>
      deleteCluster(ctx, inventory, removed),
    );
    await ctx.step('Check that nothing is left', 'asks the cluster, rather than trusting the commands above', () =>
      prove(ctx, { dataDeleted: dataDeleted || clusterDeleted, clusterDeleted }),
    );
    ctx.fact('removed', removed.length ? removed.join('; ') : 'nothing');
    ctx.note(removed.length ? `Removed: ${removed.join('; ')}.` : 'Nothing was left to remove: no release, no namespace, no volume claim.');
  },
};
