// @ts-check
// The human-readable printer of kubectl get: the columns of each kind (as kubectl's table printers
// give them), -o wide, --show-labels, -A and the pod STATUS column.
import { CLUSTER_SCOPED } from '../../model.mjs';
import { table, humanDuration } from '../../util.mjs';
import { nameRef } from './resources.mjs';

const age = (now, ts) => humanDuration(now - (typeof ts === 'number' ? ts : Date.parse(ts)));

export function printTable(r, items, o) {
  const { now } = o;
  let head;
  let rowOf;
  const kindName = (n) => (o.kindPrefix ? nameRef(r, n) : n);
  switch (r.kind) {
    case 'Pod':
      head = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(o.wide ? ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] : [])];
      rowOf = (x) => {
        const j = x.j;
        const cs = j.status.containerStatuses ?? [];
        const ready = cs.filter((c) => c.ready).length;
        const st = x._st;
        const restarts = cs.reduce((a, c) => a + c.restartCount, 0);
        const lastT = cs
          .map((c) => c.lastState?.terminated?.finishedAt)
          .filter(Boolean)
          .sort()
          .pop();
        const rs = restarts && lastT ? `${restarts} (${humanDuration(now - Date.parse(lastT))} ago)` : String(restarts);
        return [
          kindName(x.name),
          `${ready}/${j.spec.containers.length}`,
          podDisplay(j),
          rs,
          age(now, j.metadata.creationTimestamp),
          ...(o.wide ? [j.status.podIP ?? '<none>', j.spec.nodeName ?? '<none>', '<none>', '<none>'] : []),
        ];
      };
      break;
    case 'Deployment':
      head = ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', ...(o.wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])];
      rowOf = (x) => {
        const s = x.j.status;
        return [
          kindName(x.name),
          `${s.readyReplicas ?? 0}/${x.j.spec.replicas}`,
          String(s.updatedReplicas ?? 0),
          String(s.availableReplicas ?? 0),
          age(now, x.j.metadata.creationTimestamp),
          ...(o.wide
            ? [
                x.j.spec.template.spec.containers.map((c) => c.name).join(','),
                x.j.spec.template.spec.containers.map((c) => c.image).join(','),
                Object.entries(x.j.spec.selector.matchLabels ?? {})
                  .map(([k, v]) => `${k}=${v}`)
                  .join(','),
              ]
            : []),
        ];
      };
      break;
    case 'ReplicaSet':
      head = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        String(x.j.spec.replicas),
        String(x.j.status.replicas ?? 0),
        String(x.j.status.readyReplicas ?? 0),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'StatefulSet':
      head = ['NAME', 'READY', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        `${x.j.status.readyReplicas ?? 0}/${x.j.spec.replicas ?? 1}`,
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Service':
      head = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(o.wide ? ['SELECTOR'] : [])];
      rowOf = (x) => [
        kindName(x.name),
        x.j.spec.type,
        x.j.spec.clusterIP ?? '<none>',
        '<none>',
        (x.j.spec.ports ?? []).map((pt) => `${pt.port}${pt.nodePort ? ':' + pt.nodePort : ''}/${pt.protocol ?? 'TCP'}`).join(',') ||
          '<none>',
        age(now, x.j.metadata.creationTimestamp),
        ...(o.wide
          ? [
              Object.entries(x.j.spec.selector ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(',') || '<none>',
            ]
          : []),
      ];
      break;
    case 'Endpoints':
      head = ['NAME', 'ENDPOINTS', 'AGE'];
      rowOf = (x) => {
        const eps = (x.j.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => s.ports.map((pt) => `${a.ip}:${pt.port}`)));
        const shown = eps.length > 3 ? eps.slice(0, 3).join(',') + ` + ${eps.length - 3} more...` : eps.join(',');
        return [kindName(x.name), shown || '<none>', age(now, x.j.metadata.creationTimestamp)];
      };
      break;
    case 'PersistentVolumeClaim':
      head = ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        x.j.status.phase,
        x.j.spec.volumeName,
        x.j.status.capacity?.storage ?? '',
        (x.j.spec.accessModes ?? [])
          .map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m)
          .join(','),
        x.j.spec.storageClassName ?? '',
        '<unset>',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'PersistentVolume':
      head = [
        'NAME',
        'CAPACITY',
        'ACCESS MODES',
        'RECLAIM POLICY',
        'STATUS',
        'CLAIM',
        'STORAGECLASS',
        'VOLUMEATTRIBUTESCLASS',
        'REASON',
        'AGE',
      ];
      rowOf = (x) => [
        kindName(x.name),
        x.j.spec.capacity?.storage ?? '',
        'RWO',
        x.j.spec.persistentVolumeReclaimPolicy,
        x.j.status.phase,
        `${x.j.spec.claimRef?.namespace}/${x.j.spec.claimRef?.name}`,
        x.j.spec.storageClassName,
        '<unset>',
        '',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Event':
      head = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      rowOf = (x) => {
        const e = x.j;
        const last = humanDuration(now - Date.parse(e.lastTimestamp));
        const seen =
          e.count > 1 ? `${last} (x${e.count} over ${humanDuration(Date.parse(e.lastTimestamp) - Date.parse(e.firstTimestamp))})` : last;
        return [seen, e.type, e.reason, `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`, e.message];
      };
      break;
    case 'ConfigMap':
      head = ['NAME', 'DATA', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        String(Object.keys(x.j.data ?? {}).length + Object.keys(x.j.binaryData ?? {}).length),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Secret':
      head = ['NAME', 'TYPE', 'DATA', 'AGE'];
      rowOf = (x) => [
        kindName(x.name),
        x.j.type ?? 'Opaque',
        String(Object.keys(x.j.data ?? {}).length),
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'Namespace':
      head = ['NAME', 'STATUS', 'AGE'];
      rowOf = (x) => [kindName(x.name), x.j.status.phase, age(now, x.j.metadata.creationTimestamp)];
      break;
    case 'Node':
      head = [
        'NAME',
        'STATUS',
        'ROLES',
        'AGE',
        'VERSION',
        ...(o.wide ? ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] : []),
      ];
      rowOf = (x) => [
        kindName(x.name),
        'Ready',
        'node-role.kubernetes.io/control-plane' in x.j.metadata.labels ? 'control-plane' : '<none>',
        age(now, x.j.metadata.creationTimestamp),
        x.j.status.nodeInfo.kubeletVersion,
        ...(o.wide
          ? [
              x.j.status.addresses[0].address,
              '<none>',
              x.j.status.nodeInfo.osImage,
              x.j.status.nodeInfo.kernelVersion,
              x.j.status.nodeInfo.containerRuntimeVersion,
            ]
          : []),
      ];
      break;
    case 'StorageClass':
      head = ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'];
      rowOf = (x) => [
        `${kindName(x.name)}${x.j.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`,
        x.j.provisioner,
        x.j.reclaimPolicy,
        x.j.volumeBindingMode,
        'false',
        age(now, x.j.metadata.creationTimestamp),
      ];
      break;
    case 'DaemonSet':
      head = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];
      rowOf = (x) => [kindName(x.name), '1', '1', '1', '1', '1', 'kubernetes.io/os=linux', age(now, x.j.metadata.creationTimestamp)];
      break;
    default:
      head = ['NAME', 'AGE'];
      rowOf = (x) => [kindName(x.name), age(now, x.j.metadata.creationTimestamp)];
  }
  let rows = items.map((x) => {
    const r0 = rowOf(x);
    if (o.allNs && !CLUSTER_SCOPED.has(r.kind)) r0.unshift(x.j.metadata.namespace ?? x.ns);
    if (o.showLabels)
      r0.push(
        Object.entries(x.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      );
    return r0;
  });
  if (o.allNs && !CLUSTER_SCOPED.has(r.kind)) head = ['NAMESPACE', ...head];
  if (o.showLabels) head = [...head, 'LABELS'];
  if (!o.noHeaders) rows = [head, ...rows];
  return table(rows);
}

/** kubectl's STATUS column for a pod JSON. */
export function podDisplay(j) {
  if (j.metadata.deletionTimestamp) return 'Terminating';
  const cs = j.status.containerStatuses ?? [];
  let reason = j.status.phase;
  for (const c of cs) {
    if (c.state.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state.terminated)
      reason =
        c.state.terminated.reason ??
        (c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`);
  }
  if (
    reason === 'Running' &&
    cs.length &&
    !cs.every((c) => c.ready) &&
    j.status.conditions?.find((x) => x.type === 'Ready')?.status === 'True'
  )
    reason = 'NotReady';
  return reason;
}
