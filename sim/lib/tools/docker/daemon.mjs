// @ts-check
// Which Docker daemon a call reaches: the host's, or a running minikube node's through docker-env
// (DOCKER_HOST), and what that daemon says about itself. Every command that needs a daemon starts here.
import { Exit } from '../../cli.mjs';
import { DOCKER_VERSION, NODE_DOCKER_VERSION } from '../../model.mjs';

/**
 * Which daemon the CLI talks to: the host's, or a running minikube's (docker-env). Exits like the CLI if unreachable.
 * @returns {{ state: any, where: 'host'|'node', profile?: any, store: any }}
 */
export function daemon(ctx, state) {
  const host = ctx.env.DOCKER_HOST;
  const down = (addr) => {
    ctx.err(`Cannot connect to the Docker daemon at ${addr}. Is the docker daemon running?\n`);
    throw new Exit(1);
  };
  if (ctx.faults.has('docker-down')) down(host || 'unix:///var/run/docker.sock');
  if (!host || host === 'unix:///var/run/docker.sock') return { state, where: 'host', store: state.docker };
  const m = /^tcp:\/\/(127\.0\.0\.1|localhost):(\d+)$/.exec(host);
  if (m) {
    const prof = Object.values(state.minikube.profiles).find(
      (pr) => /** @type {any} */ (pr).status === 'Running' && /** @type {any} */ (pr).dockerEnvPort === Number(m[2]),
    );
    if (prof) return { state, where: 'node', profile: prof, store: /** @type {any} */ (prof).images };
  }
  return down(host);
}

export function serverInfo(d, state, faults) {
  if (d.where === 'node')
    return {
      Version: NODE_DOCKER_VERSION,
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: state.host.kernel,
      Name: d.profile.name,
      OperatingSystem: 'Ubuntu 22.04.5 LTS',
      NCPU: d.profile.cpus,
      MemTotal: d.profile.memory * 1048576,
    };
  // Docker Desktop reports itself in OperatingSystem; rootless Docker in SecurityOptions (what
  // minikube's oci.DaemonInfo reads, pkg/drivers/kic/oci/info.go).
  return {
    Version: DOCKER_VERSION,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: state.host.kernel,
    Name: state.host.hostname,
    OperatingSystem: faults.has('docker-desktop') ? 'Docker Desktop' : state.host.os,
    NCPU: state.host.ncpu,
    MemTotal: state.host.memTotal,
    Rootless: faults.has('docker-rootless'),
  };
}
