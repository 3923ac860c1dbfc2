// @ts-check
// SIM_FAULTS parsing and validation (the fault catalogue lives in docs/simulator.md).

export const TOOLS = ['minikube', 'kubectl', 'helm', 'docker', 'kubectl-ai', 'kagent'];
export const COMPONENTS = ['frontend', 'backend', 'mcp', 'postgresql'];
const FLAGS = [
  'docker-down',
  'minikube-stopped',
  'minikube-start-fails',
  'unschedulable',
  'api-flaky',
  'helm-timeout',
  'no-metrics',
  'kagent-not-installed',
  'node-gone',
  'image-load-blob-missing',
  'kagent-slow-port-forward',
  'docker-desktop',
  'docker-rootless',
  'backup-job-fails',
  'db-read-only',
];
// Settings that pick which real version or configuration the simulator models (docs/simulator.md).
const SETTINGS = ['helm-version', 'minikube-runtime', 'minikube-driver', 'kagent-version'];
const KEYED = [
  'missing',
  'context',
  'image-missing',
  'crashloop',
  'oom',
  'probe-fail',
  'slow-start',
  'never-ready',
  'registry-auth',
  ...SETTINGS,
];
export const RUNTIMES = ['docker', 'containerd'];
export const DRIVERS = ['docker', 'podman', 'kvm2', 'qemu2', 'hyperkit', 'virtualbox', 'vfkit'];

/**
 * @typedef {{ raw: string[], has(name: string): boolean, values(key: string): string[],
 *   forComponent(key: string, component: string): boolean, slowStartMs(component: string): number }} Faults
 */

/**
 * @param {string|string[]|undefined} input
 * @returns {Faults}
 */
export function parseFaults(input) {
  const raw = (Array.isArray(input) ? input : String(input ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
  for (const f of raw) validateFault(f);
  const values = (key) => raw.filter((f) => f.startsWith(key + '=')).map((f) => f.slice(key.length + 1));
  return {
    raw,
    has: (name) => raw.includes(name),
    values,
    forComponent: (key, component) => values(key).includes(component),
    slowStartMs(component) {
      let ms = 0;
      for (const v of values('slow-start')) {
        const [c, d] = v.split(':');
        if (c === component) ms = Math.max(ms, parseFloat(d) * 1000);
      }
      return ms;
    },
  };
}

/** @param {string} f */
export function validateFault(f) {
  if (FLAGS.includes(f)) return;
  const eq = f.indexOf('=');
  const key = eq < 0 ? f : f.slice(0, eq);
  const val = eq < 0 ? '' : f.slice(eq + 1);
  if (!KEYED.includes(key)) throw new Error(`unknown fault "${f}" (known: ${[...FLAGS, ...KEYED.map((k) => k + '=…')].join(', ')})`);
  if (!val) throw new Error(`fault "${key}" needs a value (${key}=…)`);
  if (key === 'missing' && !TOOLS.includes(val)) throw new Error(`fault "${f}": tool must be one of ${TOOLS.join(', ')}`);
  if (['crashloop', 'oom', 'probe-fail', 'never-ready'].includes(key) && !COMPONENTS.includes(val)) {
    throw new Error(`fault "${f}": component must be one of ${COMPONENTS.join(', ')}`);
  }
  if (key === 'helm-version' && !/^v?[34]\.\d+\.\d+$/.test(val)) throw new Error(`fault "${f}": expected helm-version=<3.x.y|4.x.y>`);
  if (key === 'minikube-runtime' && !RUNTIMES.includes(val)) throw new Error(`fault "${f}": runtime must be one of ${RUNTIMES.join(', ')}`);
  if (key === 'kagent-version' && !/^(main|\d+\.\d+\.\d+)$/.test(val))
    throw new Error(`fault "${f}": expected kagent-version=<x.y.z|main>`);
  if (key === 'minikube-driver' && !DRIVERS.includes(val)) throw new Error(`fault "${f}": driver must be one of ${DRIVERS.join(', ')}`);
  if (key === 'registry-auth' && !/^[^:]+:.+$/.test(val)) throw new Error(`fault "${key}": expected registry-auth=<user>:<password>`);
  if (key === 'slow-start' && !new RegExp(`^(${COMPONENTS.join('|')}):\\d+(\\.\\d+)?s$`).test(val)) {
    throw new Error(`fault "${f}": expected slow-start=<component>:<seconds>s`);
  }
}

/**
 * minikube's NeedsPortForward (pkg/minikube/driver/driver.go) is true on this simulated host: Docker
 * Desktop (docker info's OperatingSystem) or rootless Docker (SecurityOptions name=rootless).
 * The node's IP is then not reachable from the host: NodePorts are not served on it.
 * @param {Faults} faults
 */
export const nodeIpUnreachable = (faults) => faults.has('docker-desktop') || faults.has('docker-rootless');
