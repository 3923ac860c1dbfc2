// @ts-check
// kubectl port-forward: binds 127.0.0.1:<local> (and [::1]) in this process and answers like the
// target pod's app until killed; exits with "lost connection to pod" when the pod's sandbox goes
// away. A pod being deleted keeps its sandbox until its containers have stopped (finalizeAt):
// containerd's portForward (internal/cri/server/sandbox_portforward_linux.go) dials the app inside
// the sandbox's network namespace per connection and fails only once that namespace is closed.
// Meanwhile the app (SIGTERM: the demo's handleShutdown closes its listener and idle connections,
// then drains) finishes a request it had already received, and refuses any later one.
// A Service or Deployment is resolved to ONE pod when the command starts (AttachablePodForObjectFn
// in kubectl's pkg/polymorphichelpers: the most active pod first), so the forward dies with that pod
// even while the Service has others (client-go tools/portforward/portforward.go: forward() returns
// ErrLostConnectionToPod when the stream connection closes).
import { createServer as createNet } from 'node:net';
import { createServer as createHttp } from 'node:http';
import { readState } from './state.mjs';
import { getObject, listObjects } from './model.mjs';
import { podState } from './cluster/views.mjs';
import { isReadyAt } from './cluster/lifecycle.mjs';
import { handle } from './app.mjs';
import { klogPrefix } from './kube.mjs';
import { withCluster } from './tools/kubectl/with-cluster.mjs';
import { resolveRes } from './tools/kubectl/resources.mjs';
import { readClock } from './clock.mjs';

export async function kubectlPortForward(K) {
  const { ctx, p, pos } = K;
  if (pos.length < 2) {
    ctx.err("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n");
    return 1;
  }
  const addrs = p.flags.address.length ? p.flags.address.flatMap((a) => a.split(',')) : ['localhost'];
  const [tn, ...portSpecs] = pos;
  let kind = 'Pod';
  let name = tn;
  if (tn.includes('/')) {
    const r = resolveRes(tn.split('/')[0]);
    if (!r) {
      ctx.err(`error: the server doesn't have a resource type "${tn.split('/')[0]}"\n`);
      return 1;
    }
    kind = r.kind;
    name = tn.split('/')[1];
  }
  const specs = [];
  for (const s of portSpecs) {
    const m = /^(\d*):?(\d+)$/.exec(s);
    if (!m) {
      ctx.err(`error: Error parsing local port '${s.split(':')[0]}': strconv.ParseUint: parsing "${s.split(':')[0]}": invalid syntax\n`);
      return 1;
    }
    const parts = s.split(':');
    specs.push(
      parts.length === 1
        ? { local: Number(parts[0]), remote: Number(parts[0]) }
        : { local: parts[0] === '' ? 0 : Number(parts[0]), remote: Number(parts[1]) },
    );
  }
  const res = await withCluster(K, (c, state, ns, now) => {
    let pod;
    let mapped = specs;
    if (kind === 'Pod') pod = getObject(c, 'Pod', ns, name);
    else {
      const o = getObject(c, kind, ns, name);
      if (!o)
        return {
          err: `Error from server (NotFound): ${kind === 'Service' ? 'services' : kind.toLowerCase() + 's.apps'} "${name}" not found`,
        };
      const sel = kind === 'Service' ? o.spec.selector : o.spec.selector?.matchLabels;
      const pods = listObjects(c, 'Pod', ns).filter(
        (x) => x._sim.deletionAt == null && Object.entries(sel ?? {}).every(([k, v]) => x.metadata.labels?.[k] === v),
      );
      pods.sort(
        (a, b) =>
          Number(isReadyAt(c, b, now, ctx.faults)) - Number(isReadyAt(c, a, now, ctx.faults)) || a._sim.createdAt - b._sim.createdAt,
      );
      pod = pods[0];
      if (!pod) return { err: `error: unable to forward port because pod is not running. Current status=Pending`, none: true };
      if (kind === 'Service') {
        mapped = [];
        for (const s of specs) {
          const sp = (o.spec.ports ?? []).find((x) => x.port === s.remote);
          if (!sp) return { err: `error: Service ${name} does not have a service port ${s.remote}` };
          let tp = sp.targetPort ?? sp.port;
          if (typeof tp === 'string')
            tp = pod.spec.containers.flatMap((ct) => ct.ports ?? []).find((x) => x.name === tp)?.containerPort ?? sp.port;
          mapped.push({ local: s.local || 0, remote: tp });
        }
      }
    }
    if (!pod) return { err: `Error from server (NotFound): pods "${name}" not found` };
    const st = podState(c, pod, now, ctx.faults);
    if (st.phase !== 'Running') return { err: `error: unable to forward port because pod is not running. Current status=${st.phase}` };
    return { pod: pod.metadata.name, uid: pod.metadata.uid, component: pod._sim.component, ns, cluster: c.name, mapped };
  });
  if (res.err) {
    ctx.err(res.err + '\n');
    return 1;
  }
  const http = createHttp((req, res2) => {
    ctx.out(`Handling connection for ${req.socket.localPort}\n`);
    const st = readState(ctx.stateDir);
    const c = st.clusters[res.cluster];
    const pod = c && getObject(c, 'Pod', res.ns, res.pod);
    if (!pod || pod.metadata.uid !== res.uid) {
      res2.destroy();
      return;
    }
    // The tool's own clock is fixed at its start; a server reads the shared one.
    const now = readClock(ctx.stateDir).now();
    if (pod._sim.deletionAt != null && pod._sim.deletionAt <= now) {
      const m = res.mapped[0];
      ctx.err(
        `${klogPrefix(now)} portforward.go:424] "Unhandled Error" err="an error occurred forwarding ${m.local} -> ${m.remote}: error forwarding port ${m.remote} to pod ${res.uid}, uid : failed to execute portforward in network namespace: failed to connect to localhost:${m.remote} inside namespace, IPv4: dial tcp4 127.0.0.1:${m.remote}: connect: connection refused IPv6 dial tcp6 [::1]:${m.remote}: connect: connection refused "\n`,
      );
      res2.destroy();
      return;
    }
    handle(req, res2, { stateDir: ctx.stateDir, cluster: res.cluster, ns: res.ns, component: res.component, pod: res.pod }).catch(() =>
      res2.destroy(),
    );
  });
  const servers = [];
  // Its connections end with the forward, as they do when its process exits (a call server
  // outlives the call: closing the listeners alone would leave kept-alive connections answering).
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set();
  for (const m of res.mapped) {
    for (const a of addrs) {
      const hosts = a === 'localhost' ? ['127.0.0.1', '::1'] : [a];
      for (const h of hosts) {
        const srv = createNet((sock) => {
          open.add(sock);
          sock.on('close', () => open.delete(sock));
          http.emit('connection', sock);
        });
        const port = await new Promise((resolve) => {
          srv.once('error', () => resolve(-1));
          srv.listen(m.local, h, () => resolve(/** @type {any} */ (srv.address()).port));
        });
        if (port < 0) {
          if (h === '::1') continue;
          ctx.err(
            `Unable to listen on port ${m.local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 ${h}:${m.local}: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{${m.local} ${m.remote}}]\n`,
          );
          for (const s of servers) s.close();
          return 1;
        }
        if (!m.local) m.local = port;
        servers.push(srv);
        ctx.out(`Forwarding from ${h === '::1' ? '[::1]' : h}:${port} -> ${m.remote}\n`);
      }
    }
  }
  // serve until killed, or until the pod goes away; a server does not hold the clock still
  ctx.clock.passive();
  return await new Promise((resolve) => {
    const stop = (code) => {
      clearInterval(timer);
      for (const s of servers) s.close();
      http.close();
      for (const sock of open) sock.destroy();
      resolve(code);
    };
    const timer = setInterval(() => {
      try {
        const st = readState(ctx.stateDir);
        const c = st.clusters[res.cluster];
        const pod = c && getObject(c, 'Pod', res.ns, res.pod);
        const gone =
          !c ||
          !c.up ||
          !pod ||
          pod.metadata.uid !== res.uid ||
          (pod._sim.finalizeAt != null && pod._sim.finalizeAt <= readClock(ctx.stateDir).now());
        if (gone) {
          ctx.err(
            `${klogPrefix(readClock(ctx.stateDir).now())} portforward.go:413] "Unhandled Error" err="an error occurred forwarding ${res.mapped[0].local} -> ${res.mapped[0].remote}: error forwarding port ${res.mapped[0].remote} to pod ${res.uid}, uid : network namespace for sandbox is closed"\nerror: lost connection to pod\n`,
          );
          // like a signal: a passive server ends here, not in the shared clock's end-of-call step
          ctx.record(1);
          stop(1);
          ctx.exitNow(1);
        }
      } catch {
        stop(1);
      }
    }, 200);
    // kubectl handles only os.Interrupt: Ctrl-C closes its stop channel and ForwardPorts returns nil,
    // so it exits 0 (RunPortForwardContext, pkg/cmd/portforward/portforward.go; forward() in
    // client-go tools/portforward/portforward.go). SIGTERM is not caught: the process dies of it.
    const onSig = (sig) => {
      const code = sig === 'SIGINT' ? 0 : 143;
      ctx.record(code);
      stop(code);
      ctx.exitNow(code);
    };
    ctx.onSignal(onSig);
  });
}
