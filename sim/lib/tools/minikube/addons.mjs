// @ts-check
// minikube addons enable/disable/list: the addon names minikube v1.37.0 knows, and metrics-server,
// the one addon the simulator deploys.
import { notImplemented } from '../../common.mjs';
import { withState, readState } from '../../state.mjs';
import { METRICS_SERVER_IMAGE, addMetricsImage } from '../../model.mjs';
import { enableMetricsServer, disableMetricsServer } from '../../cluster/system.mjs';
import { reconcile } from '../../cluster/controllers.mjs';
import { goJSON } from '../../util.mjs';
import { notFoundText } from './host.mjs';

export const ADDONS = [
  'ambassador',
  'amd-gpu-device-plugin',
  'auto-pause',
  'cloud-spanner',
  'csi-hostpath-driver',
  'dashboard',
  'default-storageclass',
  'efk',
  'freshpod',
  'gcp-auth',
  'gvisor',
  'headlamp',
  'inaccel',
  'ingress',
  'ingress-dns',
  'inspektor-gadget',
  'istio',
  'istio-provisioner',
  'kong',
  'kubeflow',
  'kubetail',
  'kubevirt',
  'logviewer',
  'metallb',
  'metrics-server',
  'nvidia-device-plugin',
  'nvidia-driver-installer',
  'nvidia-gpu-device-plugin',
  'olm',
  'pod-security-policy',
  'portainer',
  'registry',
  'registry-aliases',
  'registry-creds',
  'storage-provisioner',
  'storage-provisioner-gluster',
  'storage-provisioner-rancher',
  'volcano',
  'volumesnapshots',
  'yakd',
];

export async function addonsToggle(ctx, enable, pos, profile) {
  const name = pos[0];
  if (!name) {
    ctx.err(`\nX Exiting due to MK_USAGE: usage: minikube addons ${enable ? 'enable' : 'disable'} ADDON_NAME\n\n`);
    return 14;
  }
  const state = readState(ctx.stateDir);
  if (!state.minikube.profiles[profile]) {
    ctx.out(notFoundText(profile));
    return 85;
  }
  if (!ADDONS.includes(name)) {
    ctx.err(`\nX Exiting due to MK_ADDON_ENABLE: Enable addon ${name}: run callbacks: ${name} is not a valid addon\n\n`);
    return 11;
  }
  if (name !== 'metrics-server' && name !== 'storage-provisioner' && name !== 'default-storageclass')
    notImplemented(ctx, 'minikube', `addon "${name}"`, 14);
  if (enable && name === 'metrics-server') {
    ctx.out(
      `* metrics-server is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub.\nYou can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n  - Using image ${METRICS_SERVER_IMAGE}\n`,
    );
    await ctx.clock.sleep(3000);
  }
  const at = ctx.clock.now();
  await withState(ctx.stateDir, (s) => {
    const pr = s.minikube.profiles[profile];
    pr.addons[name] = enable;
    const c = s.clusters[pr.cluster];
    if (name === 'metrics-server') {
      if (c.up) reconcile(s, c, at, ctx.faults);
      if (enable) {
        addMetricsImage(pr.images, at);
        if (c.up) enableMetricsServer(s, c, at);
      } else if (c.up) disableMetricsServer(s, c, at);
    }
  });
  ctx.out(enable ? `* The '${name}' addon is enabled\n` : `* "The '${name}' addon is disabled\n`);
  return 0;
}

export function addonsList(ctx, p, profile) {
  const state = readState(ctx.stateDir);
  const pr = state.minikube.profiles[profile];
  if (!pr) {
    ctx.out(notFoundText(profile));
    return 85;
  }
  const o = p.flags.output;
  if (o === 'json') {
    /** @type {Record<string, any>} */
    const m = {};
    for (const a of ADDONS) m[a] = { Profile: profile, Status: pr.addons[a] ? 'enabled' : 'disabled' };
    ctx.out(goJSON(m) + '\n');
    return 0;
  }
  if (o !== 'list') {
    ctx.err(`\nX Exiting due to MK_USAGE: invalid output format: ${o}. Valid values: 'list', 'json'\n\n`);
    return 14;
  }
  const rows = ADDONS.map((a) => [
    a,
    profile,
    pr.addons[a] ? 'enabled ✅' : 'disabled',
    a === 'metrics-server' ? 'Kubernetes' : 'minikube',
  ]);
  const head = ['ADDON NAME', 'PROFILE', 'STATUS', 'MAINTAINER'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)) + 2);
  const sep = '|' + w.map((x) => '-'.repeat(x)).join('|') + '|\n';
  const line = (cells) => '|' + cells.map((c, i) => ` ${c}` + ' '.repeat(Math.max(0, w[i] - 1 - [...c].length))).join('|') + '|\n';
  ctx.out(sep + line(head) + sep + rows.map(line).join('') + sep);
  return 0;
}
