// @ts-check
// metrics-server: kubectl top and the raw metrics.k8s.io API. Values are deterministic but plausible.
import { getObject, listObjects, K8S_VERSION } from '../model.mjs';
import { podState, deploymentStatus } from './views.mjs';
import { runTimes, mainContainer } from './lifecycle.mjs';
import { spread, table, rfc3339, memBytes, selectorPredicate } from '../util.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';

const BASE = {
  frontend: [2, 6, 55, 85],
  backend: [3, 9, 48, 72],
  mcp: [1, 4, 32, 50],
  postgresql: [4, 12, 24, 46],
  'kube-dns': [2, 4, 14, 20],
  'metrics-server': [3, 6, 18, 26],
  etcd: [18, 30, 40, 60],
  'kube-apiserver': [35, 60, 230, 280],
  'kube-controller-manager': [12, 20, 45, 55],
  'kube-scheduler': [2, 4, 20, 26],
  'kube-proxy': [1, 2, 14, 18],
  'storage-provisioner': [1, 2, 8, 12],
};

/** Is the metrics API usable at t? 'absent' | 'unavailable' | 'warming' | 'ok' */
export function metricsApi(c, t, faults) {
  if (faults.has('no-metrics') || c.foreign) return 'absent';
  const d = getObject(c, 'Deployment', 'kube-system', 'metrics-server');
  if (!d) return 'absent';
  const pods = listObjects(c, 'Pod', 'kube-system').filter(
    (p) => p.metadata.labels?.['k8s-app'] === 'metrics-server' && p._sim.deletionAt == null,
  );
  const ready = pods.map((p) => ({ p, st: podState(c, p, t, faults) })).filter((x) => x.st.ready);
  if (!ready.length) return 'unavailable';
  const since = Math.min(...ready.map((x) => Date.parse(x.st.conditions.find((cd) => cd.type === 'Ready').lastTransitionTime)));
  return t - since < 15000 ? 'warming' : 'ok';
}

/** Usage of a pod's containers at t, or null if not scraped yet. */
export function podUsage(c, pod, t, faults) {
  const st = podState(c, pod, t, faults);
  const idx = pod._sim.runs.length - 1;
  const tm = idx >= 0 ? runTimes(pod, idx, faults) : null;
  if (!tm || !st.containerStatuses.some((cs) => cs.state.running) || t - tm.startedAt < 20000) return null;
  const comp = pod._sim.component;
  const [c0, c1, m0, m1] = BASE[comp] ?? [1, 5, 20, 40];
  const bucket = Math.floor(t / 60000);
  return pod.spec.containers.map((ct) => {
    let cpuN = Math.round(spread(`${pod.metadata.name}:${bucket}:cpu`, c0, c1) * 1e6);
    let memKi = Math.round(spread(`${pod.metadata.name}:${bucket}:mem`, m0, m1) * 1024);
    if (!pod._sim.system && faults.forComponent('oom', comp)) {
      const lim = memBytes(ct.resources?.limits?.memory) || 512 * 1048576;
      memKi = Math.round((lim / 1024) * spread(`${pod.metadata.name}:${bucket}:oom`, 0.95, 0.99));
      cpuN = Math.round(cpuN * 3);
    }
    return { name: ct.name, cpuN, memKi };
  });
}

const miB = (ki) => `${Math.round(ki / 1024)}Mi`;
const milli = (n) => `${Math.round(n / 1e6)}m`;

export async function kubectlTop(K) {
  const { ctx, p, pos, cmd } = K;
  const f = p.flags;
  const nodes = cmd === 'top node';
  const sel = selectorPredicate(f.selector);
  const res = await withCluster(K, (c, state, ns, now) => {
    const api = metricsApi(c, now, ctx.faults);
    if (api === 'absent' || api === 'unavailable') return { err: 'error: Metrics API not available' };
    if (api === 'warming') return { err: 'error: metrics not available yet' };
    if (nodes) {
      const pods = listObjects(c, 'Pod')
        .map((pd) => podUsage(c, pd, now, ctx.faults))
        .filter(Boolean)
        .flat();
      const cpu = pods.reduce((a, x) => a + x.cpuN, 0) + 80e6;
      const mem = pods.reduce((a, x) => a + x.memKi, 0) + 350 * 1024;
      return {
        rows: [
          [
            c.node.name,
            milli(cpu),
            `${Math.round((cpu / 1e6 / c.node.cpu) * 100)}%`,
            miB(mem),
            `${Math.round((mem / 1024 / c.node.memMi) * 100)}%`,
          ],
        ],
        head: ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'],
      };
    }
    const all = f['all-namespaces'];
    let list = listObjects(c, 'Pod', all ? undefined : ns).filter((pd) => sel(pd.metadata.labels ?? {}));
    if (pos.length > 1) list = list.filter((pd) => pd.metadata.name === pos[1]);
    if (!list.length)
      return {
        none: pos.length > 1 ? `Error from server (NotFound): pods "${pos[1]}" not found` : `No resources found in ${ns} namespace.`,
      };
    const rows = [];
    for (const pd of list) {
      const u = podUsage(c, pd, now, ctx.faults);
      if (!u) continue;
      if (f.containers)
        for (const x of u) rows.push([...(all ? [pd.metadata.namespace] : []), pd.metadata.name, x.name, milli(x.cpuN), miB(x.memKi)]);
      else
        rows.push([
          ...(all ? [pd.metadata.namespace] : []),
          pd.metadata.name,
          milli(u.reduce((a, x) => a + x.cpuN, 0)),
          miB(u.reduce((a, x) => a + x.memKi, 0)),
        ]);
    }
    if (!rows.length) return { err: 'error: metrics not available yet' };
    return { rows, head: [...(all ? ['NAMESPACE'] : []), 'NAME', ...(f.containers ? ['NAME'] : []), 'CPU(cores)', 'MEMORY(bytes)'] };
  });
  if (res.err) {
    ctx.err(res.err + '\n');
    return 1;
  }
  if (res.none) {
    ctx.err(res.none + '\n');
    return res.none.startsWith('Error') ? 1 : 0;
  }
  ctx.out(table(f['no-headers'] ? res.rows : [res.head, ...res.rows], { minwidth: 6, padding: 3, padLast: true }));
  return 0;
}

/** kubectl get --raw <path> */
export async function kubectlRaw(K) {
  const { ctx, p } = K;
  const path = p.flags.raw;
  const res = await withCluster(K, (c, state, ns, now) => {
    if (/^\/(readyz|livez|healthz)(\?.*)?$/.test(path)) return { body: 'ok' };
    if (path === '/version')
      return {
        body: JSON.stringify(
          {
            major: '1',
            minor: '34',
            emulationMajor: '1',
            emulationMinor: '34',
            minCompatibilityMajor: '1',
            minCompatibilityMinor: '33',
            gitVersion: K8S_VERSION,
            gitCommit: 'f28b4c9efbca5c5c0af716d9f2d5702667ee8a45',
            gitTreeState: 'clean',
            buildDate: '2025-08-27T10:09:09Z',
            goVersion: 'go1.24.6',
            compiler: 'gc',
            platform: 'linux/amd64',
          },
          null,
          2,
        ),
      };
    const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(pods|nodes)(?:\/([^/?]+))?$/.exec(path);
    if (!m) return { err: 'Error from server (NotFound): the server could not find the requested resource' };
    const api = metricsApi(c, now, ctx.faults);
    if (api === 'absent') return { err: 'Error from server (NotFound): the server could not find the requested resource' };
    if (api === 'unavailable')
      return { err: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request' };
    const [, nsx, kind, name] = m;
    if (kind === 'nodes') {
      const items =
        api === 'warming'
          ? []
          : [
              {
                metadata: { name: c.node.name, creationTimestamp: rfc3339(now), labels: {} },
                timestamp: rfc3339(now - 15000),
                window: '1m0.158s',
                usage: {
                  cpu: `${Math.round(spread(`${now}`, 180, 420))}000000n`,
                  memory: `${Math.round(spread(`${now}m`, 900, 1400)) * 1024}Ki`,
                },
              },
            ];
      return { body: JSON.stringify({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }) };
    }
    const pods = listObjects(c, 'Pod', nsx).filter((pd) => !name || pd.metadata.name === name);
    const items = [];
    for (const pd of pods) {
      const u = api === 'warming' ? null : podUsage(c, pd, now, ctx.faults);
      if (!u) continue;
      items.push({
        metadata: {
          name: pd.metadata.name,
          namespace: pd.metadata.namespace,
          creationTimestamp: rfc3339(now),
          labels: pd.metadata.labels ?? {},
        },
        timestamp: rfc3339(Math.floor(now / 60000) * 60000),
        window: `${(spread(pd.metadata.name, 10, 20)).toFixed(3)}s`,
        containers: u.map((x) => ({ name: x.name, usage: { cpu: `${x.cpuN}n`, memory: `${x.memKi}Ki` } })),
      });
    }
    if (name)
      return items.length
        ? { body: JSON.stringify({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0] }) }
        : { err: `Error from server (NotFound): podmetrics.metrics.k8s.io "${nsx}/${name}" not found` };
    return { body: JSON.stringify({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }) };
  });
  if (res.err) {
    ctx.err(res.err + '\n');
    return 1;
  }
  ctx.out(res.body + '\n');
  return 0;
}
void deploymentStatus;
void mainContainer;
