// @ts-check
// kubectl describe pod (text), with the pod's events.
import { getObject, listObjects } from '../model.mjs';
import { podJSON } from './views.mjs';
import { allEvents, eventJSON } from './events.mjs';
import { humanDuration, selectorPredicate } from '../util.mjs';
import { notImplemented } from '../common.mjs';
import { withCluster } from '../tools/kubectl/with-cluster.mjs';
import { resolveTargets } from '../tools/kubectl/resources.mjs';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC1123Z: Sun, 23 Nov 2026 04:30:12 +0000 */
const rfc1123z = (s) => {
  const d = new Date(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

function kv(map, indent) {
  const e = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!e.length) return '<none>';
  return e.map(([k, v], i) => (i ? ' '.repeat(indent) : '') + `${k}=${v}`).join('\n');
}
function probe(p) {
  if (!p) return null;
  const how = p.httpGet
    ? `http-get http://:${p.httpGet.port}${p.httpGet.path ?? '/'}`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.exec
        ? `exec [${(p.exec.command ?? []).join(' ')}]`
        : 'unknown';
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}
function stateText(st, pad) {
  const sp = ' '.repeat(pad);
  if (st.running) return `Running\n${sp}  Started:      ${rfc1123z(st.running.startedAt)}`;
  if (st.waiting)
    return `Waiting\n${sp}  Reason:       ${st.waiting.reason}${st.waiting.message ? `\n${sp}  Message:      ${st.waiting.message}` : ''}`;
  if (st.terminated) {
    const x = st.terminated;
    return `Terminated\n${sp}  Reason:       ${x.reason}\n${sp}  Exit Code:    ${x.exitCode}\n${sp}  Started:      ${rfc1123z(x.startedAt)}\n${sp}  Finished:     ${rfc1123z(x.finishedAt)}`;
  }
  return 'Waiting';
}

export function describePod(c, pod, now, faults) {
  const j = podJSON(c, pod, now, faults);
  const out = [];
  const L = (k, v) => out.push(`${(k + ':').padEnd(18)}${v}`);
  L('Name', j.metadata.name);
  L('Namespace', j.metadata.namespace);
  L('Priority', String(j.spec.priority ?? 0));
  if (j.spec.priorityClassName) L('Priority Class Name', j.spec.priorityClassName);
  L('Service Account', j.spec.serviceAccountName ?? 'default');
  L('Node', j.spec.nodeName ? `${j.spec.nodeName}/${j.status.hostIP}` : '<none>');
  if (j.status.startTime) L('Start Time', rfc1123z(j.status.startTime));
  L('Labels', kv(j.metadata.labels, 18));
  L('Annotations', kv(j.metadata.annotations, 18));
  if (j.metadata.deletionTimestamp)
    L('Status', `Terminating (lasts ${humanDuration(now - Date.parse(j.metadata.deletionTimestamp))})`),
      L('Termination Grace Period', `${j.metadata.deletionGracePeriodSeconds}s`);
  else L('Status', j.status.phase);
  L('IP', j.status.podIP ?? '');
  out.push('IPs:');
  if (j.status.podIP) out.push(`  IP:  ${j.status.podIP}`);
  else out.push('  <none>');
  const owner = j.metadata.ownerReferences?.[0];
  if (owner) out.push(`Controlled By:  ${owner.kind}/${owner.name}`);
  out.push('Containers:');
  for (const ct of j.spec.containers) {
    const cs = (j.status.containerStatuses ?? []).find((x) => x.name === ct.name);
    out.push(`  ${ct.name}:`);
    const C = (k, v) => out.push(`    ${(k + ':').padEnd(16)}${v}`);
    C('Container ID', cs?.containerID ?? '');
    C('Image', ct.image);
    C('Image ID', cs?.imageID ?? '');
    const port = ct.ports?.[0];
    C('Port', port ? `${port.containerPort}/${port.protocol ?? 'TCP'}` : '<none>');
    C('Host Port', port ? `0/${port.protocol ?? 'TCP'}` : '<none>');
    C('State', cs ? stateText(cs.state, 4) : 'Waiting');
    if (cs && cs.lastState && Object.keys(cs.lastState).length) C('Last State', stateText(cs.lastState, 4));
    C('Ready', cs?.ready ? 'True' : 'False');
    C('Restart Count', String(cs?.restartCount ?? 0));
    const lim = ct.resources?.limits;
    const req = ct.resources?.requests;
    if (lim) {
      out.push('    Limits:');
      for (const [k, v] of Object.entries(lim)) out.push(`      ${(k + ':').padEnd(8)} ${v}`);
    }
    if (req) {
      out.push('    Requests:');
      for (const [k, v] of Object.entries(req)) out.push(`      ${(k + ':').padEnd(8)} ${v}`);
    }
    if (ct.livenessProbe) C('Liveness', probe(ct.livenessProbe));
    if (ct.readinessProbe) C('Readiness', probe(ct.readinessProbe));
    if (ct.startupProbe) C('Startup', probe(ct.startupProbe));
    if (ct.envFrom?.length) {
      out.push('    Environment Variables from:');
      for (const ef of ct.envFrom)
        out.push(
          ef.configMapRef
            ? `      ${ef.configMapRef.name}  ConfigMap  Optional: ${!!ef.configMapRef.optional}`
            : `      ${ef.secretRef.name}  Secret  Optional: ${!!ef.secretRef.optional}`,
        );
    }
    if (ct.env?.length) {
      out.push('    Environment:');
      for (const e of ct.env) {
        const vf = e.valueFrom;
        const v =
          e.value !== undefined
            ? e.value
            : vf?.secretKeyRef
              ? `<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>  Optional: ${!!vf.secretKeyRef.optional}`
              : vf?.configMapKeyRef
                ? `<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>  Optional: ${!!vf.configMapKeyRef.optional}`
                : vf?.fieldRef
                  ? ` (${vf.fieldRef.apiVersion ?? 'v1'}:${vf.fieldRef.fieldPath})`
                  : '';
        out.push(`      ${e.name}:  ${v}`);
      }
    } else out.push('    Environment:    <none>');
    const mounts = ct.volumeMounts ?? [];
    out.push(`    Mounts:${mounts.length ? '' : '         <none>'}`);
    for (const m of mounts) out.push(`      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
  }
  out.push('Conditions:');
  out.push('  Type                        Status');
  for (const cd of j.status.conditions) out.push(`  ${cd.type.padEnd(28)}${cd.status} `);
  out.push('Volumes:');
  for (const v of j.spec.volumes ?? []) {
    out.push(`  ${v.name}:`);
    if (v.emptyDir)
      out.push(
        "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
        `    Medium:     ${v.emptyDir.medium ?? ''}`,
        `    SizeLimit:  ${v.emptyDir.sizeLimit ?? '<unset>'}`,
      );
    else if (v.persistentVolumeClaim)
      out.push(
        '    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
        `    ClaimName:  ${v.persistentVolumeClaim.claimName}`,
        '    ReadOnly:   false',
      );
    else if (v.secret)
      out.push(
        '    Type:        Secret (a volume populated by a Secret)',
        `    SecretName:  ${v.secret.secretName}`,
        `    Optional:    ${!!v.secret.optional}`,
      );
    else if (v.configMap)
      out.push(
        '    Type:      ConfigMap (a volume populated by a ConfigMap)',
        `    Name:      ${v.configMap.name}`,
        `    Optional:  ${!!v.configMap.optional}`,
      );
    else out.push('    Type:  (unknown)');
  }
  if (!(j.spec.volumes ?? []).length) out[out.length - 1] = 'Volumes:                     <none>';
  out.push(`QoS Class:                   ${j.status.qosClass}`);
  out.push(`Node-Selectors:              ${Object.keys(j.spec.nodeSelector ?? {}).length ? kv(j.spec.nodeSelector, 29) : '<none>'}`);
  out.push(
    `Tolerations:                 ${(j.spec.tolerations ?? []).map((t, i) => (i ? ' '.repeat(29) : '') + `${t.key}:${t.effect} op=${t.operator}${t.tolerationSeconds ? ` for ${t.tolerationSeconds}s` : ''}`).join('\n') || '<none>'}`,
  );
  const evs = allEvents(c, now, faults, pod.metadata.namespace)
    .filter((e) => e.kind === 'Pod' && e.objName === pod.metadata.name)
    .map((e) => eventJSON(c, e))
    .sort((a, b) => Date.parse(a.firstTimestamp) - Date.parse(b.firstTimestamp));
  if (!evs.length) out.push('Events:                      <none>');
  else {
    const rows = evs.map((e) => {
      const lastAge = humanDuration(now - Date.parse(e.lastTimestamp));
      const age = e.count > 1 ? `${lastAge} (x${e.count} over ${humanDuration(now - Date.parse(e.firstTimestamp))})` : lastAge;
      return [e.type, e.reason, age, e.source.component === 'kubelet' ? 'kubelet' : e.source.component, e.message];
    });
    const head = [
      ['Type', 'Reason', 'Age', 'From', 'Message'],
      ['----', '------', '----', '----', '-------'],
    ];
    const all = [...head, ...rows];
    const w = [0, 1, 2, 3].map((i) => Math.max(...all.map((r) => r[i].length)) + 2);
    out.push('Events:');
    for (const r of all)
      out.push(
        '  ' +
          r
            .slice(0, 4)
            .map((x, i) => x.padEnd(w[i]))
            .join('') +
          r[4],
      );
  }
  return out.join('\n') + '\n';
}

export async function kubectlDescribe(K) {
  const { ctx, p, pos } = K;
  if (!pos.length) {
    ctx.err('error: Required resource not specified.\n');
    return 1;
  }
  const { r, names } = resolveTargets(pos);
  if (!r) {
    ctx.err(`error: the server doesn't have a resource type "${pos[0]}"\n`);
    return 1;
  }
  if (r.kind !== 'Pod') notImplemented(ctx, 'kubectl', `describe ${r.plural}`);
  const sel = selectorPredicate(p.flags.selector);
  const res = await withCluster(K, (c, state, ns, now) => {
    const pods = names.length
      ? names.map((n) => getObject(c, 'Pod', ns, n) ?? n)
      : listObjects(c, 'Pod', ns).filter((x) => sel(x.metadata.labels ?? {}));
    const texts = [];
    const errs = [];
    for (const pd of pods) {
      if (typeof pd === 'string') errs.push(`Error from server (NotFound): pods "${pd}" not found`);
      else texts.push(describePod(c, pd, now, ctx.faults));
    }
    return { texts, errs, ns };
  });
  ctx.out(res.texts.join('\n\n'));
  if (!res.texts.length && !res.errs.length) ctx.err(`No resources found in ${res.ns} namespace.\n`);
  for (const e of res.errs) ctx.err(e + '\n');
  return res.errs.length ? 1 : 0;
}
