// Does the app answer the same through a localhost forward as on its NodePort? The same request to
// both, compared by status and body. Fields that differ between two answers of one healthy app
// (a process's uptime, a timestamp of the answer itself) are left out of the comparison, and so is
// the order of keys in a JSON object.
import { probeHttp } from './smoke.ts';

const VOLATILE_KEYS = new Set(['uptimeSeconds', 'uptime', 'now', 'time', 'timestamp', 'servedAt']);

/** A body as compared: JSON re-serialised without volatile keys and with sorted keys; anything else as is. */
export function comparable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), (key, value) =>
      VOLATILE_KEYS.has(key)
        ? undefined
        : value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
          : value,
    );
  } catch {
    return body;
  }
}

export interface AnswerComparison {
  path: string;
  same: boolean;
  detail: string;
}

export async function compareAnswers(localBase: string, nodeBase: string, path: string, timeoutMs: number): Promise<AnswerComparison> {
  const [local, node] = await Promise.all([probeHttp(`${localBase}${path}`, timeoutMs), probeHttp(`${nodeBase}${path}`, timeoutMs)]);
  const describe = (p: typeof local) => (p.status !== undefined ? `${p.status}` : (p.error ?? 'no answer'));
  if (local.status === undefined || node.status === undefined)
    return { path, same: false, detail: `${path}: localhost ${describe(local)}, NodePort ${describe(node)}` };
  const same = local.status === node.status && comparable(local.body) === comparable(node.body);
  return {
    path,
    same,
    detail: same
      ? `${path} ${local.status} (${local.body.length} bytes)`
      : `${path}: localhost ${local.status} ${local.body.slice(0, 80)} ≠ NodePort ${node.status} ${node.body.slice(0, 80)}`,
  };
}
