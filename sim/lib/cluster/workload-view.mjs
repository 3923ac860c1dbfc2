// @ts-check
// Deployments, ReplicaSets and StatefulSets at virtual time t: replica counts (ready, updated,
// available) and the Deployment's conditions, derived from the pods they own.
import { listObjects } from '../model.mjs';
import { rfc3339 } from '../util.mjs';
import { isReadyAt, readySince } from './lifecycle.mjs';
import { templateHash } from './pods.mjs';
import { cond } from './pod-view.mjs';
import { clean } from './clean.mjs';

const ownedBy = (o, owner) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);

/** Deployment status. */
export function deploymentStatus(c, d, t, faults) {
  const rss = listObjects(c, 'ReplicaSet', d.metadata.namespace).filter((rs) => ownedBy(rs, d));
  const hash = templateHash(d.spec.template);
  const newRS = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const pods = listObjects(c, 'Pod', d.metadata.namespace).filter((p) => rss.some((rs) => ownedBy(p, rs)) && p._sim.deletionAt == null);
  const desired = d.spec.replicas ?? 1;
  const readyPods = pods.filter((p) => isReadyAt(c, p, t, faults));
  const updated = newRS ? pods.filter((p) => ownedBy(p, newRS)).length : 0;
  const replicas = pods.length;
  const ready = readyPods.length;
  const maxUnavailable = (() => {
    const v = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
    const m = /^(\d+)%$/.exec(String(v));
    return m ? Math.floor((parseInt(m[1], 10) * desired) / 100) : Number(v);
  })();
  const complete = updated === desired && replicas === desired && ready === desired;
  const newReady = newRS ? readyPods.filter((p) => ownedBy(p, newRS)).map((p) => readySince(c, p, t, faults) ?? t) : [];
  const lastProgress = Math.max(newRS?._created ?? d._created, ...newReady, d._specChangedAt ?? 0);
  const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  const availableOk = ready >= desired - maxUnavailable;
  const conditions = [
    availableOk
      ? cond('Available', 'True', lastProgress, {
          lastUpdateTime: rfc3339(lastProgress),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
        })
      : cond('Available', 'False', d._created, {
          lastUpdateTime: rfc3339(lastProgress),
          message: 'Deployment does not have minimum availability.',
          reason: 'MinimumReplicasUnavailable',
        }),
    complete
      ? cond('Progressing', 'True', newRS?._created ?? d._created, {
          lastUpdateTime: rfc3339(lastProgress),
          message: `ReplicaSet "${newRS?.metadata.name}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
        })
      : t - lastProgress > deadline
        ? cond('Progressing', 'False', lastProgress + deadline, {
            lastUpdateTime: rfc3339(lastProgress + deadline),
            message: `ReplicaSet "${newRS?.metadata.name}" has timed out progressing.`,
            reason: 'ProgressDeadlineExceeded',
          })
        : cond('Progressing', 'True', newRS?._created ?? d._created, {
            lastUpdateTime: rfc3339(lastProgress),
            message: `ReplicaSet "${newRS?.metadata.name}" is progressing.`,
            reason: 'ReplicaSetUpdated',
          }),
  ];
  for (const x of conditions) delete x.lastProbeTime;
  return {
    ...(ready ? { availableReplicas: ready } : {}),
    conditions,
    observedGeneration: d.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(desired - ready > 0 ? { unavailableReplicas: desired - ready } : {}),
    ...(updated ? { updatedReplicas: updated } : {}),
    _complete: complete,
    _newRS: newRS?.metadata.name,
    _exceeded: !complete && t - lastProgress > deadline,
  };
}

export function deploymentJSON(c, d, t, faults) {
  const o = clean(d);
  o.metadata.annotations = {
    'deployment.kubernetes.io/revision': String(
      Math.max(
        1,
        ...listObjects(c, 'ReplicaSet', d.metadata.namespace)
          .filter((rs) => ownedBy(rs, d))
          .map((rs) => parseInt(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1', 10)),
      ),
    ),
    ...(o.metadata.annotations ?? {}),
  };
  o.spec.progressDeadlineSeconds ??= 600;
  o.spec.revisionHistoryLimit ??= 10;
  o.spec.strategy ??= { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' };
  const st = deploymentStatus(c, d, t, faults);
  o.status = Object.fromEntries(Object.entries(st).filter(([k]) => !k.startsWith('_')));
  return o;
}

export function replicaSetJSON(c, rs, t, faults) {
  const o = clean(rs);
  const pods = listObjects(c, 'Pod', rs.metadata.namespace).filter((p) => ownedBy(p, rs) && p._sim.deletionAt == null);
  const ready = pods.filter((p) => isReadyAt(c, p, t, faults)).length;
  o.status = {
    ...(ready ? { availableReplicas: ready } : {}),
    fullyLabeledReplicas: pods.length,
    observedGeneration: rs.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas: pods.length,
  };
  if (!pods.length) delete o.status.fullyLabeledReplicas;
  return o;
}

export function statefulSetJSON(c, s, t, faults) {
  const o = clean(s);
  const rev = `${s.metadata.name}-${templateHash(s.spec.template)}`;
  const pods = listObjects(c, 'Pod', s.metadata.namespace).filter((p) => ownedBy(p, s) && p._sim.deletionAt == null);
  const ready = pods.filter((p) => isReadyAt(c, p, t, faults)).length;
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev).length;
  o.spec.podManagementPolicy ??= 'OrderedReady';
  o.spec.updateStrategy ??= { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' };
  o.spec.revisionHistoryLimit ??= 10;
  o.status = {
    availableReplicas: ready,
    collisionCount: 0,
    currentReplicas: updated,
    currentRevision: rev,
    observedGeneration: s.metadata.generation,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas: pods.length,
    updateRevision: rev,
    updatedReplicas: updated,
  };
  return o;
}
