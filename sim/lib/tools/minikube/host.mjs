// @ts-check
// What every minikube command asks first: does the profile exist, in what state is its host (node
// container or VM, honouring docker-down and node-gone), and the texts minikube prints when not.
import { readState } from '../../state.mjs';
import { Exit } from '../../cli.mjs';
import { goJSON } from '../../util.mjs';

export const notFoundText = (profile) =>
  `* Profile "${profile}" not found. Run "minikube profile list" to view all profiles.\n  To start a cluster, run: "minikube start${profile === 'minikube' ? '' : ' -p ' + profile}"\n`;

export function cloudEvent(message) {
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
export function hostState(ctx, prof) {
  if (!prof) return 'Nonexistent';
  if (ctx.faults.has('node-gone')) return 'Nonexistent';
  if (ctx.faults.has('docker-down') && isKic(prof.driver)) return 'Stopped';
  return prof.status === 'Running' ? 'Running' : 'Stopped';
}

/** driver.IsKIC (pkg/minikube/driver/driver.go): the node is a container of the host's docker/podman. */
export const isKic = (driver) => driver === 'docker' || driver === 'podman';

/**
 * The host's state cannot be read at all: cluster.GetStatus (pkg/minikube/cluster/status.go) returns
 * no statuses when machine.Status fails (Docker not answering `docker container inspect`) or the
 * host does not exist (the node container was removed), so `status -o json` prints `null` and
 * exitCode() gives 7 (all three "not running" bits).
 */
export const statusUnreadable = (ctx, prof) => ctx.faults.has('node-gone') || (ctx.faults.has('docker-down') && isKic(prof.driver));

/** driver.MachineType (pkg/minikube/driver/driver.go): "container" for docker/podman, else "VM". */
export const machineType = (driver) => (driver === 'docker' || driver === 'podman' ? 'container' : 'VM');

export function requireRunning(ctx, profile, { dockerEnv = false } = {}) {
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
