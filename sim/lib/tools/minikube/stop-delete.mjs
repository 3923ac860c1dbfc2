// @ts-check
// minikube stop and delete: the node's sandboxes stop (or the profile and its context go), and the
// NodePort server stops once no profile runs.
import { withState, readState } from '../../state.mjs';
import { nodeStopped } from '../../cluster/system.mjs';
import { reconcile } from '../../cluster/controllers.mjs';
import { stopServer } from '../../server-control.mjs';
import { notFoundText } from './host.mjs';

export async function stop(ctx, p, profile) {
  const state = readState(ctx.stateDir);
  const names = p.flags.all ? Object.keys(state.minikube.profiles) : [profile];
  if (!p.flags.all && !state.minikube.profiles[profile]) {
    ctx.out(notFoundText(profile));
    return 85;
  }
  let n = 0;
  for (const name of names) {
    const prof = state.minikube.profiles[name];
    const t0 = ctx.clock.now();
    ctx.out(`* Stopping node "${name}"  ...\n`);
    if (prof.status === 'Running' && !ctx.faults.has('docker-down')) {
      ctx.out(`* Powering off "${name}" via SSH ...\n`);
      await ctx.clock.sleep(7000);
    }
    const at = ctx.clock.now();
    await withState(ctx.stateDir, (s) => {
      const pr = s.minikube.profiles[name];
      if (!pr) return;
      const c = s.clusters[pr.cluster];
      if (pr.status === 'Running') {
        reconcile(s, c, at, ctx.faults, { allowDown: true });
        nodeStopped(s, c, at);
        pr.status = 'Stopped';
        pr.stoppedAt = at;
        s.truth.minikube.push({ profile: name, action: 'stop', startedAt: t0, completedAt: at, ok: true });
      }
    });
    n++;
  }
  ctx.out(`* ${n} node${n === 1 ? '' : 's'} stopped.\n`);
  await stopServerIfIdle(ctx);
  return 0;
}

async function stopServerIfIdle(ctx) {
  const s = readState(ctx.stateDir);
  if (!Object.values(s.minikube.profiles).some((pr) => /** @type {any} */ (pr).status === 'Running')) await stopServer(ctx);
}

export async function del(ctx, p, profile) {
  const state = readState(ctx.stateDir);
  const names = p.flags.all ? Object.keys(state.minikube.profiles) : [profile];
  if (!p.flags.all && !state.minikube.profiles[profile]) {
    ctx.out(`* "${profile}" profile does not exist, trying anyways.\n* Removed all traces of the "${profile}" cluster.\n`);
    return 0;
  }
  for (const name of names) {
    const t0 = ctx.clock.now();
    ctx.out(`* Deleting "${name}" in docker ...\n`);
    ctx.out(`* Deleting container "${name}" ...\n`);
    await ctx.clock.sleep(4000);
    ctx.out(`* Removing ${ctx.env.HOME ?? '/root'}/.minikube/machines/${name} ...\n`);
    const at = ctx.clock.now();
    await withState(ctx.stateDir, (s) => {
      const pr = s.minikube.profiles[name];
      if (!pr) return;
      delete s.clusters[pr.cluster];
      delete s.minikube.profiles[name];
      for (const [cn, c] of Object.entries(s.kubeconfig.contexts))
        if (/** @type {any} */ (c).cluster === pr.cluster) delete s.kubeconfig.contexts[cn];
      if (!s.kubeconfig.contexts[s.kubeconfig.current]) s.kubeconfig.current = '';
      s.truth.minikube.push({ profile: name, action: 'delete', startedAt: t0, completedAt: at, ok: true });
    });
    ctx.out(`* Removed all traces of the "${name}" cluster.\n`);
  }
  if (p.flags.all) ctx.out(`* Successfully deleted all profiles\n`);
  await stopServerIfIdle(ctx);
  return 0;
}
