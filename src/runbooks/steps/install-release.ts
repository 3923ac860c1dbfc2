// 03's release steps: the helm upgrade --install it runs (watched, so evidence is taken before
// --atomic removes it), every pod Ready by its own timestamps, and the optional reproducibility check.
import { resolve } from 'node:path';
import type { RunbookContext } from '../../runbook.ts';
import { PROJECT_ROOT } from '../../runbook.ts';
import { publicUrls, type PlannedImage, type PublicAddress } from '../../images.ts';
import { podState, isFatal, type PodState } from '../../cluster/pods.ts';
import { RUN_TO_COMPLETION, releaseSelector } from '../../cluster/labels.ts';
import { watchReady } from '../../cluster/watch.ts';
import { diagnose, rememberPods, rootCause, type SeenPods } from './diagnose.ts';
import type { Finding } from '../../cluster/analyzers.ts';
import type { UpgradeRequest } from '../../tools/helm.ts';
import { formatDuration } from '../../clock.ts';
import { attempt } from '../../errors.ts';

/** How long a pod may take from creation to Ready. */
export const POD_READY_TARGET_MS = 60_000;

/** Image coordinates and public URLs, sent with --set-string so a tag that looks like a number stays a string. */
export function imageOverrides(images: PlannedImage[], address: PublicAddress): Record<string, string> {
  const set: Record<string, string> = {};
  for (const i of images) {
    set[`${i.component}.image.repository`] = i.repository;
    set[`${i.component}.image.tag`] = i.tag;
  }
  const urls = publicUrls(address);
  set['publicUrls.frontend'] = urls.frontend;
  set['publicUrls.backend'] = urls.backend;
  return set;
}

/** The runbook's helm upgrade --install: the user's values files first, then the secrets file and the image tags, which win. */
function installRequest(ctx: RunbookContext, valuesFile: string, set: Record<string, string>): UpgradeRequest {
  const { release, namespace, timeoutMs } = ctx.settings;
  return {
    release,
    chart: resolve(PROJECT_ROOT, ctx.settings.chartDir),
    namespace,
    timeoutMs,
    install: true,
    atomic: true,
    valuesFiles: [...ctx.settings.valuesFiles, valuesFile],
    setString: set,
  };
}

/** helm upgrade --install, while watching the pods so that evidence is taken before --atomic removes it. */
export async function installRelease(
  ctx: RunbookContext,
  valuesFile: string,
  set: Record<string, string>,
): Promise<{ revision: number; installStart: number; findings?: Finding[] }> {
  const { helm, kubectl } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const installStart = ctx.clock.now();
  const upgrade = attempt(helm.upgrade({ ...installRequest(ctx, valuesFile, set), createNamespace: true }));
  let finished = false;
  const settled = () => (finished = true);
  void upgrade.then(settled, settled);
  let findings: Finding[] | undefined;
  let seen: SeenPods | undefined;
  let stuckPod: string | undefined;
  while (!finished) {
    await ctx.clock.sleep(2000);
    if (finished || findings) continue;
    const listed = await kubectl.list('pods', namespace, releaseSelector(release));
    const now = ctx.clock.now();
    seen = rememberPods(seen, listed, now);
    const pods = listed.map(podState).filter((p) => !p.deleting);
    const stuck = pods.find(isFatal) ?? pods.find((p) => !p.ready && now - p.createdAt > POD_READY_TARGET_MS);
    if (stuck) {
      ctx.note(`pod ${stuck.name} is ${stuck.reason ?? 'not Ready'}; collecting evidence before helm gives up`, 'warn');
      stuckPod = `pod/${stuck.name}`;
      findings = (await diagnose(ctx)).findings;
    }
  }
  const result = await upgrade;
  ctx.span('install', 'helm upgrade --install', installStart, ctx.clock.now());
  if (!result.ok) {
    findings ??= (await diagnose(ctx, undefined, seen)).findings;
    // The pod the watch caught is the cause, even when caught at its first failure (an analyzer
    // rates one OOM kill a warning until it repeats) while its workload already reads as critical.
    const cause = findings.find((f) => f.object === stuckPod) ?? rootCause(findings);
    ctx.require({
      id: 'INSTALL-HELM',
      title: 'helm upgrade --install',
      expected: 'release deployed, all pods Ready within --timeout',
      measured: cause
        ? `${cause.object}: ${cause.reason} — ${result.error.reason}`
        : result.error.reason || `exit ${result.error.exitCode}`,
      pass: false,
      remedy: cause?.remedy ?? 'read the evidence in the report; raise --timeout if the cluster is slow',
    });
  }
  const status = await helm.status(release, namespace);
  ctx.require({
    id: 'INSTALL-HELM',
    title: 'helm upgrade --install',
    expected: 'status deployed',
    measured: status ? `revision ${status.version}, ${status.status}` : 'release not found',
    pass: status?.status === 'deployed',
    remedy: `helm status ${release} -n ${namespace}`,
  });
  return { revision: status!.version, installStart, findings };
}

export async function checkPodsReady(ctx: RunbookContext): Promise<PodState[]> {
  const { release, namespace } = ctx.settings;
  const selector = releaseSelector(release);
  const started = ctx.clock.now();
  // The release's pods as helm left them: how many of each component must be Ready.
  const expected: Record<string, number> = {};
  for (const p of (await ctx.tools.kubectl.list('pods', namespace, selector)).map(podState)) {
    if (!p.deleting && p.component && !RUN_TO_COMPLETION.has(p.component)) expected[p.component] = (expected[p.component] ?? 0) + 1;
  }
  const observed = await watchReady(
    { kubectl: ctx.tools.kubectl, clock: ctx.clock },
    { namespace, selector, expected, deadlineAt: started + POD_READY_TARGET_MS, pollMs: 1000, stopOnFatal: true },
  );
  const pods = observed.pods.map((p) => p.state);
  for (const p of pods) {
    const ms = p.readyAt !== undefined ? p.readyAt - p.createdAt : undefined;
    ctx.check({
      id: `READY-${p.component.toUpperCase() || 'POD'}`,
      title: `pod ${p.name} Ready`,
      expected: `Ready ≤ ${formatDuration(POD_READY_TARGET_MS)} after creation`,
      measured: ms !== undefined ? `Ready in ${formatDuration(ms)}` : `${p.reason ?? p.phase}${p.message ? `: ${p.message}` : ''}`,
      pass: ms !== undefined && ms <= POD_READY_TARGET_MS,
      remedy: 'see the diagnosis in the report',
      value: ms,
      unit: 'ms',
    });
    if (p.readyAt !== undefined) ctx.span('pods', `${p.component} ${p.name.slice(-5)}`, p.createdAt, p.readyAt);
  }
  if (!observed.done || pods.length === 0) {
    const { findings } = await diagnose(ctx);
    const cause = rootCause(findings);
    ctx.require({
      id: 'READY-ALL',
      title: 'all pods Ready',
      expected: 'every pod Ready',
      measured: cause
        ? `${cause.object}: ${cause.reason}`
        : pods.length
          ? `${pods.filter((p) => !p.ready).length} pod(s) not Ready`
          : 'no pod of the release found',
      pass: false,
      remedy: cause?.remedy ?? 'see the diagnosis in the report',
    });
  }
  return pods;
}

export async function reproducibility(ctx: RunbookContext, valuesFile: string, set: Record<string, string>): Promise<void> {
  const { helm } = ctx.tools;
  const { release, namespace, timeoutMs } = ctx.settings;
  const before = await helm.manifest(release, namespace);
  const uninstall = await attempt(helm.uninstall(release, namespace, timeoutMs));
  if (!uninstall.ok)
    ctx.require({
      id: 'REPRO',
      title: 'uninstall for the reproducibility check',
      expected: 'exit 0',
      measured: uninstall.error.reason,
      pass: false,
      remedy: `helm uninstall ${release} -n ${namespace}`,
    });
  // The same request as the install, so any difference in the objects comes from the chart itself.
  const again = await attempt(helm.upgrade(installRequest(ctx, valuesFile, set)));
  const after = again.ok ? await helm.manifest(release, namespace) : '';
  ctx.check({
    id: 'REPRO',
    title: 'uninstall + reinstall give the same objects',
    expected: 'identical manifests',
    measured: !again.ok
      ? `reinstall failed: ${again.error.reason}`
      : before === after
        ? `identical (${(before.match(/^kind:/gm) ?? []).length} objects)`
        : 'manifests differ',
    pass: again.ok && before === after,
    remedy: 'look for generated values (randAlphaNum, now) in the templates',
  });
}
