// Runbook 01: build the three images with content-derived tags, straight into minikube's Docker
// when the driver allows (else the host daemon), record size and build time against the budgets,
// and audit every layer for secrets.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { planImages, SECRET_PATTERNS, type PlannedImage } from '../images.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { formatDuration } from '../clock.ts';
import { redact } from '../redact.ts';
import { buildImage } from './steps/image-build.ts';
import { buildDaemon } from '../cluster/build-daemon.ts';
import { publicAddress } from '../cluster/access.ts';
import { MB, runtimeOf, totalBudget } from '../size-budgets.ts';
import { clusterKind, requireRegistryFor } from '../cluster/cluster-kind.ts';
import { loginForRun, registryCredentials } from '../registry/session.ts';
import { pushImage } from '../registry/push.ts';

/** A build of one image should take under 5 minutes (the seeds' success criterion SC-001). */
export const BUILD_TIME_TARGET_MS = 5 * 60_000;

async function buildOne(
  ctx: RunbookContext,
  image: PlannedImage,
  env: Record<string, string> | undefined,
  rebuild: boolean,
): Promise<number> {
  const { docker } = ctx.tools;
  const existing = await docker.inspectImage(image.ref, env);
  let buildMs: number | undefined;
  if (existing && !rebuild) {
    ctx.note(`${image.ref} is already built from these exact inputs; not building again (--rebuild forces it)`);
  } else {
    const built = await buildImage(ctx, image, env);
    const result = built.outcome;
    buildMs = built.ms;
    if (!result.ok) {
      ctx.evidence(`docker build ${image.ref} (last lines)`, result.error.stderr);
      ctx.require({
        id: `BUILD-${image.component.toUpperCase()}`,
        title: `${image.component} image builds`,
        expected: 'docker build exits 0',
        measured: `exit ${result.error.exitCode}: ${result.error.reason}`,
        pass: false,
        remedy: result.error.remedy,
      });
    }
  }
  const info = await docker.inspectImage(image.ref, env);
  ctx.require({
    id: `BUILD-${image.component.toUpperCase()}`,
    title: `${image.component} image built`,
    expected: image.ref,
    measured: info ? `${image.ref}${buildMs !== undefined ? ` in ${formatDuration(buildMs)}` : ' (cached)'}` : 'missing after build',
    pass: Boolean(info),
    remedy: 'run again; if it persists, build by hand with the command shown',
    value: buildMs,
    unit: 'ms',
  });
  ctx.check({
    id: `BUILD-TIME-${image.component.toUpperCase()}`,
    title: `${image.component} image build time`,
    expected: `≤ ${formatDuration(BUILD_TIME_TARGET_MS)} per image`,
    measured:
      buildMs !== undefined
        ? formatDuration(buildMs)
        : 'not built in this run: the image with these exact inputs was reused (--rebuild times it)',
    // A reused image says nothing about the build time: neither a pass nor a failure.
    pass: buildMs === undefined ? 'skip' : buildMs <= BUILD_TIME_TARGET_MS,
    remedy:
      'order the Dockerfile so dependencies install before the sources are copied (the layer cache then skips them), keep .dockerignore tight, and build inside minikube (no load step)',
    value: buildMs,
    unit: 'ms',
  });
  const size = info!.sizeBytes;
  ctx.check({
    id: `SIZE-${image.component.toUpperCase()}`,
    title: `${image.component} image size within budget`,
    expected: `≤ ${Math.round(image.budgetBytes / MB)} MB${image.budgetBasis ? ` (${image.budgetBasis})` : ''}`,
    measured: `${(size / MB).toFixed(1)} MB`,
    pass: size <= image.budgetBytes,
    remedy: 'use a slimmer base, multi-stage builds and production dependencies only',
    value: size,
    unit: 'bytes',
  });
  await auditLayers(ctx, image, env);
  return size;
}

/** The images together against one budget (001 SC-006), next to each image's own. */
function checkTotalSize(ctx: RunbookContext, sizes: Array<{ component: string; bytes: number; dockerfile: string }>): void {
  const budget = totalBudget(
    ctx.settings.sizeBudgetTotal,
    sizes.map((s) => runtimeOf(s.dockerfile)),
  );
  const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
  ctx.check({
    id: 'SIZE-TOTAL',
    title: 'all images together within budget',
    expected: `≤ ${Math.round(budget.bytes / MB)} MB (${budget.basis})`,
    measured: `${(total / MB).toFixed(1)} MB (${sizes.map((s) => `${s.component} ${(s.bytes / MB).toFixed(1)}`).join(' + ')})`,
    pass: total <= budget.bytes,
    remedy: 'slim the largest image first (its SIZE check says by how much); images on one shared base are stored once on the node',
    value: total,
    unit: 'bytes',
  });
}

async function auditLayers(ctx: RunbookContext, image: PlannedImage, env: Record<string, string> | undefined): Promise<void> {
  const layers = await ctx.tools.docker.history(image.ref, env);
  const hits: string[] = [];
  for (const layer of layers) {
    const text = `${layer.createdBy} ${layer.comment}`;
    // The framework registered every known secret from the environment and .env at start.
    if (redact(text) !== text) hits.push(`a known secret value in: ${redact(text).slice(0, 120)}`);
    for (const { name, pattern } of SECRET_PATTERNS) if (pattern.test(text)) hits.push(`${name} in: ${redact(text).slice(0, 120)}`);
  }
  ctx.check({
    id: `SECRETS-LAYERS-${image.component.toUpperCase()}`,
    title: `no secret in ${image.component} image layers`,
    expected: 'no secret in docker history',
    measured: hits.length ? hits.join('; ') : `${layers.length} layers clean`,
    pass: hits.length === 0,
    remedy: 'never pass secrets as build args or ENV in a Dockerfile; inject them at run time from the Kubernetes Secret',
  });
}

export const build: RunbookDefinition = {
  id: '01-build',
  title: '01 · Build the images',
  summary:
    "Builds the frontend, backend and MCP images with content-derived tags, into minikube's Docker when possible, and checks size budgets and layers for secrets; with IMAGE_REGISTRY pushes them there and proves each digest.",
  flags: [{ name: 'rebuild', type: 'boolean', description: 'build even when an image with the same content tag exists' }],
  async run(ctx) {
    requireRegistryFor(ctx, await clusterKind(ctx));
    const registry = ctx.settings.imageRegistry;
    const credentials = registry
      ? await ctx.step('Read the registry credentials', 'before anything is built: a missing password stops the run first', () =>
          registryCredentials(ctx, registry),
        )
      : undefined;
    await ctx.step('Check the cluster', "the build goes into the cluster's Docker and its URLs become build arguments", () =>
      requireCluster(ctx),
    );
    // Before any build: refused credentials stop the run before minutes of building.
    const env = registry
      ? await ctx.step(`Log in to ${registry.host}`, 'docker login --password-stdin, into a private DOCKER_CONFIG removed at the end', () =>
          loginForRun(ctx, registry, credentials),
        )
      : undefined;
    const address = await ctx.step(
      'Decide the public address',
      'the public URLs baked into the frontend must be where the browser reaches the app',
      async () => {
        const a = await publicAddress(ctx);
        ctx.fact('public address', `${a.host}:${a.frontendPort} (frontend), ${a.host}:${a.backendPort} (backend): ${a.why}`);
        return a;
      },
    );
    const images = await ctx.step(
      'Plan the images',
      'a tag derived from sources, Dockerfile and build args never reuses a tag',
      async () => {
        const planned = planImages(ctx.settings, PROJECT_ROOT, address);
        for (const i of planned) ctx.fact(`image ${i.component}`, `${i.ref} (context ${i.context}, ${i.dockerfile})`);
        return planned;
      },
    );
    const target = await ctx.step(
      'Choose the Docker daemon',
      'building inside minikube avoids the slow image load (minikube#7027)',
      async () => {
        const daemon = await buildDaemon(ctx);
        if (registry) ctx.note(`building into the host's Docker: ${daemon.hostBecause}; the cluster pulls them from there (no 02-load)`);
        else if (daemon.hostBecause)
          ctx.note(
            `building into the host's Docker: ${daemon.hostBecause}; 02-load then copies the images onto the node (minikube image load)`,
            'warn',
          );
        return daemon;
      },
    );
    ctx.fact('build target', target.where);
    const sizes: Array<{ component: string; bytes: number; dockerfile: string }> = [];
    for (const image of images) {
      const bytes = await ctx.step(`Build ${image.component} (${image.ref})`, `${image.dockerfile} in ${image.context}`, () =>
        buildOne(ctx, image, target.env, ctx.flag('rebuild') === true),
      );
      sizes.push({ component: image.component, bytes, dockerfile: image.dockerfile });
    }
    checkTotalSize(ctx, sizes);
    if (!registry) return;
    for (const image of images)
      await ctx.step(`Push ${image.component} (${image.pushRef})`, 'the cluster pulls this exact tag; its digest is proven', () =>
        pushImage(ctx, registry, image, env),
      );
  },
};
