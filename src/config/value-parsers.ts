// The parsers that validate one setting's raw text: names Kubernetes and minikube accept, numbers in
// range, durations, memory sizes, drivers, folders and files that must exist. Each throws a
// UsageError (exit 2, nothing changed) that names the setting and says what to give instead.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { PROJECT_ROOT } from '../project-root.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * The drivers minikube registers (pkg/minikube/registry/drvs/init.go imports one package per driver;
 * the names are the constants of pkg/minikube/driver/driver.go), plus `qemu`, the alias minikube's
 * qemu2 driver registers (registry/drvs/qemu2/qemu2.go, driver.AliasQEMU). Which of them runs on a
 * given OS is minikube's own check (supportedDrivers in driver_<os>.go), not ours. The simulated
 * minikube knows the same list (sim/lib/tools/minikube/start.mjs, KNOWN_DRIVERS);
 * test/unit/minikube-drivers.test.ts keeps the two equal.
 */
export const MINIKUBE_DRIVERS: readonly string[] = [
  'docker',
  'podman',
  'kvm2',
  'qemu2',
  'qemu',
  'virtualbox',
  'hyperkit',
  'vfkit',
  'krunkit',
  'hyperv',
  'parallels',
  'vmware',
  'none',
  'ssh',
];

export const text = (raw: string) => raw;

export function dnsLabel(raw: string, name: string): string {
  if (raw.length > 63 || !DNS_LABEL.test(raw)) {
    throw new UsageError(
      `${name} "${raw}" is not a valid Kubernetes name`,
      'use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    );
  }
  return raw;
}

export function profileName(raw: string, name: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(raw)) {
    throw new UsageError(
      `${name} "${raw}" is not a valid minikube profile name`,
      'use letters, digits, ".", "_" or "-", e.g. --profile minikube',
    );
  }
  return raw;
}

export function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^\d+$/.test(raw.trim()))
      throw new UsageError(`${name} "${raw}" is not a whole number`, `give a number between ${min} and ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new UsageError(`${name} "${raw}" is out of range`, `give a number between ${min} and ${max}`);
    return value;
  };
}

/** Accepts 300, 300s, 5m, 1h (seconds when no unit), returns milliseconds. */
export function parseDuration(raw: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!match || !(value > 0)) {
    throw new UsageError(`${name} "${raw}" is not a duration`, 'give seconds (300) or a number with a unit: 90s, 5m, 1h');
  }
  const unit = match[2] ?? 's';
  return value * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}

export function memory(raw: string, name: string): number {
  const match = /^(\d+)\s*(mb|m|gb|g)?$/i.exec(raw.trim());
  if (!match) throw new UsageError(`${name} "${raw}" is not a memory size`, 'give megabytes (4096) or gigabytes (4g)');
  const mb = /^g/i.test(match[2] ?? '') ? Number(match[1]) * 1024 : Number(match[1]);
  if (mb < 1800)
    throw new UsageError(
      `${name} "${raw}" (${mb} MB) is below minikube's minimum of 1800 MB`,
      'give at least 2048, e.g. MINIKUBE_MEMORY=4096',
    );
  return mb;
}

export function driver(raw: string, name: string): string {
  if (raw === '' || raw === 'auto') return '';
  if (!MINIKUBE_DRIVERS.includes(raw))
    throw new UsageError(`${name} "${raw}" is not a minikube driver`, `use one of: auto, ${MINIKUBE_DRIVERS.join(', ')}`);
  return raw;
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string, name: string): T => {
    if (!values.includes(raw as T)) throw new UsageError(`${name} "${raw}" is not allowed`, `use one of: ${values.join(', ')}`);
    return raw as T;
  };
}

/**
 * Comma-separated values files, each relative to the working directory; every one must exist, so a
 * typo stops the run before helm changes anything. Applied before the runbook's own secrets file
 * and --set-string overrides (helm merges -f files left to right; --set wins over all).
 */
export function valuesFileList(raw: string, name: string): string[] {
  const files = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(resolve(file))) {
      throw new UsageError(
        `${name}: values file ${file} does not exist`,
        'give existing files, comma-separated (e.g. --values my-values.yaml,limits.yaml), or leave it unset',
      );
    }
  }
  return files.map((file) => resolve(file));
}

export /** Relative chart folders are read from the project, as runbook 03 does. */
function chartFolder(raw: string, name: string): string {
  const folder = resolve(PROJECT_ROOT, raw);
  if (!existsSync(join(folder, 'Chart.yaml'))) {
    throw new UsageError(
      `${name} "${raw}" is not a Helm chart (no Chart.yaml in ${folder})`,
      'point it at the chart folder, or unset it to use helm/todo-chatbot',
    );
  }
  return raw;
}
