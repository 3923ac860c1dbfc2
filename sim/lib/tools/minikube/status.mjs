// @ts-check
// minikube status (text and JSON, the exit-code bitmask, `null` with exit 7 when the host cannot be
// read) and minikube ip.
import { readState } from '../../state.mjs';
import { goJSON } from '../../util.mjs';
import { notFoundText, cloudEvent, hostState, statusUnreadable, requireRunning } from './host.mjs';

export function status(ctx, p, profile) {
  const state = readState(ctx.stateDir);
  const prof = state.minikube.profiles[profile];
  const o = p.flags.output;
  if (o !== 'text' && o !== 'json') {
    ctx.err(`\nX Exiting due to MK_USAGE: invalid output format: ${o}. Valid values: 'text', 'json'\n\n`);
    return 14;
  }
  if (!prof) {
    if (o === 'json') {
      ctx.out(cloudEvent(`Profile "${profile}" not found. Run "minikube profile list" to view all profiles.`));
      ctx.out(cloudEvent(`To start a cluster, run: "minikube start${profile === 'minikube' ? '' : ' -p ' + profile}"`));
    } else ctx.out(notFoundText(profile));
    return 85;
  }
  if (statusUnreadable(ctx, prof)) {
    if (o === 'json') ctx.out('null');
    return 7;
  }
  const host = hostState(ctx, prof);
  const st =
    host === 'Running'
      ? { Name: profile, Host: 'Running', Kubelet: 'Running', APIServer: 'Running', Kubeconfig: 'Configured', Worker: false }
      : { Name: profile, Host: host, Kubelet: host, APIServer: host, Kubeconfig: host, Worker: false };
  if (host === 'Running' && state.kubeconfig.contexts[profile] === undefined) st.Kubeconfig = 'Misconfigured';
  if (p.flags.format) {
    const txt = p.flags.format.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k) => String(st[k] ?? ''));
    ctx.out(txt);
  } else if (o === 'json') ctx.out(goJSON(st));
  else
    ctx.out(
      `${profile}\ntype: Control Plane\nhost: ${st.Host}\nkubelet: ${st.Kubelet}\napiserver: ${st.APIServer}\nkubeconfig: ${st.Kubeconfig}\n\n`,
    );
  let code = 0;
  if (st.Host !== 'Running') code |= 1;
  if (st.APIServer !== 'Running' || st.Kubelet !== 'Running') code |= 2;
  if (st.Kubeconfig !== 'Configured') code |= 4;
  return code;
}

export function ip(ctx, profile) {
  const { prof } = requireRunning(ctx, profile);
  ctx.out(`${prof.nodeIP}\n`);
  return 0;
}
