// @ts-check
// The StatefulSet controller at one virtual instant: pod <name>-0 with its volume claim from the
// volumeClaimTemplates (bound to a PV), replaced only once the old pod is gone.
import { getObject, putObject } from '../model.mjs';
import { sha256 } from '../util.mjs';
import { isReadyAt } from './lifecycle.mjs';
import { templateHash, live, ownedBy, requestPodDeletion, createPod } from './pods.mjs';
import { recordEvent } from './event-recorder.mjs';

/** Make sure a PVC (and its PV) exists and is Bound. */
export function ensurePVC(state, c, ns, name, tmpl, t, labels) {
  let pvc = getObject(c, 'PersistentVolumeClaim', ns, name);
  if (pvc) return pvc;
  const size = tmpl.spec?.resources?.requests?.storage ?? '1Gi';
  pvc = putObject(
    state,
    c,
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace: ns,
        labels: labels ?? tmpl.metadata?.labels,
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': 'k8s.io/minikube-hostpath',
          'volume.kubernetes.io/storage-provisioner': 'k8s.io/minikube-hostpath',
        },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: {
        accessModes: tmpl.spec?.accessModes ?? ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
        storageClassName: tmpl.spec?.storageClassName ?? 'standard',
        volumeMode: 'Filesystem',
        volumeName: '',
      },
    },
    t,
  );
  pvc.spec.volumeName = `pvc-${pvc.metadata.uid}`;
  putObject(
    state,
    c,
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvc.spec.volumeName,
        annotations: {
          hostPathProvisionerIdentity: sha256(c.name).slice(0, 36),
          'pv.kubernetes.io/provisioned-by': 'k8s.io/minikube-hostpath',
        },
        finalizers: ['kubernetes.io/pv-protection'],
      },
      spec: {
        accessModes: pvc.spec.accessModes,
        capacity: { storage: size },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name,
          namespace: ns,
          uid: pvc.metadata.uid,
          resourceVersion: pvc.metadata.resourceVersion,
        },
        hostPath: { path: `/tmp/hostpath-provisioner/${ns}/${name}`, type: '' },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
    },
    t,
  );
  return pvc;
}

export function stsStep(state, c, sts, t, faults) {
  const ns = sts.metadata.namespace;
  const name = sts.metadata.name;
  const replicas = sts.spec.replicas ?? 1;
  const rev = `${name}-${templateHash(sts.spec.template)}`;
  const parallel = sts.spec.podManagementPolicy === 'Parallel';
  for (let i = 0; i < replicas; i++) {
    for (const vct of sts.spec.volumeClaimTemplates ?? [])
      ensurePVC(state, c, ns, `${vct.metadata.name}-${name}-${i}`, vct, t, { ...(sts.spec.selector?.matchLabels ?? {}) });
    const podName = `${name}-${i}`;
    const pod = getObject(c, 'Pod', ns, podName);
    if (!pod) {
      const template = structuredClone(sts.spec.template);
      template.spec.volumes = [
        ...(template.spec.volumes ?? []),
        ...(sts.spec.volumeClaimTemplates ?? []).map((v) => ({
          name: v.metadata.name,
          persistentVolumeClaim: { claimName: `${v.metadata.name}-${name}-${i}` },
        })),
      ];
      template.spec.hostname = podName;
      if (sts.spec.serviceName) template.spec.subdomain = sts.spec.serviceName;
      createPod(state, c, {
        owner: sts,
        template,
        name: podName,
        t,
        extraLabels: {
          'apps.kubernetes.io/pod-index': String(i),
          'controller-revision-hash': rev,
          'statefulset.kubernetes.io/pod-name': podName,
        },
      });
      if (!parallel) return;
      continue;
    }
    if (!parallel && (pod._sim.deletionAt != null || !isReadyAt(c, pod, t, faults))) return;
  }
  // scale down: highest ordinal first, one at a time
  const extra = live(c)
    .filter((p) => ownedBy(p, sts))
    .map((p) => ({ p, i: parseInt(p.metadata.name.slice(name.length + 1), 10) }))
    .filter((x) => x.i >= replicas)
    .sort((a, b) => b.i - a.i);
  if (extra.length) {
    if (extra.some((x) => x.p._sim.deletionAt != null)) return;
    requestPodDeletion(state, c, extra[0].p, t);
    recordEvent(state, c, {
      obj: sts,
      reason: 'SuccessfulDelete',
      message: `delete Pod ${extra[0].p.metadata.name} in StatefulSet ${name} successful`,
      component: 'statefulset-controller',
      at: t,
    });
    return;
  }
  // rolling update: replace the highest ordinal with an old revision once all are Ready
  const pods = live(c).filter((p) => ownedBy(p, sts));
  if (pods.some((p) => p._sim.deletionAt != null || !isReadyAt(c, p, t, faults))) return;
  const stale = pods
    .filter((p) => p.metadata.labels?.['controller-revision-hash'] !== rev)
    .sort((a, b) => b.metadata.name.localeCompare(a.metadata.name));
  if (stale.length && sts.spec.updateStrategy?.type !== 'OnDelete') requestPodDeletion(state, c, stale[0], t);
}
