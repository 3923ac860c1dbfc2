// Kubernetes resource quantities ("500m", "384Mi", "1e3", "463118907n"), parsed once for every
// reader: the analyzers (usage against limits), runbook 05's proofs (a limit in the pod spec
// against the one it set) and the remedies that suggest a new limit.
//
// The grammar is the one documented on Quantity in kubernetes/apimachinery
// (pkg/api/resource/quantity.go): an optional sign, a number ("5", "5.", ".5", "5.5"), then either
// a suffix (binary Ki…Ei, decimal n u m "" k M G T P E) or a decimal exponent (e/E and a signed
// integer). A suffix is tried before an exponent, so "1E" is one exa and "1E3" is a thousand.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** A quantity as a plain number (memory: bytes; cpu: cores). undefined when it is not one. */
export function parseQuantity(raw: string | number | undefined | null): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const match = QUANTITY.exec(raw.trim());
  if (!match) return undefined;
  const [, number, suffix = '', exponent] = match;
  if (exponent !== undefined) return Number(number) * 10 ** Number(exponent);
  return Number(number) * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

/** Memory in bytes. */
export function parseMemory(raw: string | number | undefined | null): number | undefined {
  return parseQuantity(raw);
}

/** CPU in millicores. */
export function parseCpu(raw: string | number | undefined | null): number | undefined {
  const cores = parseQuantity(raw);
  return cores === undefined ? undefined : cores * 1000;
}

/** Bytes as a limit a person would type: whole Gi when exact, else Mi. */
export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

/** 1Gi equals 1024Mi; quantities that do not parse compare as text. */
export function sameQuantity(a: string | number | undefined, b: string | number | undefined): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined ? Math.abs(x - y) < 1e-9 * Math.max(1, Math.abs(x)) : String(a) === String(b);
}
