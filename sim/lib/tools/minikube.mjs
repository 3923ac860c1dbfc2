// @ts-check
// Simulated minikube (v1.37.0, docker driver, docker runtime, low-fi output as when stdout is captured).
import { randomInt } from 'node:crypto';
import { parseOrFail, notImplemented } from '../common.mjs';
import { withState, readState } from '../state.mjs';
import { Exit } from '../cli.mjs';
import {
  MINIKUBE_VERSION,
  MINIKUBE_COMMIT,
  K8S_VERSION,
  NODE_DOCKER_VERSION,
  NODE_CONTAINERD_VERSION,
  KIC_VERSION,
  METRICS_SERVER_IMAGE,
  createProfile,
  setContext,
  normRef,
  familiarRef,
  storeGet,
  storeAdd,
  addMetricsImage,
  getObject,
} from '../model.mjs';
import { nodeStopped, nodeStarted, ensureSystemPods, enableMetricsServer, disableMetricsServer } from '../cluster/system.mjs';
import { reconcile } from '../cluster/controllers.mjs';
import { serviceReady } from '../cluster/views.mjs';
import { startServer, stopServer } from '../server-control.mjs';
import { goJSON } from '../util.mjs';
import { nodeIpUnreachable } from '../faults.mjs';

const GLOBAL = {
  profile: { type: 'string', short: 'p', def: 'minikube' },
  help: { type: 'bool', short: 'h' },
  alsologtostderr: { type: 'bool' },
  logtostderr: { type: 'bool' },
  v: { type: 'string', short: 'v' },
  log_dir: { type: 'string' },
  log_file: { type: 'string' },
  skip_headers: { type: 'bool' },
  one_output: { type: 'bool' },
  'skip-audit': { type: 'bool' },
  rootless: { type: 'bool' },
  user: { type: 'string' },
  bootstrapper: { type: 'string', short: 'b' },
  stderrthreshold: { type: 'string' },
  vmodule: { type: 'string' },
  add_dir_header: { type: 'bool' },
};
/** @type {Record<string, import('../argv.mjs').Spec>} */
const SPECS = {
  version: { output: { type: 'string', short: 'o' }, short: { type: 'bool' }, components: { type: 'bool' } },
  status: {
    output: { type: 'string', short: 'o', def: 'text' },
    format: { type: 'string', short: 'f' },
    layout: { type: 'string', short: 'l', def: 'nodes' },
    node: { type: 'string', short: 'n' },
    watch: { type: 'string', short: 'w' },
  },
  start: {
    cpus: { type: 'string', def: '2' },
    memory: { type: 'string', short: 'm' },
    driver: { type: 'string', short: 'd' },
    'vm-driver': { type: 'string' },
    'kubernetes-version': { type: 'string' },
    'container-runtime': { type: 'string' },
    addons: { type: 'stringArray' },
    wait: { type: 'stringArray' },
    'wait-timeout': { type: 'duration' },
    force: { type: 'bool' },
    nodes: { type: 'int', short: 'n', def: 1 },
    'disk-size': { type: 'string' },
    'embed-certs': { type: 'bool' },
    'keep-context': { type: 'bool' },
    interactive: { type: 'bool', def: true },
    'install-addons': { type: 'bool', def: true },
    'delete-on-failure': { type: 'bool' },
    'extra-config': { type: 'stringArray' },
    cni: { type: 'string' },
    'insecure-registry': { type: 'stringArray' },
    'dry-run': { type: 'bool' },
    'download-only': { type: 'bool' },
    ports: { type: 'stringArray' },
    'base-image': { type: 'string' },
    preload: { type: 'bool', def: true },
    'apiserver-port': { type: 'int' },
    'cache-images': { type: 'bool', def: true },
    'static-ip': { type: 'string' },
    mount: { type: 'bool' },
    'mount-string': { type: 'string' },
  },
  stop: {
    all: { type: 'bool' },
    'keep-context-active': { type: 'bool' },
    output: { type: 'string', short: 'o', def: 'text' },
    'cancel-scheduled': { type: 'bool' },
    schedule: { type: 'duration' },
  },
  delete: { all: { type: 'bool' }, purge: { type: 'bool' }, output: { type: 'string', short: 'o', def: 'text' } },
  ip: { node: { type: 'string', short: 'n' } },
  'profile list': {
    output: { type: 'string', short: 'o', def: 'table' },
    light: { type: 'bool', short: 'l' },
    detailed: { type: 'bool', short: 'd' },
  },
  'addons enable': { images: { type: 'string' }, registries: { type: 'string' }, force: { type: 'bool' }, refresh: { type: 'bool' } },
  'addons disable': {},
  'addons list': { output: { type: 'string', short: 'o', def: 'list' }, docs: { type: 'bool', short: 'd' } },
  'docker-env': {
    output: { type: 'string', short: 'o' },
    shell: { type: 'string' },
    unset: { type: 'bool', short: 'u' },
    'no-proxy': { type: 'bool' },
    'ssh-host': { type: 'bool' },
    'ssh-add': { type: 'bool' },
  },
  'image load': {
    daemon: { type: 'bool' },
    remote: { type: 'bool' },
    overwrite: { type: 'bool', def: true },
    pull: { type: 'bool' },
    tag: { type: 'string' },
  },
  'image ls': { format: { type: 'string', def: 'short' } },
  service: {
    namespace: { type: 'string', short: 'n', def: 'default' },
    url: { type: 'bool' },
    https: { type: 'bool' },
    format: { type: 'string', def: 'http://{{.IP}}:{{.Port}}' },
    interval: { type: 'int', def: 1 },
    wait: { type: 'int', def: 2 },
    all: { type: 'bool' },
  },
};
const KNOWN_TOP = [
  'start',
  'status',
  'stop',
  'delete',
  'dashboard',
  'pause',
  'unpause',
  'docker-env',
  'podman-env',
  'cache',
  'image',
  'addons',
  'config',
  'profile',
  'update-context',
  'service',
  'tunnel',
  'mount',
  'ssh',
  'kubectl',
  'node',
  'cp',
  'ssh-key',
  'ssh-host',
  'ip',
  'logs',
  'update-check',
  'version',
  'options',
  'license',
  'completion',
  'help',
];

const ADDONS = [
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

/** @param {import('../cli.mjs').Ctx} ctx */
export async function run(ctx) {
  const args = ctx.argv;
  // find the command path: first non-flag words (global flags may precede)
  const words = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-')) {
      if (/^(-p|--profile|-v|-b|--bootstrapper|--user|--log_dir|--log_file|--stderrthreshold|--vmodule)$/.test(a)) i++;
      continue;
    }
    words.push(a);
    if (words.length === 2) break;
  }
  if (!words.length) {
    if (args.includes('-h') || args.includes('--help')) {
      ctx.out(usage());
      return 0;
    }
    ctx.out(usage());
    return 0;
  }
  const top = words[0];
  if (!KNOWN_TOP.includes(top)) {
    ctx.err(`Error: unknown command "${top}" for "minikube"\nRun 'minikube --help' for usage.\n`);
    return 14;
  }
  let cmd = top;
  if (['profile', 'addons', 'image'].includes(top)) {
    const sub = words[1];
    if (top === 'profile' && sub === 'list') cmd = 'profile list';
    else if (top === 'addons' && ['enable', 'disable', 'list'].includes(sub)) cmd = `addons ${sub}`;
    else if (top === 'image' && ['load', 'ls', 'list'].includes(sub)) cmd = sub === 'list' ? 'image ls' : `image ${sub}`;
    else if (sub && top === 'profile') cmd = 'profile set';
    else notImplemented(ctx, 'minikube', `"${top}${sub ? ' ' + sub : ''}"`, 14);
  }
  if (!SPECS[cmd] && cmd !== 'profile set') notImplemented(ctx, 'minikube', `"${cmd}"`, 14);
  const spec = { ...GLOBAL, ...(SPECS[cmd] ?? {}) };
  const p = parseOrFail(ctx, args, spec, (msg) => ({ text: `Error: ${msg}\nSee 'minikube ${cmd} --help' for usage.\n`, code: 14 }));
  const pos = p.args.slice(cmd.split(' ').length);
  if (p.flags.help) {
    ctx.out(`Usage:\n  minikube ${cmd} [flags] [options]\n\n(simulated minikube; see docs/simulator.md)\n`);
    return 0;
  }
  const profile = p.flags.profile;
  switch (cmd) {
    case 'version':
      return version(ctx, p);
    case 'status':
      return status(ctx, p, profile);
    case 'start':
      return start(ctx, p, profile);
    case 'stop':
      return stop(ctx, p, profile);
    case 'delete':
      return del(ctx, p, profile);
    case 'ip':
      return ip(ctx, profile);
    case 'profile list':
      return profileList(ctx, p);
    case 'profile set':
      notImplemented(ctx, 'minikube', '"profile <name>"', 14);
      break;
    case 'addons enable':
    case 'addons disable':
      return addonsToggle(ctx, cmd.endsWith('enable'), pos, profile);
    case 'addons list':
      return addonsList(ctx, p, profile);
    case 'docker-env':
      return dockerEnv(ctx, p, profile);
    case 'image load':
      return imageLoad(ctx, p, pos, profile);
    case 'image ls':
      return imageLs(ctx, p, profile);
    case 'service':
      return service(ctx, p, pos, profile);
  }
  return 0;
}

function usage() {
  return 'minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n\n(simulated minikube; see docs/simulator.md)\n\nUsage:\n  minikube [flags] [options]\n';
}

const notFoundText = (profile) =>
  `* Profile "${profile}" not found. Run "minikube profile list" to view all profiles.\n  To start a cluster, run: "minikube start${profile === 'minikube' ? '' : ' -p ' + profile}"\n`;

function cloudEvent(message) {
  const id = crypto.randomUUID();
  return (
    goJSON({
      data: { message },
      datacontenttype: 'application/json',
      id,
      source: 'https://minikube.sigs.k8s.io/',
      specversion: '1.0',
      type: 'io.k8s.sigs.minikube.info',
    }) + '\n'
  );
}

/** Host status honouring docker-down (the kic container lives in the host daemon) and node-gone. */
function hostState(ctx, prof) {
  if (!prof) return 'Nonexistent';
  if (ctx.faults.has('node-gone')) return 'Nonexistent';
  if (ctx.faults.has('docker-down') && isKic(prof.driver)) return 'Stopped';
  return prof.status === 'Running' ? 'Running' : 'Stopped';
}

/** driver.IsKIC (pkg/minikube/driver/driver.go): the node is a container of the host's docker/podman. */
const isKic = (driver) => driver === 'docker' || driver === 'podman';

/**
 * The host's state cannot be read at all: cluster.GetStatus (pkg/minikube/cluster/status.go) returns
 * no statuses when machine.Status fails (Docker not answering `docker container inspect`) or the
 * host does not exist (the node container was removed), so `status -o json` prints `null` and
 * exitCode() gives 7 (all three "not running" bits).
 */
const statusUnreadable = (ctx, prof) => ctx.faults.has('node-gone') || (ctx.faults.has('docker-down') && isKic(prof.driver));

function version(ctx, p) {
  const o = p.flags.output;
  if (p.flags.short) {
    ctx.out(`${MINIKUBE_VERSION}\n`);
    return 0;
  }
  if (o === 'json') {
    ctx.out(goJSON({ commit: MINIKUBE_COMMIT, minikubeVersion: MINIKUBE_VERSION }) + '\n');
    return 0;
  }
  if (o === 'yaml') {
    ctx.out(`commit: ${MINIKUBE_COMMIT}\nminikubeVersion: ${MINIKUBE_VERSION}\n`);
    return 0;
  }
  if (o) {
    ctx.err(`\nX Exiting due to MK_USAGE: Output format ${o} is not supported. Supported formats are: json, yaml\n\n`);
    return 14;
  }
  ctx.out(`minikube version: ${MINIKUBE_VERSION}\ncommit: ${MINIKUBE_COMMIT}\n`);
  return 0;
}

function status(ctx, p, profile) {
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

/** driver.MachineType (pkg/minikube/driver/driver.go): "container" for docker/podman, else "VM". */
const machineType = (driver) => (driver === 'docker' || driver === 'podman' ? 'container' : 'VM');

/** Parse --memory forms (4096, 4g, 4096mb, 4gb) to MiB. */
function parseMemory(s) {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(s.trim());
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const u = m[2].toLowerCase();
  if (u === '' || u === 'm' || u === 'mb' || u === 'mib') return Math.round(n);
  if (u === 'g' || u === 'gb' || u === 'gib') return Math.round(n * 1024);
  if (u === 'k' || u === 'kb') return Math.round(n / 1024);
  return NaN;
}

async function start(ctx, p, profile) {
  const { clock } = ctx;
  const t0 = clock.now();
  const f = p.flags;
  const driver = f.driver ?? f['vm-driver'] ?? null;
  const state = readState(ctx.stateDir);
  const existing = state.minikube.profiles[profile];
  const out = (s) => ctx.out(s);
  out(`* minikube ${MINIKUBE_VERSION} on Debian 12.8\n`);
  const KNOWN_DRIVERS = [
    'docker',
    'podman',
    'kvm2',
    'qemu2',
    'qemu',
    'virtualbox',
    'hyperkit',
    'vfkit',
    'vmware',
    'parallels',
    'hyperv',
    'none',
    'ssh',
    'krunkit',
  ];
  if (driver && !KNOWN_DRIVERS.includes(driver)) {
    ctx.err(`\nX Exiting due to DRV_UNSUPPORTED_OS: The driver '${driver}' is not supported on linux/amd64\n\n`);
    return 56;
  }
  if (driver && driver !== 'docker' && !existing) {
    const hint =
      {
        kvm2: 'exec: "virsh": executable file not found in $PATH',
        podman: 'exec: "podman": executable file not found in $PATH',
        virtualbox: 'unable to find VBoxManage in $PATH',
        qemu2: 'exec: "qemu-system-x86_64": executable file not found in $PATH',
        none: 'the none driver requires root and a local container runtime',
      }[driver] ?? `the ${driver} driver is not available in the simulator`;
    ctx.err(
      `\nX Exiting due to PROVIDER_${driver.toUpperCase()}_NOT_FOUND: The '${driver}' provider was not found: ${hint}\n* Suggestion: Install ${driver}\n\n`,
    );
    return 65;
  }
  if (existing && driver && driver !== existing.driver) {
    // validateSpecifiedDriver (cmd/minikube/cmd/start.go): an existing profile asked for another
    // driver exits with GUEST_DRIVER_MISMATCH (ExGuestConflict, 81) before anything else happens.
    const cmd = (action) => `minikube ${action}${profile === 'minikube' ? '' : ` -p ${profile}`}`;
    ctx.err(
      `\nX Exiting due to GUEST_DRIVER_MISMATCH: The existing "${profile}" cluster was created using the "${existing.driver}" driver, which is incompatible with requested "${driver}" driver.\n* Suggestion: Delete the existing '${profile}' cluster using: '${cmd('delete')}', or start the existing '${profile}' cluster using: '${cmd('start')} --driver=${existing.driver}'\n\n`,
    );
    return 81;
  }
  if (ctx.faults.has('docker-down')) {
    out(`* Using the docker driver based on ${driver ? 'user configuration' : existing ? 'existing profile' : 'user configuration'}\n`);
    ctx.err(
      `\nX Exiting due to PROVIDER_DOCKER_NOT_RUNNING: "docker version --format {{.Server.Os}}-{{.Server.Version}}:{{.Server.Platform.Name}}" exit status 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n* Suggestion: Start the Docker service\n* Documentation: https://minikube.sigs.k8s.io/docs/drivers/docker/\n\n`,
    );
    return 63;
  }
  // cpus / memory
  let cpus = 2;
  let memory = 4096;
  if (f.cpus === 'max' || f.cpus === 'no-limit') cpus = state.host.ncpu;
  else if (!/^\d+$/.test(f.cpus)) {
    ctx.err(`\nX Exiting due to MK_USAGE: Invalid number of CPUs: strconv.Atoi: parsing "${f.cpus}": invalid syntax\n\n`);
    return 14;
  } else cpus = parseInt(f.cpus, 10);
  const hostMemMi = Math.floor(state.host.memTotal / 1048576);
  if (f.memory !== undefined) {
    if (f.memory === 'max' || f.memory === 'no-limit') memory = hostMemMi - 1024;
    else {
      memory = parseMemory(f.memory);
      if (Number.isNaN(memory)) {
        ctx.err(`\nX Exiting due to MK_USAGE: Invalid memory value: ${f.memory}\n\n`);
        return 14;
      }
    }
  }
  if (!existing) {
    if (cpus < 2) {
      ctx.err(`\nX Exiting due to RSRC_INSUFFICIENT_CORES: Requested cpu count ${cpus} is less than the minimum allowed of 2\n\n`);
      return 29;
    }
    if (cpus > state.host.ncpu) {
      ctx.err(
        `\nX Exiting due to RSRC_INSUFFICIENT_CORES: Requested cpu count ${cpus} is greater than the available cpus of ${state.host.ncpu}\n\n`,
      );
      return 29;
    }
    if (memory < 1800) {
      ctx.err(
        `\nX Exiting due to RSRC_INSUFFICIENT_REQ_MEMORY: Requested memory allocation ${memory}MiB is less than the usable minimum of 1800MB\n\n`,
      );
      return 23;
    }
    if (memory > hostMemMi) {
      ctx.err(
        `\nX Exiting due to RSRC_OVER_ALLOC_MEM: Requested memory allocation ${memory}MB is more than your system limit ${hostMemMi}MB.\n* Suggestion: Start minikube with less memory allocated: 'minikube start --memory=${Math.floor(hostMemMi * 0.25)}mb'\n\n`,
      );
      return 23;
    }
  } else {
    if (f.memory !== undefined && memory !== existing.memory)
      out(`! You cannot change the memory size for an existing minikube cluster. Please first delete the cluster.\n`);
    if (p.set.has('cpus') && cpus !== existing.cpus)
      out(`! You cannot change the CPUs for an existing minikube cluster. Please first delete the cluster.\n`);
  }
  const kv = f['kubernetes-version'];
  if (kv && !['stable', 'latest', K8S_VERSION].includes(kv)) {
    if (!/^v?1\.\d+\.\d+$/.test(kv)) {
      ctx.err(`\nX Exiting due to MK_USAGE: Unable to parse "${kv}": No Major.Minor.Patch elements found\n\n`);
      return 14;
    }
    notImplemented(ctx, 'minikube', `start --kubernetes-version=${kv} (only ${K8S_VERSION})`, 14);
  }
  if (f.nodes > 1) notImplemented(ctx, 'minikube', 'multi-node clusters (--nodes)', 14);
  // --container-runtime (cmd/minikube/cmd/start_flags.go): docker and containerd are modelled; the
  // default is docker unless SIM_FAULTS=minikube-runtime=containerd (minikube is moving to containerd).
  const runtime = existing?.runtime ?? f['container-runtime'] ?? ctx.faults.values('minikube-runtime')[0] ?? 'docker';
  if (f['container-runtime'] && !['docker', 'containerd'].includes(f['container-runtime']))
    notImplemented(ctx, 'minikube', `--container-runtime=${f['container-runtime']}`, 14);
  for (const a of f.addons)
    for (const name of a.split(','))
      if (name && !ADDONS.includes(name)) {
        ctx.err(`\nX Exiting due to MK_ADDON_ENABLE: Enable addon ${name}: run callbacks: ${name} is not a valid addon\n\n`);
        return 11;
      }
  const fresh = !existing;
  const eff = existing ?? { cpus, memory, driver: driver ?? 'docker' };
  const running = existing && existing.status === 'Running';
  out(
    `* Using the ${eff.driver} driver based on ${existing ? 'existing profile' : driver ? 'user configuration' : 'auto-detected default'}\n`,
  );
  if (!existing && !driver) out(`* Using Docker driver with root privileges\n`);
  out(`* Starting "${profile}" primary control-plane node in "${profile}" cluster\n`);
  out(`* Pulling base image ${KIC_VERSION} ...\n`);
  const failing = ctx.faults.has('minikube-start-fails');
  if (running) {
    out(`* Updating the running ${eff.driver} "${profile}" ${machineType(eff.driver)} ...\n`);
    await clock.sleep(6000);
  } else if (fresh) {
    await clock.sleep(4000);
    out(`* Creating docker container (CPUs=${eff.cpus}, Memory=${eff.memory}MB) ...\n`);
    await clock.sleep(failing ? 9000 : 12000);
  } else {
    await clock.sleep(2000);
    out(`* Restarting existing ${eff.driver} ${machineType(eff.driver)} for "${profile}" ...\n`);
    await clock.sleep(failing ? 6000 : 8000);
  }
  if (failing) {
    const at = clock.now();
    await withState(ctx.stateDir, (s) => {
      if (!s.minikube.profiles[profile]) createProfile(s, profile, { cpus, memory, driver: 'docker', runtime, at });
      s.truth.minikube.push({ profile, action: 'start', startedAt: t0, completedAt: at, ok: false });
    });
    ctx.err(
      fresh
        ? `\nX Exiting due to GUEST_PROVISION: error provisioning guest: Failed to start host: creating host: create: creating: setting up container node: creating volume for ${profile} container: docker volume create ${profile} --label name.minikube.sigs.k8s.io=${profile} --label created_by.minikube.sigs.k8s.io=true: exit status 1\nstdout:\n\nstderr:\nError response from daemon: create ${profile}: error while creating volume root path '/var/lib/docker/volumes/${profile}': mkdir /var/lib/docker/volumes/${profile}: read-only file system\n\n* If the above advice does not help, please let us know:\n  https://github.com/kubernetes/minikube/issues/new/choose\n\n`
        : `\nX Exiting due to GUEST_PROVISION: error provisioning guest: Failed to start host: driver start: start: docker start ${profile}: exit status 1\nstdout:\n\nstderr:\nError response from daemon: driver failed programming external connectivity on endpoint ${profile}: Bind for 127.0.0.1:32772 failed: port is already allocated\nError: failed to start containers: ${profile}\n\n* If the above advice does not help, please let us know:\n  https://github.com/kubernetes/minikube/issues/new/choose\n\n`,
    );
    return 80;
  }
  if (!running) {
    out(
      runtime === 'containerd'
        ? `* Preparing Kubernetes ${K8S_VERSION} on containerd ${NODE_CONTAINERD_VERSION} ...\n`
        : `* Preparing Kubernetes ${K8S_VERSION} on Docker ${NODE_DOCKER_VERSION} ...\n`,
    );
    if (fresh) {
      out(`  - Generating certificates and keys ...\n`);
      await clock.sleep(3000);
      out(`  - Booting up control plane ...\n`);
      await clock.sleep(7000);
      out(`  - Configuring RBAC rules ...\n`);
      await clock.sleep(2000);
      out(`* Configuring bridge CNI (Container Networking Interface) ...\n`);
    } else await clock.sleep(6000);
    out(`* Verifying Kubernetes components...\n`);
    out(`  - Using image gcr.io/k8s-minikube/storage-provisioner:v5\n`);
    await clock.sleep(3000);
  }
  const wantAddons = new Set(f.addons.flatMap((a) => a.split(',')).filter(Boolean));
  const at = clock.now();
  const enabled = await withState(ctx.stateDir, (s) => {
    let prof = s.minikube.profiles[profile];
    if (!prof) prof = createProfile(s, profile, { cpus, memory, driver: 'docker', runtime, at: t0 });
    const c = s.clusters[prof.cluster];
    if (prof.status !== 'Running') {
      prof.status = 'Running';
      prof.startedAt = at;
      prof.starts = (prof.starts ?? 0) + 1;
      prof.dockerEnvPort = randomInt(32768, 61000);
      reconcile(s, c, at, ctx.faults, { allowDown: true });
      nodeStarted(s, c, at, ctx.faults);
    }
    ensureSystemPods(s, c, at);
    for (const a of wantAddons) prof.addons[a] = true;
    if (prof.addons['metrics-server']) {
      addMetricsImage(prof.images, at);
      enableMetricsServer(s, c, at);
    }
    if (!f['keep-context']) setContext(s, profile, { cluster: prof.cluster, server: `https://${prof.nodeIP}:${prof.apiPort}` });
    else
      s.kubeconfig.contexts[profile] ??= {
        cluster: prof.cluster,
        user: profile,
        namespace: 'default',
        server: `https://${prof.nodeIP}:${prof.apiPort}`,
      };
    if (!running) s.truth.minikube.push({ profile, action: 'start', startedAt: t0, completedAt: at, ok: true });
    return Object.entries(prof.addons)
      .filter(([, v]) => v)
      .map(([k]) => k);
  });
  if (!running || wantAddons.size)
    out(
      `* Enabled addons: ${['storage-provisioner', 'default-storageclass', ...enabled.filter((a) => a !== 'storage-provisioner' && a !== 'default-storageclass')].join(', ')}\n`,
    );
  await startServer(ctx);
  if (f['keep-context']) out(`* Done! kubectl is now configured to use "${profile}" cluster and "default" namespace by default\n`);
  else out(`* Done! kubectl is now configured to use "${profile}" cluster and "default" namespace by default\n`);
  return 0;
}

async function stop(ctx, p, profile) {
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

async function del(ctx, p, profile) {
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

function requireRunning(ctx, profile, { dockerEnv = false } = {}) {
  const state = readState(ctx.stateDir);
  const prof = state.minikube.profiles[profile];
  if (!prof) {
    if (dockerEnv) {
      ctx.out('false exit code 85\n');
      throw new Exit(85);
    }
    ctx.out(notFoundText(profile));
    throw new Exit(85);
  }
  if (hostState(ctx, prof) !== 'Running') {
    if (dockerEnv) {
      ctx.out('false exit code 83\n');
      throw new Exit(83);
    }
    ctx.out(
      `* The control-plane node ${profile} host is not running: state=Stopped\n  To start a cluster, run: "minikube start${profile === 'minikube' ? '' : ' -p ' + profile}"\n`,
    );
    throw new Exit(83);
  }
  return { state, prof };
}

function ip(ctx, profile) {
  const { prof } = requireRunning(ctx, profile);
  ctx.out(`${prof.nodeIP}\n`);
  return 0;
}

function profileConfig(prof) {
  return {
    Name: prof.name,
    KeepContext: false,
    EmbedCerts: false,
    MinikubeISO: '',
    KicBaseImage: `gcr.io/k8s-minikube/kicbase:${KIC_VERSION}`,
    Memory: prof.memory,
    CPUs: prof.cpus,
    DiskSize: 20000,
    Driver: prof.driver,
    HyperkitVpnKitSock: '',
    HyperkitVSockPorts: [],
    DockerEnv: null,
    ContainerVolumeMounts: null,
    InsecureRegistry: null,
    RegistryMirror: [],
    HostOnlyCIDR: '192.168.59.1/24',
    ExtraOptions: null,
    Network: '',
    Addons: { ...prof.addons },
    KubernetesConfig: {
      KubernetesVersion: prof.kubernetesVersion,
      ClusterName: prof.name,
      Namespace: 'default',
      APIServerHAVIP: '',
      APIServerName: 'minikubeCA',
      APIServerNames: null,
      APIServerIPs: null,
      DNSDomain: 'cluster.local',
      ContainerRuntime: prof.runtime ?? 'docker',
      CRISocket: '',
      NetworkPlugin: 'cni',
      FeatureGates: '',
      ServiceCIDR: '10.96.0.0/12',
      ImageRepository: '',
      LoadBalancerStartIP: '',
      LoadBalancerEndIP: '',
      CustomIngressCert: '',
      RegistryAliases: '',
      ExtraOptions: null,
      ShouldLoadCachedImages: true,
      EnableDefaultCNI: false,
      CNI: '',
    },
    Nodes: [
      {
        Name: '',
        IP: prof.nodeIP,
        Port: prof.apiPort,
        KubernetesVersion: prof.kubernetesVersion,
        ContainerRuntime: prof.runtime ?? 'docker',
        ControlPlane: true,
        Worker: true,
      },
    ],
    CustomAddonImages: null,
    CustomAddonRegistries: null,
    VerifyComponents: { apiserver: true, system_pods: true },
    StartHostTimeout: 360000000000,
    ScheduledStop: null,
    ExposedPorts: [],
    ListenAddress: '',
    Network2: undefined,
    MultiNodeRequested: false,
    StaticIP: '',
    SSHAuthSock: '',
    SSHAgentPID: 0,
    GPUs: '',
    AutoPauseInterval: 60000000000,
  };
}

function profileList(ctx, p) {
  const state = readState(ctx.stateDir);
  const profs = Object.values(state.minikube.profiles);
  const o = p.flags.output;
  if (o !== 'json' && o !== 'table') {
    ctx.err(`\nX Exiting due to MK_USAGE: invalid output format: ${o}. Valid values: 'table', 'json'\n\n`);
    return 14;
  }
  const current = state.kubeconfig.current;
  const rows = profs.map((pr) => {
    const ctxName = Object.entries(state.kubeconfig.contexts).find(([, c]) => /** @type {any} */ (c).cluster === pr.cluster)?.[0];
    return {
      Name: pr.name,
      Status: hostState(ctx, pr) === 'Running' ? 'OK' : 'Stopped',
      Config: profileConfig(pr),
      Active: pr.name === 'minikube',
      ActiveKubeContext: !!ctxName && ctxName === current,
    };
  });
  if (o === 'json') {
    ctx.out(goJSON({ invalid: [], valid: rows }));
    return 0;
  }
  if (!profs.length) {
    ctx.err(
      `\nX Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.\n* Suggestion: You can create one using 'minikube start'.\n\n`,
    );
    return 14;
  }
  const head = ['Profile', 'Driver', 'Runtime', 'IP', 'Version', 'Status', 'Nodes', 'Active Profile', 'Active Kubecontext'];
  const data = rows.map((r) => [
    r.Name,
    r.Config.Driver,
    r.Config.KubernetesConfig.ContainerRuntime,
    r.Config.Nodes[0].IP,
    r.Config.KubernetesConfig.KubernetesVersion,
    r.Status,
    '1',
    r.Active ? '*' : '',
    r.ActiveKubeContext ? '*' : '',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)) + 2);
  const sep = '|' + w.map((x) => '-'.repeat(x)).join('|') + '|\n';
  const line = (cells) => '|' + cells.map((c, i) => ` ${c}`.padEnd(w[i])).join('|') + '|\n';
  ctx.out(sep + line(head) + sep + data.map(line).join('') + sep);
  return 0;
}

async function addonsToggle(ctx, enable, pos, profile) {
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

function addonsList(ctx, p, profile) {
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

/**
 * minikube docker-env, after dockerEnvCmd.Run and dockerSetScript (cmd/minikube/cmd/docker-env.go):
 * - the shell is --shell, else shell.Detect (pkg/minikube/shell/shell.go: $SHELL, "bash" when unset);
 * - -o/--output is read ONLY when the shell is "none" (text, json or yaml); for any other shell
 *   the export script of that shell is printed and -o is ignored;
 * - dockerEnvSupported: a runtime other than docker/containerd is refused, and containerd only
 *   with the docker driver (MK_USAGE, exit 14); containerd on the docker driver goes through
 *   nerdctld over SSH, "a highly experimental feature" (not modelled here);
 * - with stdout not a terminal, exit.SetShell makes a failure print "false exit code N" on stdout.
 */
function dockerEnv(ctx, p, profile) {
  const shell = p.flags.shell ?? (ctx.env.SHELL ? ctx.env.SHELL.split('/').pop() : 'bash');
  const names = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'MINIKUBE_ACTIVE_DOCKERD'];
  if (p.flags.unset) {
    if (shell === 'none') ctx.out(names.map((k) => `${k}\n`).join(''));
    else ctx.out(`unset ${names.join(' ')};\n`);
    return 0;
  }
  const captured = !process.stdout.isTTY;
  const { prof } = requireRunning(ctx, profile, { dockerEnv: captured });
  const refuse = (message) => {
    ctx.err(`\nX Exiting due to MK_USAGE: ${message}\n\n`);
    if (captured) ctx.out('false exit code 14\n');
    return 14;
  };
  const runtime = prof.runtime ?? 'docker';
  if (runtime !== 'docker' && runtime !== 'containerd')
    return refuse('the docker-env command only supports the docker and containerd runtimes');
  if (runtime === 'containerd' && prof.driver !== 'docker')
    return refuse('the docker-env command only supports the containerd runtime with the docker driver');
  if (runtime === 'containerd') {
    ctx.err(
      '! Using the docker-env command with the containerd runtime is a highly experimental feature, please provide feedback or contribute to make it better\n',
    );
    notImplemented(ctx, 'minikube', 'docker-env with the containerd runtime (nerdctld over SSH)', 14);
  }
  const certPath = `${ctx.env.HOME ?? '/root'}/.minikube/certs`;
  // dockerEnvVars: the TCP set, SSH agent variables included (empty when no agent runs).
  const vars = {
    DOCKER_TLS_VERIFY: '1',
    DOCKER_HOST: `tcp://127.0.0.1:${prof.dockerEnvPort}`,
    DOCKER_CERT_PATH: certPath,
    MINIKUBE_ACTIVE_DOCKERD: profile,
    SSH_AUTH_SOCK: '',
    SSH_AGENT_PID: '',
  };
  if (shell === 'none') {
    const o = p.flags.output ?? '';
    // encoding/json sorts map keys
    if (o === 'json') {
      ctx.out(JSON.stringify(Object.fromEntries(Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)))) + '\n');
      return 0;
    }
    if (o === 'text' || o === '') {
      ctx.out(names.map((k) => `${k}=${vars[k]}\n`).join(''));
      return 0;
    }
    if (o === 'yaml') {
      ctx.out(
        Object.entries(vars)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}: "${v}"\n`)
          .join(''),
      );
      return 0;
    }
    ctx.err(`\nX Exiting due to MK_USAGE: error: --output must be 'text', 'yaml' or 'json'\n\n`);
    return 14;
  }
  if (shell !== 'bash' && shell !== 'sh' && shell !== 'zsh') notImplemented(ctx, 'minikube', `docker-env --shell ${shell}`, 14);
  ctx.out(
    names.map((k) => `export ${k}="${vars[k]}"`).join('\n') +
      `\n\n# To point your shell to minikube's docker-daemon, run:\n# eval $(minikube -p ${profile} docker-env)\n`,
  );
  return 0;
}

async function imageLoad(ctx, p, pos, profile) {
  const ref = pos[0];
  if (!ref) {
    ctx.err(
      `\nX Exiting due to MK_USAGE: Please provide an image in your local daemon to load into minikube via <minikube image load IMAGE_NAME>\n\n`,
    );
    return 14;
  }
  requireRunning(ctx, profile);
  const state = readState(ctx.stateDir);
  const img = ctx.faults.has('docker-down') ? null : storeGet(state.docker, ref);
  if (!img) {
    const cache = `${ctx.env.HOME ?? '/root'}/.minikube/cache/images/amd64/${familiarRef(ref).replace(/:/g, '_').replace(/\//g, '_')}`;
    ctx.err(
      `\nX Exiting due to GUEST_IMAGE_LOAD: Failed to load image: save to dir: caching images: caching image "${cache}": write: unable to calculate manifest: Error: No such image: ${familiarRef(ref)}\n\n`,
    );
    return 80;
  }
  if (ctx.faults.has('image-load-blob-missing')) {
    // Docker ≥ 25 with the containerd image store: minikube's save to its cache cannot find a
    // layer blob (minikube#18021, #20595; moby#47207).
    const cache = `${ctx.env.HOME ?? '/root'}/.minikube/cache/images/amd64/${familiarRef(ref).replace(/:/g, '_').replace(/\//g, '_')}`;
    ctx.err(
      `\nX Exiting due to GUEST_IMAGE_LOAD: Failed to load image: save to dir: caching images: caching image "${cache}": write: unable to calculate manifest: blob ${img.id} not found\n\n`,
    );
    return 80;
  }
  // loading takes time proportional to the image size (minikube#7027)
  await ctx.clock.sleep(1500 + (img.size / 40e6) * 1000);
  const blocked = ctx.faults
    .values('image-missing')
    .some((m) => normRef(m).replace(/:[^:/]+$/, '') === normRef(ref).replace(/:[^:/]+$/, '') || m === familiarRef(ref));
  await withState(ctx.stateDir, (s) => {
    const pr = s.minikube.profiles[profile];
    if (blocked) return;
    const have = storeGet(pr.images, ref);
    if (have && have.id !== img.id && !p.flags.overwrite) return; // same tag kept (minikube#11276)
    storeAdd(pr.images, img, ref);
  });
  return 0;
}

function imageLs(ctx, p, profile) {
  const { prof } = requireRunning(ctx, profile);
  const imgs = Object.values(prof.images.images).filter((i) => /** @type {any} */ (i).repoTags.length);
  const fmt = p.flags.format;
  if (fmt === 'json') {
    ctx.out(
      goJSON(imgs.map((i) => ({ id: i.id.slice(7), repoDigests: [], repoTags: i.repoTags.map(normRef), size: String(i.size) }))) + '\n',
    );
    return 0;
  }
  if (fmt === 'short') {
    const tags = imgs
      .flatMap((i) => i.repoTags.map(normRef))
      .sort()
      .reverse();
    ctx.out(tags.map((t) => t + '\n').join(''));
    return 0;
  }
  if (fmt === 'table' || fmt === 'yaml') notImplemented(ctx, 'minikube', `image ls --format ${fmt}`, 14);
  ctx.err(`\nX Exiting due to MK_USAGE: unsupported format: ${fmt}\n\n`);
  return 14;
}

function service(ctx, p, pos, profile) {
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
