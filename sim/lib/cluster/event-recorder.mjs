// @ts-check
// The controllers' and kubelet's event recorder: events aggregated by object, reason and message
// with a count, as the real recorder does.
import { nextUid, nextRV } from '../model.mjs';
import { sha256 } from '../util.mjs';

/** Record a controller event (aggregated by object+reason+message like the real event recorder). */
export function recordEvent(state, c, { obj, reason, message, type = 'Normal', component, at, fieldPath, host }) {
  const ns = obj.metadata.namespace ?? 'default';
  const key = `${obj.kind}/${ns}/${obj.metadata.name}/${reason}/${message}`;
  const ex = c.events.find((e) => e.key === key);
  if (ex) {
    ex.count++;
    ex.last = at;
    return;
  }
  c.events.push({
    key,
    name: `${obj.metadata.name}.${sha256(key + at).slice(0, 16)}`,
    ns,
    kind: obj.kind,
    objName: obj.metadata.name,
    objUid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    reason,
    message,
    type,
    component,
    host,
    fieldPath,
    first: at,
    last: at,
    count: 1,
    uid: nextUid(state, 'event:' + key),
    rv: nextRV(state),
  });
  if (c.events.length > 2000) c.events.splice(0, c.events.length - 2000);
}
