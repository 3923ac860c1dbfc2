// One turn of the dev loop (runbook dev): the saved components' images rebuilt with 01's build and
// content tags, loaded onto the node when they were built outside it (as 02 does), and only their
// Deployments rolled by helm, the source of truth for what runs (`helm upgrade --reuse-values
// --set-string <component>.image.tag=…`), timed from the save to the new pods' Ready.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { PROJECT_ROOT } from '../../runbook.ts';
import type { BuildDaemon } from '../../cluster/build-daemon.ts';
import { planImages, type Component, type PlannedImage, type PublicAddress } from '../../images.ts';
import { APP_COMPONENTS, componentSelector } from '../../cluster/labels.ts';
import { podState } from '../../cluster/pods.ts';
import type { KubeObject } from '../../tools/kubectl.ts';
import { attempt } from '../../errors.ts';
import { formatDuration } from '../../clock.ts';
import { buildImage, loadImage, loadRemedy } from './image-build.ts';
import { objectName } from './release.ts';

/** How often the rolled component's pods are read while helm waits: the Ready instant is known to ±1 s. */
const READY_POLL_MS = 1000;
/** The last lines of a failed build shown on screen: the failing step and what led to it. */
const BUILD_TAIL_LINES = 15;

export type Outcome = 'ready' | 'unchanged' | 'build-failed' | 'load-failed' | 'rollout-failed';

export interface LoopRow {
  n: number;
  components: Component[];
  files: string[];
  outcome: Outcome;
  detail: string;
  buildMs: number;
  loadMs: number;
  rolloutMs: number;
  /** From the first save of the batch to the new pods' Ready (only when `outcome` is ready). */
  saveToReadyMs?: number;
  /** The Deployments that are not this turn's, and whether helm left them alone. */
  othersUntouched?: boolean;
}

export interface LoopState {
  daemon: BuildDaemon;
  address: PublicAddress;
  /** The tag each component's Deployment runs now. */
  running: Record<Component, string | undefined>;
}

/** The tag in a Deployment's first container image (`repo:tag`), undefined without one. */
export function deployedTag(deployment: KubeObject | undefined): string | undefined {
  const image: string | undefined = deployment?.spec?.template?.spec?.containers?.[0]?.image;
  const m = image ? /:([^:/@]+)$/.exec(image) : null;
  return m?.[1];
}

interface DeploymentMark {
  generation: number;
  pods: string[];
}

async function markOthers(ctx: RunbookContext, skip: Component[]): Promise<Record<string, DeploymentMark>> {
  const marks: Record<string, DeploymentMark> = {};
  for (const component of APP_COMPONENTS.filter((c) => !skip.includes(c))) {
    const deployment = await ctx.tools.kubectl.get('deployment', objectName(ctx, component), ctx.settings.namespace);
    const pods = await ctx.tools.kubectl.list('pods', ctx.settings.namespace, componentSelector(ctx.settings.release, component));
    marks[component] = {
      generation: (deployment?.metadata as { generation?: number } | undefined)?.generation ?? 0,
      pods: pods.map((p) => p.metadata.name).sort(),
    };
  }
  return marks;
}

/** A rolled component is Ready when as many pods as it wants run the new image and are Ready. */
async function newPodsReady(ctx: RunbookContext, image: PlannedImage, replicas: number): Promise<boolean> {
  const pods = await ctx.tools.kubectl.list('pods', ctx.settings.namespace, componentSelector(ctx.settings.release, image.component));
  const current = pods.filter((p) => !p.metadata.deletionTimestamp && String(p.spec?.containers?.[0]?.image ?? '').endsWith(image.ref));
  return current.filter((p) => podState(p).ready).length >= Math.max(replicas, 1);
}

/** helm upgrade --reuse-values with the new tags, and the Ready instant of the new pods, read while helm waits. */
async function roll(ctx: RunbookContext, images: PlannedImage[]): Promise<{ ok: boolean; readyAt?: number; reason: string }> {
  const { helm, kubectl } = ctx.tools;
  const { release, namespace, chartDir, timeoutMs } = ctx.settings;
  const replicas: Record<string, number> = {};
  for (const i of images)
    replicas[i.component] = (await kubectl.get('deployment', objectName(ctx, i.component), namespace))?.spec?.replicas ?? 1;
  const setString: Record<string, string> = {};
  for (const i of images) {
    setString[`${i.component}.image.repository`] = i.repository;
    setString[`${i.component}.image.tag`] = i.tag;
  }
  // --atomic: pods that never get Ready are rolled back, so the running version keeps serving.
  const upgrade = attempt(
    helm.upgrade({ release, namespace, chart: resolve(PROJECT_ROOT, chartDir), timeoutMs, reuseValues: true, atomic: true, setString }),
  );
  let done = false;
  void upgrade.then(() => (done = true));
  let readyAt: number | undefined;
  const waiting = new Set(images);
  while (waiting.size > 0) {
    for (const i of [...waiting]) if (await newPodsReady(ctx, i, replicas[i.component]!)) waiting.delete(i);
    if (waiting.size === 0) readyAt = ctx.clock.now();
    else if (done) break;
    else await ctx.clock.sleep(READY_POLL_MS);
  }
  const result = await upgrade;
  if (!result.ok) return { ok: false, reason: `helm upgrade failed and rolled back: ${result.error.reason}` };
  if (readyAt === undefined)
    return { ok: false, reason: `helm finished but ${[...waiting].map((i) => i.component).join(', ')} has no Ready pod of the new image` };
  return { ok: true, readyAt, reason: 'Ready' };
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** One turn for the components a batch of saves touched; never throws for a build, load or rollout failure. */
export async function runTurn(
  ctx: RunbookContext,
  state: LoopState,
  n: number,
  touched: Component[],
  files: string[],
  savedAt: number,
): Promise<LoopRow> {
  const row: LoopRow = { n, components: [], files, outcome: 'unchanged', detail: '', buildMs: 0, loadMs: 0, rolloutMs: 0 };
  const planned = planImages(ctx.settings, PROJECT_ROOT, state.address).filter((i) => touched.includes(i.component));
  const images = planned.filter((i) => i.tag !== state.running[i.component]);
  row.components = images.map((i) => i.component);
  if (images.length === 0) {
    row.detail = `${touched.join(', ')}: the saved content gives the tag already running (${planned.map((i) => i.ref).join(', ')}); nothing to build`;
    return row;
  }
  for (const image of images) {
    const built = await buildImage(ctx, image, state.daemon.env);
    row.buildMs += built.ms;
    if (!built.outcome.ok) {
      const output = tail(built.outcome.error.stderr, BUILD_TAIL_LINES);
      ctx.evidence(`loop ${n}: docker build ${image.ref} failed (last lines)`, output);
      ctx.note(`build of ${image.component} failed (${built.outcome.error.reason}); the running pods are untouched:\n${output}`, 'warn');
      return { ...row, outcome: 'build-failed', detail: `${image.component}: ${built.outcome.error.reason}` };
    }
  }
  if (state.daemon.hostBecause) {
    for (const image of images) {
      const loaded = await loadImage(ctx, image);
      row.loadMs += loaded.ms;
      if (!loaded.outcome.ok) {
        const remedy = loadRemedy(loaded.outcome.error.stderr, image.ref, ctx.settings.profile);
        ctx.note(`loading ${image.ref} failed (${loaded.outcome.error.reason}); the running pods are untouched. ${remedy}`, 'warn');
        return { ...row, outcome: 'load-failed', detail: `${image.component}: ${loaded.outcome.error.reason}` };
      }
    }
  }
  const before = await markOthers(ctx, row.components);
  const rollStart = ctx.clock.now();
  const rolled = await roll(ctx, images);
  ctx.span('rollout', row.components.join(', '), rollStart, rolled.readyAt ?? ctx.clock.now());
  row.rolloutMs = (rolled.readyAt ?? ctx.clock.now()) - rollStart;
  const after = await markOthers(ctx, row.components);
  const moved = Object.keys(before).filter((c) => JSON.stringify(before[c]) !== JSON.stringify(after[c]));
  row.othersUntouched = moved.length === 0;
  const others = Object.keys(before);
  const change = (c: string) =>
    before[c]!.generation !== after[c]!.generation
      ? `${c} (generation ${before[c]!.generation} → ${after[c]!.generation})`
      : `${c} (pods ${before[c]!.pods.join(' ')} → ${after[c]!.pods.join(' ')})`;
  const untouched = moved.length ? `changed as well: ${moved.map(change).join(', ')}` : `${others.join(', ')} untouched`;
  if (!rolled.ok) return { ...row, outcome: 'rollout-failed', detail: `${rolled.reason}; ${untouched}` };
  for (const i of images) state.running[i.component] = i.tag;
  row.saveToReadyMs = rolled.readyAt! - savedAt;
  row.outcome = 'ready';
  row.detail = `${images.map((i) => i.ref).join(', ')} Ready ${formatDuration(row.saveToReadyMs)} after the save; ${untouched}`;
  return row;
}
