// @ts-check
// minikube service --url: the NodePort URLs of a Service with a Ready pod behind it, where the node's
// IP is reachable from the host (minikube's own tunnel elsewhere is not modelled).
import { notImplemented } from '../../common.mjs';
import { getObject } from '../../model.mjs';
import { reconcile } from '../../cluster/controllers.mjs';
import { serviceReady } from '../../cluster/views.mjs';
import { nodeIpUnreachable } from '../../faults.mjs';
import { isKic, requireRunning } from './host.mjs';

export function service(ctx, p, pos, profile) {
  const name = pos[0];
  if (!name) {
    ctx.err(`\nX Exiting due to MK_USAGE: You must specify service name(s) or --all\n\n`);
    return 14;
  }
  const { state, prof } = requireRunning(ctx, profile);
  const ns = p.flags.namespace;
  const c = state.clusters[prof.cluster];
  const now = ctx.clock.now();
  reconcile(state, c, now, ctx.faults);
  const svc = getObject(c, 'Service', ns, name);
  if (!svc) {
    ctx.err(
      `\nX Exiting due to SVC_NOT_FOUND: Service '${name}' was not found in '${ns}' namespace.\nYou may select another namespace by using 'minikube service ${name} -n <namespace>'. Or list out all the services using 'minikube service list'\n\n`,
    );
    return 115;
  }
  const ports = (svc.spec.ports ?? []).filter((pt) => pt.nodePort);
  if (svc.spec.type !== 'NodePort' && svc.spec.type !== 'LoadBalancer') {
    ctx.err(
      `* service ${ns}/${name} has no node port\n! Services [${ns}/${name}] have type "ClusterIP" not meant to be exposed, however for local development minikube allows you to access this !\n`,
    );
    notImplemented(ctx, 'minikube', 'tunnelling a ClusterIP service (use kubectl port-forward)', 14);
  }
  if (!serviceReady(state, c, svc, now, ctx.faults)) {
    ctx.err(`\nX Exiting due to SVC_UNREACHABLE: service not available: no running pod for service ${name} found\n\n`);
    return 115;
  }
  if (!p.flags.url) notImplemented(ctx, 'minikube', 'service without --url (opens a browser)', 14);
  // With NeedsPortForward (pkg/minikube/driver/driver.go) minikube opens its own tunnel on 127.0.0.1
  // and blocks while it is up ("the terminal needs to be open to run it"): not modelled.
  if (nodeIpUnreachable(ctx.faults) && isKic(prof.driver))
    notImplemented(ctx, 'minikube', 'service --url through its own tunnel (the node IP is not reachable from this host)', 14);
  const scheme = p.flags.https ? 'https' : 'http';
  for (const pt of ports)
    ctx.out(
      p.flags.format.replace('http://', `${scheme}://`).replace('{{.IP}}', prof.nodeIP).replace('{{.Port}}', String(pt.nodePort)) + '\n',
    );
  return 0;
}
