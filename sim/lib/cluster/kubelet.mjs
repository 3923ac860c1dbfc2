// @ts-check
// The kubelet: a new sandbox (run) per scheduled pod or node restart, containers created once their
// volumes, environment and image are there, or the reason they are not; restarts counted per run.
import { getObject, nextRV, storeAdd } from '../model.mjs';
import { spread } from '../util.mjs';
import { runTimes, crashRestarts } from './lifecycle.mjs';
import { live } from './pods.mjs';
import { resolveEnv, imageCheck } from './container-inputs.mjs';
import { nodeImages } from './node.mjs';
import { initOnFirstStart } from './db-password.mjs';

/** Start a new sandbox (run) for a scheduled pod. */
export function newRun(state, c, pod, start) {
  const hostNet = !!pod.spec.hostNetwork;
  state.seq.ip = (state.seq.ip % 250) + 1;
  pod._sim.runs.push({
    start,
    createAt: null,
    stop: null,
    ip: hostNet ? c.node.ip : `10.244.0.${state.seq.ip + 1}`,
    block: null,
    env: null,
    imageID: null,
  });
}

/** Which of a pod's volumes reference a missing Secret/ConfigMap (FailedMount keeps it in ContainerCreating). */
function missingVolume(c, pod) {
  const ns = pod.metadata.namespace;
  for (const v of pod.spec.volumes ?? []) {
    if (v.secret && !v.secret.optional && !getObject(c, 'Secret', ns, v.secret.secretName))
      return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
    if (v.configMap && !v.configMap.optional && !getObject(c, 'ConfigMap', ns, v.configMap.name))
      return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
    if (v.persistentVolumeClaim && !getObject(c, 'PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName))
      return `persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`;
  }
  return null;
}

/** Kubelet: create containers for runs that have started, or record why they cannot be. */
export function kubelet(state, c, t, faults) {
  for (const p of live(c)) {
    const sim = p._sim;
    if (sim.scheduledAt == null || sim.deletionAt != null) continue;
    const run = sim.runs[sim.runs.length - 1];
    if (!run || run.stop != null || run.createAt != null || run.start > t) continue;
    const vol = missingVolume(c, p);
    if (vol) {
      setBlock(run, 'FailedMount', vol, t);
      continue;
    }
    let blocked = null;
    /** @type {Record<string, Record<string,string>>} */
    const envs = {};
    let imageID = null;
    let pullUntil = t;
    for (const ct of p.spec.containers) {
      const ic = imageCheck(state, c, ct, faults, p);
      if (ic.reason) {
        blocked = ic;
        break;
      }
      if (ic.pull) {
        // pull from the public registry, then the image is in the node's store
        const dur = 1500 + (ic.pull.size / 12e6) * 1000 + spread(p.metadata.name + ct.image, 0, 1500);
        run.pulls = [...(run.pulls ?? []), { image: ct.image, from: t, to: t + dur, size: ic.pull.size }];
        pullUntil = Math.max(pullUntil, t + dur);
        storeAdd(
          nodeImages(state, c),
          {
            id: ic.pull.id,
            repoTags: [],
            ...(ic.pull.repoDigest ? { repoDigests: [ic.pull.repoDigest] } : {}),
            size: ic.pull.size,
            created: t - 20 * 86400_000,
            history: [],
            labels: {},
            pulled: true,
          },
          ct.image,
        );
        // A pull from a registry is reported by its repo digest (cri-dockerd's docker-pullable://, pod-view.mjs).
        if (!imageID) imageID = ic.pull.repoDigest ?? ic.pull.id;
      } else if (!imageID) imageID = ic.img.repoDigests?.[0] ?? ic.img.id;
      const r = resolveEnv(c, p, ct);
      if (r.error) {
        blocked = { reason: 'CreateContainerConfigError', message: r.error };
        break;
      }
      envs[ct.name] = r.env;
    }
    if (blocked) {
      setBlock(run, blocked.reason, blocked.message, t);
      continue;
    }
    run.createAt = Math.max(pullUntil, run.block ? Math.max(t, run.block.since + 1000) : t);
    run.env = envs;
    run.imageID = imageID;
    initOnFirstStart(c, p, envs[p.spec.containers[0].name], run.createAt);
    p.metadata.resourceVersion = nextRV(state);
  }
}

function setBlock(run, reason, message, t) {
  if (!run.block || run.block.reason !== reason || run.block.message !== message) {
    run.block = { reason, message, since: run.block?.reason === reason ? run.block.since : t };
    if (!run.blocks) run.blocks = [];
    run.blocks.push({ reason, message, since: t });
  }
}

/** Restarts accumulated in a finished run (for node restarts). */
export function restartsIn(pod, idx, faults, stopAt) {
  const tm = runTimes(pod, idx, faults);
  if (!tm || tm.startedAt > stopAt) return 0;
  return crashRestarts(tm, stopAt) + 1;
}
