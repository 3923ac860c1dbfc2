// The three images: where their sources are, and a tag derived from everything that goes into
// the build (sources, Dockerfile, build args). A changed input gives a new tag, so a rebuilt image
// never reuses one (minikube image load does not replace an image with the same name:tag).
import { DEFAULT_NODE_PORTS } from './cluster/release-values.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Settings } from './config.ts';
import { UsageError } from './errors.ts';
import { APP_COMPONENTS, type AppComponent } from './cluster/labels.ts';
import { sizeBudget } from './size-budgets.ts';

/** An app component: one image each (PostgreSQL's image comes from Docker Hub). */
export type Component = AppComponent;

export interface ImageSpec {
  component: Component;
  repository: string;
  context: string;
  dockerfile: string;
  /** The folders under the context that go into this image, hashed for the tag: the demo's
   *  context is app/, shared by the three, so each tag covers only its service and app/shared. */
  inputs: string[];
  /** Size budget in bytes: SIZE_BUDGET_<COMPONENT>, or the default for the runtime the Dockerfile builds on (size-budgets.ts). */
  budgetBytes: number;
  /** Where the budget comes from, for the report. */
  budgetBasis?: string;
}

export const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.next', '__pycache__', '.venv', 'venv', '.pytest_cache', 'coverage']);

export function imageSpecs(settings: Settings, root: string): ImageSpec[] {
  const budget = (component: Component, dockerfile: string) => {
    const b = sizeBudget(
      component,
      dockerfile,
      { frontend: settings.sizeBudgetFrontend, backend: settings.sizeBudgetBackend, mcp: settings.sizeBudgetMcp }[component],
    );
    return { budgetBytes: b.bytes, budgetBasis: b.basis };
  };
  return APP_COMPONENTS.map((component) => {
    if (settings.appSource === 'demo') {
      // One copy of the shared code (app/shared): the context is app/, and each Dockerfile copies
      // its own service folder and shared/ (docs/demo-app.md, "One shared copy").
      const dockerfile = join(root, 'docker', `${component}.Dockerfile`);
      return {
        component,
        repository: `todo-${component}`,
        context: join(root, 'app'),
        dockerfile,
        inputs: [component, 'shared'],
        ...budget(component, dockerfile),
      };
    }
    const dir = { frontend: settings.frontendDir, backend: settings.backendDir, mcp: settings.mcpDir }[component];
    const envName = { frontend: 'APP_FRONTEND_DIR', backend: 'APP_BACKEND_DIR', mcp: 'APP_MCP_DIR' }[component];
    if (!dir)
      throw new UsageError(
        `APP_SOURCE=custom needs ${envName}`,
        `set ${envName} in .env to the folder of your ${component} (docs/bring-your-own-app.md)`,
      );
    const context = resolve(root, dir);
    if (!existsSync(context))
      throw new UsageError(`${envName} ${dir} does not exist`, `point ${envName} at the folder of your ${component}`);
    const explicit = { frontend: settings.frontendDockerfile, backend: settings.backendDockerfile, mcp: settings.mcpDockerfile }[component];
    const fallback = join(
      root,
      'docker',
      'templates',
      { frontend: 'nextjs.Dockerfile', backend: 'fastapi.Dockerfile', mcp: 'python-mcp.Dockerfile' }[component],
    );
    const dockerfile = explicit
      ? resolve(root, explicit)
      : existsSync(join(context, 'Dockerfile'))
        ? join(context, 'Dockerfile')
        : fallback;
    if (!existsSync(dockerfile))
      throw new UsageError(`Dockerfile ${dockerfile} does not exist`, `set ${component.toUpperCase()}_DOCKERFILE in .env`);
    return { component, repository: `todo-${component}`, context, dockerfile, inputs: ['.'], ...budget(component, dockerfile) };
  });
}

function walk(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name === '.env' || name.startsWith('.env.')) continue;
    const full = join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) walk(full, root, out);
    else if (stat.isFile()) out.push(relative(root, full));
  }
}

/** 12 hex characters of sha256 over the sources (every input folder), the Dockerfile and the build args. */
export function contentTag(spec: ImageSpec, buildArgs: Record<string, string>): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  for (const input of spec.inputs) walk(join(spec.context, input), spec.context, files);
  for (const file of files) {
    hash.update(`file:${file}\0`);
    hash.update(readFileSync(join(spec.context, file)));
  }
  hash.update(`dockerfile\0`);
  hash.update(readFileSync(spec.dockerfile));
  for (const key of Object.keys(buildArgs).sort()) hash.update(`arg:${key}=${buildArgs[key]}\0`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Where the browser reaches the app: the node's NodePorts (the chart's 30080 frontend and 30081
 * backend, or those the user's values files set: cluster/release-values.ts nodePorts), or local port-forwards (127.0.0.1:3000 and :8000) where the node's IP is not reachable from the host
 * (src/cluster/access.ts needsPortForward).
 */
export interface PublicAddress {
  host: string;
  frontendPort: number;
  backendPort: number;
}

export const nodePortAddress = (nodeIp: string, ports: { frontend: number; backend: number } = DEFAULT_NODE_PORTS): PublicAddress => ({
  host: nodeIp,
  frontendPort: ports.frontend,
  backendPort: ports.backend,
});
export const LOCAL_FORWARD_ADDRESS: PublicAddress = { host: '127.0.0.1', frontendPort: 3000, backendPort: 8000 };

/** Build args that depend on the cluster: the public URLs the browser uses (a string is a node IP). */
export function publicUrls(address: string | PublicAddress): { frontend: string; backend: string } {
  const a = typeof address === 'string' ? nodePortAddress(address) : address;
  return { frontend: `http://${a.host}:${a.frontendPort}`, backend: `http://${a.host}:${a.backendPort}` };
}

export function buildArgsFor(component: Component, urls: { frontend: string; backend: string }): Record<string, string> {
  // Only the frontend bakes public URLs in (Next.js inlines NEXT_PUBLIC_* at build time).
  return component === 'frontend' ? { NEXT_PUBLIC_API_URL: urls.backend, NEXT_PUBLIC_APP_URL: urls.frontend } : {};
}

export interface PlannedImage extends ImageSpec {
  tag: string;
  ref: string;
  buildArgs: Record<string, string>;
  /** With IMAGE_REGISTRY: the repository in the registry (<prefix>/<repository>) the chart pulls from. */
  registryRepository?: string;
  /** With IMAGE_REGISTRY: the reference 01 pushes, <registryRepository>:<tag>. */
  pushRef?: string;
}

export function planImages(settings: Settings, root: string, address: string | PublicAddress): PlannedImage[] {
  const urls = publicUrls(address);
  return imageSpecs(settings, root).map((spec) => {
    const buildArgs = buildArgsFor(spec.component, urls);
    const tag = contentTag(spec, buildArgs);
    const registry = settings.imageRegistry;
    const registryRepository = registry ? `${registry.prefix}/${spec.repository}` : undefined;
    return {
      ...spec,
      tag,
      ref: `${spec.repository}:${tag}`,
      buildArgs,
      ...(registryRepository ? { registryRepository, pushRef: `${registryRepository}:${tag}` } : {}),
    };
  });
}

/** Secret-looking content in a layer's command: known values are caught by redact(), these by shape. */
export const SECRET_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'OpenAI key', pattern: /\bsk-[A-Za-z0-9_-]{20,}/ },
  { name: 'database URL with a password', pattern: /postgres(?:ql)?:\/\/[^:\s/@]+:[^@\s]+@/ },
  { name: 'secret assignment', pattern: /\b(?:BETTER_AUTH_SECRET|OPENAI_API_KEY|GEMINI_API_KEY|POSTGRES_PASSWORD|DATABASE_URL)=\S+/ },
  { name: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];
