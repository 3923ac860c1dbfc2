// @ts-check
// Creating and deleting pods, as every controller and kubectl delete do it: names with the
// pod-template-hash, owner references, graceful termination.
import { putObject, nextRV } from '../model.mjs';
import { sha256, spread } from '../util.mjs';
import { mainContainer } from './lifecycle.mjs';
import { recordEvent } from './event-recorder.mjs';

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
/** pod-template-hash style string */
export function templateHash(tmpl) {
  const h = Buffer.from(sha256(JSON.stringify(tmpl)), 'hex');
  let s = '';
  for (let i = 0; i < 10; i++) s += ALNUM[h[i] % ALNUM.length];
  return s;
}

export const live = (c) => Object.values(c.objects).filter((o) => o.kind === 'Pod');
export const ownedBy = (o, owner) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);

/** Graceful termination time for a pod. */
function graceMs(pod) {
  const comp = pod._sim.component;
  const max = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  const want = comp === 'postgresql' ? spread(pod.metadata.name + ':term', 3000, 6000) : spread(pod.metadata.name + ':term', 2000, 4500);
  return Math.min(want, max);
}

/** Ask for a pod's deletion (kubectl delete / controller scale-down). */
export function requestPodDeletion(state, c, pod, t, { force = false } = {}) {
  const sim = pod._sim;
  if (sim.deletionAt !== null && sim.deletionAt !== undefined) return false;
  sim.deletionAt = t;
  const running =
    sim.scheduledAt !== null && sim.scheduledAt !== undefined && sim.runs.length && sim.runs[sim.runs.length - 1].createAt !== null;
  sim.finalizeAt = force || !running ? t + 100 : t + graceMs(pod);
  pod.metadata.deletionTimestamp = t;
  pod.metadata.deletionGracePeriodSeconds = pod.spec.terminationGracePeriodSeconds ?? 30;
  pod.metadata.resourceVersion = nextRV(state);
  if (running)
    recordEvent(state, c, {
      obj: pod,
      reason: 'Killing',
      message: `Stopping container ${mainContainer(pod).name}`,
      component: 'kubelet',
      host: c.node.name,
      at: t,
      fieldPath: `spec.containers{${mainContainer(pod).name}}`,
    });
  return true;
}

/** Create a pod from a template. */
export function createPod(state, c, { owner, template, name, t, extraLabels = {}, system = false, component }) {
  const ns = owner?.metadata.namespace ?? template.metadata?.namespace ?? 'default';
  const spec = structuredClone(template.spec);
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.securityContext ??= {};
  spec.tolerations ??= [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  for (const ct of spec.containers) {
    ct.imagePullPolicy ??= /:latest$/.test(ct.image) || !/:[^/]+$/.test(ct.image) ? 'Always' : 'IfNotPresent';
    ct.terminationMessagePath ??= '/dev/termination-log';
    ct.terminationMessagePolicy ??= 'File';
    ct.resources ??= {};
  }
  const labels = { ...(template.metadata?.labels ?? {}), ...extraLabels };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(owner
        ? {
            generateName: owner.kind === 'StatefulSet' ? undefined : `${owner.metadata.name}-`,
            ownerReferences: [
              {
                apiVersion: owner.apiVersion,
                blockOwnerDeletion: true,
                controller: true,
                kind: owner.kind,
                name: owner.metadata.name,
                uid: owner.metadata.uid,
              },
            ],
          }
        : {}),
    },
    spec,
    _sim: {
      component: component ?? labels['app.kubernetes.io/component'] ?? labels['k8s-app'] ?? labels.component ?? 'app',
      system,
      createdAt: t,
      scheduledAt: null,
      unsched: null,
      runs: [],
      restartBase: 0,
      deletionAt: null,
      finalizeAt: null,
      deletedAt: null,
    },
  };
  if (pod.metadata.generateName === undefined) delete pod.metadata.generateName;
  putObject(state, c, pod, t);
  if (owner)
    recordEvent(state, c, {
      obj: owner,
      reason: 'SuccessfulCreate',
      message:
        owner.kind === 'StatefulSet' ? `create Pod ${name} in StatefulSet ${owner.metadata.name} successful` : `Created pod: ${name}`,
      component: owner.kind === 'StatefulSet' ? 'statefulset-controller' : 'replicaset-controller',
      at: t,
    });
  return pod;
}
