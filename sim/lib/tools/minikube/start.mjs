// @ts-check
// minikube start: a new profile or a restart of a stopped one, its flags checked against the
// existing profile, progress output, kube-context, system pods and the NodePort server.
import { randomInt } from 'node:crypto';
import { notImplemented } from '../../common.mjs';
import { withState, readState } from '../../state.mjs';
import {
  MINIKUBE_VERSION,
  K8S_VERSION,
  NODE_DOCKER_VERSION,
  NODE_CONTAINERD_VERSION,
  KIC_VERSION,
  createProfile,
  setContext,
  addMetricsImage,
} from '../../model.mjs';
import { nodeStarted, ensureSystemPods, enableMetricsServer } from '../../cluster/system.mjs';
import { reconcile } from '../../cluster/controllers.mjs';
import { startServer } from '../../server-control.mjs';
import { ADDONS } from './addons.mjs';
import { machineType } from './host.mjs';

/**
 * The drivers minikube registers (pkg/minikube/registry/drvs/init.go; names from
 * pkg/minikube/driver/driver.go) and qemu2's alias `qemu`. The runbooks' MINIKUBE_DRIVER check
 * (src/config/value-parsers.ts, MINIKUBE_DRIVERS) knows the same list; test/unit/minikube-drivers.test.ts
 * keeps them equal.
 */
export const KNOWN_DRIVERS = [
  'docker',
  'podman',
  'kvm2',
  'qemu2',
  'qemu',
  'virtualbox',
  'hyperkit',
  'vfkit',
  'krunkit',
  'hyperv',
  'parallels',
  'vmware',
  'none',
  'ssh',
];

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

export async function start(ctx, p, profile) {
  const { clock } = ctx;
  const t0 = clock.now();
  const f = p.flags;
  const driver = f.driver ?? f['vm-driver'] ?? null;
  const state = readState(ctx.stateDir);
  const existing = state.minikube.profiles[profile];
  const out = (s) => ctx.out(s);
  out(`* minikube ${MINIKUBE_VERSION} on Debian 12.8\n`);
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
