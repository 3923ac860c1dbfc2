// Criteria 03 judges once every pod is Ready: the install's time to all-Ready (001 SC-001), no
// error line in any container's start-up log (003 SC-007), and that every running pod runs the
// image the build produced (000 US4: a changed source gives a new tag, and the new image reaches
// every pod of its component).
import type { RunbookContext } from '../runbook.ts';
import type { PlannedImage } from '../images.ts';
import type { PodState } from './pods.ts';
import { COMPONENT_LABEL, releaseSelector } from './labels.ts';
import { formatDuration } from '../clock.ts';
import { errorLines } from './startup-logs.ts';
import { proveDigest, proveImage } from './image-proof.ts';
import { clusterKind } from './cluster-kind.ts';
import { pushedDigest } from '../registry/push.ts';
import { buildDaemon } from './build-daemon.ts';
import type { ContainerStatus } from './kube-types.ts';

export const INSTALL_TARGET_MS = 5 * 60_000;
/** Enough lines to cover a start-up; a container that logs more before it is Ready is itself a finding. */
const STARTUP_LOG_LINES = 300;

/** From the moment helm was called to the last pod's Ready condition. */
export function checkInstallTime(ctx: RunbookContext, installStart: number, pods: PodState[]): void {
  const readyAts = pods.map((p) => p.readyAt);
  const allReady = readyAts.length > 0 && readyAts.every((t) => t !== undefined);
  // A pod that helm left as it was (an upgrade that changed nothing for it) was Ready before the call.
  const last = allReady ? Math.max(installStart, ...(readyAts as number[])) : undefined;
  const ms = last !== undefined ? last - installStart : undefined;
  ctx.check({
    id: 'INSTALL-TIME',
    title: 'install to every pod Ready',
    expected: `≤ ${formatDuration(INSTALL_TARGET_MS)} from helm upgrade --install`,
    measured: ms !== undefined ? `${formatDuration(ms)} (${pods.length} pods)` : 'not every pod is Ready',
    pass: ms !== undefined && ms <= INSTALL_TARGET_MS,
    remedy: 'the slowest pod is in the READY-* checks: its probes (initialDelaySeconds, periodSeconds) or its image pull set the pace',
    value: ms,
    unit: 'ms',
  });
}

/**
 * The start-up logs of the pods this run started: the current container of every pod created since
 * `startedSince`, one check per component. A pod helm left alone (an upgrade that did not change
 * it) started under an earlier run, which judged its start-up; what it logged since belongs to
 * other events (a rotation's clients still using the old password, say), not to this start-up.
 */
export async function checkStartupLogs(ctx: RunbookContext, pods: PodState[], startedSince: number): Promise<void> {
  const { namespace } = ctx.settings;
  const byComponent = new Map<string, { started: PodState[]; before: number }>();
  for (const p of pods) {
    if (!p.component) continue;
    const entry = byComponent.get(p.component) ?? { started: [], before: 0 };
    // creationTimestamp has whole seconds: a pod made in the second helm was called counts as started by it.
    if (p.createdAt >= startedSince - 1000) entry.started.push(p);
    else entry.before++;
    byComponent.set(p.component, entry);
  }
  for (const [component, { started: list, before }] of byComponent) {
    const title = `no error line in the ${component} start-up logs`;
    const untouched = before ? `; ${before} pod(s) from before this run not read (an earlier run judged their start-up)` : '';
    if (!list.length) {
      ctx.check({
        id: `STARTUP-LOGS-${component.toUpperCase()}`,
        title,
        expected: 'the start-up logs of the pods this run started',
        measured: `no ${component} pod started by this run${untouched}`,
        pass: 'skip',
      });
      continue;
    }
    const found: string[] = [];
    const unread: string[] = [];
    for (const pod of list) {
      try {
        const log = await ctx.tools.kubectl.logs(pod.name, component, namespace, STARTUP_LOG_LINES);
        for (const line of errorLines(log)) found.push(`${pod.name}: ${line.trim().slice(0, 200)}`);
      } catch (error) {
        unread.push(`${pod.name} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      }
    }
    if (found.length) ctx.evidence(`error lines in the ${component} start-up logs`, found.join('\n'));
    ctx.check({
      id: `STARTUP-LOGS-${component.toUpperCase()}`,
      title,
      expected: `no error, fatal or panic line in the ${list.length} pod(s) this run started`,
      measured: found.length
        ? `${found.length} error line(s); first: ${found[0]}`
        : unread.length
          ? `could not read: ${unread.join(', ')}`
          : `${list.length} pod(s) clean${untouched}`,
      pass: found.length ? false : unread.length ? 'warn' : true,
      remedy: `read the lines in the evidence; kubectl logs -l ${COMPONENT_LABEL}=${component} -n ${namespace} --context ${ctx.tools.kubectl.context}`,
    });
  }
}

/**
 * Every running pod of each app component runs the image built for it: the pod's imageID (read
 * through the node's image list) against the id of the tag in the daemon 01 built in.
 */
export async function proveRunningImages(ctx: RunbookContext, images: PlannedImage[]): Promise<void> {
  const { release, namespace } = ctx.settings;
  const daemon = await buildDaemon(ctx);
  // Another cluster has no `minikube image ls`; its images come from the registry, proven by digest.
  const nodeImages = (await clusterKind(ctx)).minikube ? await ctx.tools.minikube.images() : [];
  const pods = (await ctx.tools.kubectl.list('pods', namespace, releaseSelector(release))).filter(
    (p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running',
  );
  for (const image of images) {
    const running = pods
      .filter((p) => p.metadata.labels?.[COMPONENT_LABEL] === image.component)
      .map((p) => ({
        pod: p.metadata.name,
        imageID: ((p.status?.containerStatuses ?? []) as ContainerStatus[]).find((c) => c.name === image.component)?.imageID ?? '',
      }));
    if (image.registryRepository) {
      const digest = await pushedDigest(ctx, image);
      const proof = digest
        ? proveDigest(image.registryRepository, digest, running)
        : { pass: false, measured: `${image.pushRef} was not pushed from here` };
      ctx.check({
        id: `IMAGE-${image.component.toUpperCase()}`,
        title: `every ${image.component} pod runs the image pushed as ${image.pushRef}`,
        expected: `imageID ${image.registryRepository}@${digest ? `${digest.slice(0, 19)}…` : '(pushed digest)'} (the digest docker push reported)`,
        measured: proof.measured,
        pass: proof.pass,
        remedy: `a pod on another image: kubectl rollout status deploy/<release>-${image.component} -n ${namespace}; an unpushed image: run 01-build again`,
      });
      continue;
    }
    const built = (await ctx.tools.docker.inspectImage(image.ref, daemon.env))?.id;
    // Loaded with 02 from a daemon that is gone since, the node's copy of the tag is the build.
    const fallback = nodeImages.find((i) => i.repoTags.includes(image.ref))?.id;
    const id = built ?? fallback;
    const proof = id
      ? proveImage(id, running, nodeImages)
      : { pass: false, measured: `${image.ref} not found in ${daemon.where} or on the node` };
    ctx.check({
      id: `IMAGE-${image.component.toUpperCase()}`,
      title: `every ${image.component} pod runs the image built as ${image.ref}`,
      expected: `image id ${id ? id.replace(/^sha256:/, '').slice(0, 12) : '(built image)'} (${built ? `docker image inspect in ${daemon.where}` : "the node's copy of the tag"})`,
      measured: proof.measured,
      pass: proof.pass,
      remedy: `a pod still on another image: kubectl rollout status deploy/<release>-${image.component} -n ${namespace}; the tag on the node differs from the build: run 02-load again`,
    });
  }
}
