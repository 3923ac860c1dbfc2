// Runbook dev: the inner loop. Watches the sources of the app's components and, on a save,
// rebuilds only the saved component's image (01's build and content tags, straight into
// minikube's Docker where it has one, else the host's Docker and a load onto the node as 02 does),
// rolls only its Deployment through helm, waits for the new pods to be Ready and shows the time
// from the save to Ready. Runs until Ctrl-C (or, with --once, for one turn), then writes the
// report; the release is left as the last turn made it.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { imageSpecs, planImages, type Component } from '../images.ts';
import { APP_COMPONENTS } from '../cluster/labels.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { publicAddress } from '../cluster/access.ts';
import { buildDaemon } from '../cluster/build-daemon.ts';
import { clusterKind } from '../cluster/cluster-kind.ts';
import { parseTarget } from '../cluster/timing.ts';
import { formatDuration } from '../clock.ts';
import { UsageError } from '../errors.ts';
import { componentsOf, SourceWatcher, watchedPaths } from '../source-watch.ts';
import { objectName, requireRelease } from './steps/release.ts';
import { deployedTag, runTurn, type LoopRow, type LoopState } from './steps/dev-iteration.ts';

/** Saves closer together than this are one batch: an editor's save and a formatter's rewrite are one change. */
const DEFAULT_QUIET_MS = 300;

interface Options {
  components: Component[];
  once: boolean;
  quietMs: number;
}

function readOptions(ctx: RunbookContext): Options {
  const raw = ctx.flag('component');
  let components: Component[] = [...APP_COMPONENTS];
  if (raw !== undefined) {
    const names = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [''];
    const unknown = names.filter((n) => !(APP_COMPONENTS as readonly string[]).includes(n));
    if (unknown.length || names.length === 0)
      throw new UsageError(
        `--component "${String(raw)}" is not a component of the app`,
        `name one or more of ${APP_COMPONENTS.join(', ')}, comma-separated (e.g. --component backend); without it all three are watched`,
      );
    components = names as Component[];
  }
  if (ctx.settings.imageRegistry)
    throw new UsageError(
      'the dev loop puts each image on the local minikube node; with IMAGE_REGISTRY set the cluster pulls from the registry instead, which the loop does not push to',
      'unset IMAGE_REGISTRY to loop on a minikube profile, or rebuild and roll through the registry with 01-build and 03-install (docs/remote-cluster.md)',
    );
  return { components, once: ctx.flag('once') === true, quietMs: parseTarget(ctx.flag('debounce'), 'debounce', DEFAULT_QUIET_MS) };
}

/** The loop loads images onto a minikube node: another cluster (a named kube-context) cannot run them. */
async function requireMinikube(ctx: RunbookContext): Promise<void> {
  const kind = await clusterKind(ctx);
  if (!kind.minikube)
    throw new UsageError(
      `the dev loop needs a minikube profile: ${kind.why}`,
      'run it against your minikube profile (--profile, --context); on another cluster rebuild and roll with 01-build and 03-install through IMAGE_REGISTRY (docs/remote-cluster.md)',
    );
}

const ms = (value: number) => formatDuration(value);

function recordTurn(ctx: RunbookContext, row: LoopRow, once: boolean): void {
  const timings = `build ${ms(row.buildMs)}, load ${ms(row.loadMs)}, rollout ${ms(row.rolloutMs)}`;
  const saved = row.files.map((f) => f.replace(`${PROJECT_ROOT}/`, '')).join(', ');
  ctx.check({
    id: `DEV-LOOP-${row.n}`,
    title: `loop ${row.n}: ${row.components.join(', ') || 'no image changed'} after saving ${saved}`,
    expected: 'the saved component rebuilt, only its Deployment rolled, its new pods Ready',
    measured:
      row.outcome === 'ready'
        ? `save → Ready ${ms(row.saveToReadyMs!)} (${timings}); ${row.detail}`
        : `${row.outcome}: ${row.detail}${row.outcome === 'unchanged' ? '' : ` (${timings})`}`,
    // A build error is the code's, not the loop's: the loop kept the running pods and goes on. With
    // --once it was the one loop asked for, so CI fails on it.
    pass:
      row.outcome === 'ready'
        ? row.othersUntouched !== false
        : row.outcome === 'rollout-failed' || row.othersUntouched === false
          ? false
          : row.outcome === 'unchanged'
            ? 'skip'
            : once
              ? false
              : 'warn',
    remedy:
      row.outcome === 'build-failed'
        ? 'fix the error the build shows (its last lines are in the evidence) and save again'
        : row.outcome === 'rollout-failed'
          ? `helm rolled the release back; the new pods did not get Ready: kubectl get pods -n ${ctx.settings.namespace}; npx zx runbooks/06-ai-diagnostics.mjs`
          : 'read the notes of this loop',
    value: row.saveToReadyMs,
    unit: 'ms',
  });
  if (row.outcome === 'ready')
    ctx.note(`loop ${row.n}: ${row.components.join(', ')} Ready ${ms(row.saveToReadyMs!)} after the save (${timings})`);
}

function summarize(ctx: RunbookContext, rows: LoopRow[]): void {
  const ready = rows.filter((r) => r.outcome === 'ready');
  const table = [
    '| loop | components | outcome | build | load | rollout | save → Ready |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.n} | ${r.components.join(', ') || '–'} | ${r.outcome} | ${ms(r.buildMs)} | ${ms(r.loadMs)} | ${ms(r.rolloutMs)} | ${r.saveToReadyMs === undefined ? '–' : ms(r.saveToReadyMs)} |`,
    ),
  ].join('\n');
  if (rows.length) ctx.evidence('every loop and its timings', table);
  const times = ready.map((r) => r.saveToReadyMs!).sort((a, b) => a - b);
  ctx.check({
    id: 'DEV-SAVE-TO-READY',
    title: 'time from a save to the new pods Ready',
    expected: 'measured for every loop that rolled',
    measured: times.length
      ? `${times.length} of ${rows.length} loop(s) Ready; median ${ms(times[Math.floor((times.length - 1) / 2)]!)}, fastest ${ms(times[0]!)}, slowest ${ms(times.at(-1)!)}`
      : `no loop reached Ready (${rows.length} loop(s))`,
    pass: times.length > 0 ? true : 'skip',
    value: times.length ? times[Math.floor((times.length - 1) / 2)] : undefined,
    unit: 'ms',
  });
}

/** Until Ctrl-C, SIGTERM, or with --once the first turn that had something to build. */
async function loop(
  ctx: RunbookContext,
  watcher: SourceWatcher,
  state: LoopState,
  options: Options,
  paths: Record<string, string[]>,
): Promise<LoopRow[]> {
  const rows: LoopRow[] = [];
  const { stopped, release } = ctx.stops.wait();
  try {
    for (;;) {
      const batch = await watcher.next(options.quietMs, stopped);
      if (!batch) break;
      const touched = [...new Set(batch.files.flatMap((f) => componentsOf(f, paths)))];
      if (touched.length === 0) continue;
      const row = await ctx.step(
        `Loop ${rows.length + 1}: ${touched.join(', ')}`,
        `saved: ${batch.files.map((f) => f.replace(`${PROJECT_ROOT}/`, '')).join(', ')}`,
        () => runTurn(ctx, state, rows.length + 1, touched, batch.files, batch.firstAt),
      );
      rows.push(row);
      recordTurn(ctx, row, options.once);
      if (options.once && row.outcome !== 'unchanged') break;
      ctx.note('watching again; press Ctrl-C to end (the release stays as it is)');
    }
  } finally {
    release();
  }
  return rows;
}

export const dev: RunbookDefinition = {
  id: 'dev',
  title: 'Dev · rebuild and roll one component on every save',
  summary:
    "Watches the app's sources; on a save rebuilds only that component's image, rolls only its Deployment with helm, and shows the time from the save to Ready. Until Ctrl-C (or --once).",
  flags: [
    {
      name: 'component',
      type: 'string',
      description: `watch only these components (comma-separated: ${APP_COMPONENTS.join(', ')}); default all three`,
    },
    { name: 'once', type: 'boolean', description: 'wait for one change, do one loop and end (tests, CI)' },
    { name: 'debounce', type: 'string', description: `saves this close together are one change (default ${DEFAULT_QUIET_MS}ms)` },
  ],
  async run(ctx) {
    const options = readOptions(ctx);
    const specs = imageSpecs(ctx.settings, PROJECT_ROOT).filter((s) => options.components.includes(s.component));
    await requireMinikube(ctx);
    await ctx.step('Check the cluster and the release', 'the loop rolls a deployed release', async () => {
      await requireCluster(ctx);
      const status = await requireRelease(ctx);
      ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
    });
    const state = await ctx.step(
      'Choose where images are built',
      'building inside minikube avoids the load step (minikube#7027)',
      async () => {
        const daemon = await buildDaemon(ctx);
        if (daemon.hostBecause) ctx.note(`building into the host's Docker and loading onto the node: ${daemon.hostBecause}`);
        const running = {} as LoopState['running'];
        for (const c of APP_COMPONENTS)
          running[c] = deployedTag(await ctx.tools.kubectl.get('deployment', objectName(ctx, c), ctx.settings.namespace));
        const address = await publicAddress(ctx);
        // Sources changed since the last install are not rolled until they are saved again: say so.
        for (const image of planImages(ctx.settings, PROJECT_ROOT, address).filter((i) => options.components.includes(i.component))) {
          ctx.fact(`running ${image.component}`, running[image.component] ?? 'no tag');
          if (running[image.component] !== image.tag)
            ctx.note(
              `${image.component}: the release runs ${running[image.component] ?? 'no tag'}, the sources give ${image.tag}; the next save of it rebuilds and rolls it`,
            );
        }
        return { daemon, address, running } satisfies LoopState;
      },
    );
    ctx.fact('build target', state.daemon.where);
    const paths = Object.fromEntries(specs.map((s) => [s.component, watchedPaths(s)]));
    const watcher = new SourceWatcher([...new Set(Object.values(paths).flat())], () => ctx.clock.now());
    ctx.onCleanup('stop watching the sources', () => watcher.close());
    await ctx.step('Watch the sources', 'a save in these paths rebuilds its component', async () => {
      await watcher.ready();
      for (const [c, p] of Object.entries(paths)) ctx.fact(`watching ${c}`, p.map((x) => x.replace(`${PROJECT_ROOT}/`, '')).join(', '));
    });
    ctx.note(
      `watching ${options.components.join(', ')}: save a file to rebuild and roll it${options.once ? ' (--once: one loop)' : '; press Ctrl-C to end (the release stays as it is)'}`,
    );
    const rows = await loop(ctx, watcher, state, options, paths);
    summarize(ctx, rows);
  },
};
