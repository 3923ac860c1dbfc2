// The deployed system as a Mermaid flowchart, drawn from the live objects: browser → frontend →
// backend → MCP → PostgreSQL, each Service with its type and ports, each pod with its name and
// container port, and the Secret and ConfigMap with the components that read them. The paths
// between components are the app's (the browser calls the frontend and, for the API, the backend;
// the backend calls MCP at MCP_SERVER_URL; backend and MCP reach the database at DATABASE_URL);
// every name and port is read from the cluster. docs/architecture.md has the same picture drawn
// from the chart's defaults.
import type { KubeObject } from '../tools/kubectl.ts';
import { COMPONENT_LABEL } from './labels.ts';

export const DRAWN_COMPONENTS = ['frontend', 'backend', 'mcp', 'postgresql'] as const;
type Drawn = (typeof DRAWN_COMPONENTS)[number];

/** Who calls whom, and why: the app's shape, the same for the demo and a Phase III app. */
const CALLS: Array<{ from: Drawn | 'browser'; to: Drawn; why: string }> = [
  { from: 'browser', to: 'frontend', why: 'the page' },
  { from: 'browser', to: 'backend', why: 'API calls (NEXT_PUBLIC_API_URL)' },
  { from: 'frontend', to: 'backend', why: '/api/*' },
  { from: 'backend', to: 'mcp', why: 'MCP_SERVER_URL' },
  { from: 'backend', to: 'postgresql', why: 'DATABASE_URL' },
  { from: 'mcp', to: 'postgresql', why: 'DATABASE_URL' },
];

interface EnvRef {
  valueFrom?: { secretKeyRef?: { name?: string; key?: string }; configMapKeyRef?: { name?: string; key?: string } };
}

/** Mermaid labels are quoted: a quote inside would end them. */
const label = (text: string) => text.replace(/"/g, "'");

/** "port → target port", a named target port resolved through the pods' container ports; the node port when there is one. */
function servicePorts(svc: KubeObject, pods: KubeObject[]): string {
  const named = new Map<string, number>();
  for (const pod of pods)
    for (const c of (pod.spec?.containers ?? []) as Array<{ ports?: Array<{ name?: string; containerPort: number }> }>)
      for (const p of c.ports ?? []) if (p.name) named.set(p.name, p.containerPort);
  const ports = (svc.spec?.ports ?? []) as Array<{ port: number; targetPort?: number | string; nodePort?: number }>;
  return ports
    .map((p) => {
      const target = typeof p.targetPort === 'string' ? (named.get(p.targetPort) ?? p.targetPort) : (p.targetPort ?? p.port);
      return `:${p.port} → pod :${target}${p.nodePort ? `, node port :${p.nodePort}` : ''}`;
    })
    .join('; ');
}

function podPorts(pod: KubeObject): string {
  const containers = (pod.spec?.containers ?? []) as Array<{ ports?: Array<{ containerPort: number }> }>;
  return containers.flatMap((c) => (c.ports ?? []).map((p) => `:${p.containerPort}`)).join(' ');
}

/** Which components read which keys of a Secret or ConfigMap (env valueFrom …KeyRef). */
function readers(pods: KubeObject[], ref: 'secretKeyRef' | 'configMapKeyRef', name: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const pod of pods) {
    const component = pod.metadata.labels?.[COMPONENT_LABEL] ?? '';
    for (const c of (pod.spec?.containers ?? []) as Array<{ env?: EnvRef[] }>)
      for (const e of c.env ?? []) {
        const r = e.valueFrom?.[ref];
        if (r?.name === name && r.key) out.set(component, (out.get(component) ?? new Set()).add(r.key));
      }
  }
  return out;
}

/** The first Secret / ConfigMap the pods read through env refs (the chart's one of each, or existingSecret). */
function referenced(pods: KubeObject[], ref: 'secretKeyRef' | 'configMapKeyRef'): string | undefined {
  for (const pod of pods)
    for (const c of (pod.spec?.containers ?? []) as Array<{ env?: EnvRef[] }>)
      for (const e of c.env ?? []) if (e.valueFrom?.[ref]?.name) return e.valueFrom[ref]!.name;
  return undefined;
}

export interface SystemObjects {
  services: KubeObject[];
  pods: KubeObject[];
}

export interface SystemPicture {
  mermaid: string;
  /** Components drawn with a Service and at least one running pod; an external database counts. */
  complete: Drawn[];
  /** Components missing their Service or every pod. */
  incomplete: Drawn[];
  podCount: number;
  secretName?: string;
  configMapName?: string;
  /** Components that read the Secret / the ConfigMap. */
  secretReaders: string[];
  configReaders: string[];
}

/** A Mermaid flowchart of what runs. Pods being deleted are left out; a component without a Service is drawn from its pods alone. */
export function systemDiagram({ services, pods }: SystemObjects): SystemPicture {
  const drawn = (p: KubeObject) => (DRAWN_COMPONENTS as readonly string[]).includes(p.metadata.labels?.[COMPONENT_LABEL] ?? '');
  const live = pods.filter((p) => !p.metadata.deletionTimestamp && drawn(p));
  const secretName = referenced(live, 'secretKeyRef');
  const configMapName = referenced(live, 'configMapKeyRef');
  const complete: Drawn[] = [];
  const incomplete: Drawn[] = [];
  const lines = ['flowchart LR', '  browser(["browser"])'];
  const present = new Set<Drawn>();
  const withService = new Set<Drawn>();
  for (const component of DRAWN_COMPONENTS) {
    const svc = services.find((s) => s.metadata.labels?.[COMPONENT_LABEL] === component);
    const mine = live
      .filter((p) => p.metadata.labels?.[COMPONENT_LABEL] === component)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (svc && mine.length) complete.push(component);
    else if (component !== 'postgresql' || svc || mine.length) incomplete.push(component);
    if (!svc && !mine.length) continue;
    present.add(component);
    lines.push(`  subgraph ${component}_group["${component}"]`);
    if (svc) {
      withService.add(component);
      const type = svc.spec?.type ?? 'ClusterIP';
      lines.push(`    ${component}_svc[["Service ${label(svc.metadata.name)}<br/>${label(type)} ${label(servicePorts(svc, mine))}"]]`);
    }
    for (const [i, p] of mine.entries()) {
      lines.push(`    ${component}_pod${i}("pod ${label(p.metadata.name)}<br/>${label(podPorts(p))}")`);
      if (svc) lines.push(`    ${component}_svc --> ${component}_pod${i}`);
    }
    lines.push('  end');
  }
  if (!present.has('postgresql')) {
    // DATABASE_URL points outside the cluster (an external database such as Neon).
    lines.push('  postgresql_svc[("external PostgreSQL<br/>DATABASE_URL")]');
    present.add('postgresql');
    withService.add('postgresql');
    complete.push('postgresql');
  }
  const entry = (c: Drawn) => (withService.has(c) ? `${c}_svc` : `${c}_group`);
  for (const call of CALLS) {
    if ((call.from !== 'browser' && !present.has(call.from)) || !present.has(call.to)) continue;
    lines.push(`  ${call.from === 'browser' ? 'browser' : `${call.from}_group`} -->|"${label(call.why)}"| ${entry(call.to)}`);
  }
  const secretReaders = secretName ? readers(live, 'secretKeyRef', secretName) : new Map<string, Set<string>>();
  const configReaders = configMapName ? readers(live, 'configMapKeyRef', configMapName) : new Map<string, Set<string>>();
  if (secretName) {
    lines.push(`  secret[/"Secret ${label(secretName)}"/]`);
    // Key names only: they say what each component is given, never what it is.
    for (const [component, keys] of secretReaders) lines.push(`  secret -.->|"${label([...keys].sort().join(', '))}"| ${component}_group`);
  }
  if (configMapName) {
    lines.push(`  configmap[/"ConfigMap ${label(configMapName)}"/]`);
    for (const [component, keys] of configReaders) lines.push(`  configmap -.->|"${keys.size} settings"| ${component}_group`);
  }
  return {
    mermaid: lines.join('\n'),
    complete,
    incomplete,
    podCount: live.length,
    secretName,
    configMapName,
    secretReaders: [...secretReaders.keys()],
    configReaders: [...configReaders.keys()],
  };
}
