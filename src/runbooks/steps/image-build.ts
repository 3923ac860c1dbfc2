// Building one planned image and putting it on the node: the calls 01-build and 02-load make for
// each image, shared with the dev loop (runbook dev), which rebuilds and loads one image per save.
// The checks stay with each runbook: 01 and 02 stop on a failure, the dev loop keeps watching.
import type { RunbookContext } from '../../runbook.ts';
import type { PlannedImage } from '../../images.ts';
import { attempt, type Attempt } from '../../errors.ts';

/** A build may take longer than the run's --timeout (a cold npm ci): never less than 15 minutes. */
const BUILD_TIMEOUT_FLOOR_MS = 900_000;
/** A load copies the whole image: never less than 10 minutes. */
const LOAD_TIMEOUT_FLOOR_MS = 600_000;

export interface Timed<T> {
  outcome: Attempt<T>;
  startedAt: number;
  ms: number;
}

/** docker build of one planned image, labelled with its content tag, into the daemon `env` names (minikube's, or the host's). */
export async function buildImage(ctx: RunbookContext, image: PlannedImage, env: Record<string, string> | undefined): Promise<Timed<void>> {
  const startedAt = ctx.clock.now();
  const outcome = await attempt(
    ctx.tools.docker.build({
      image: image.ref,
      dockerfile: image.dockerfile,
      context: image.context,
      buildArgs: image.buildArgs,
      labels: { 'org.opencontainers.image.revision': image.tag, 'io.todo-chatbot.component': image.component },
      env,
      timeoutMs: Math.max(ctx.settings.timeoutMs, BUILD_TIMEOUT_FLOOR_MS),
    }),
  );
  ctx.span('build', image.component, startedAt, ctx.clock.now());
  return { outcome, startedAt, ms: ctx.clock.now() - startedAt };
}

/** minikube image load of an image built in the host's Docker (a containerd node, or a driver without docker-env). */
export async function loadImage(ctx: RunbookContext, image: PlannedImage): Promise<Timed<void>> {
  const startedAt = ctx.clock.now();
  const outcome = await attempt(ctx.tools.minikube.imageLoad(image.ref, Math.max(ctx.settings.timeoutMs, LOAD_TIMEOUT_FLOOR_MS)));
  ctx.span('load', image.component, startedAt, ctx.clock.now());
  return { outcome, startedAt, ms: ctx.clock.now() - startedAt };
}

/**
 * The remedy for a failed `minikube image load`. "unable to calculate manifest: blob … not found"
 * is not a disk problem: minikube cannot export the image from Docker ≥ 25's image store
 * (minikube#18021, #20595, moby#47207); loading a `docker save` archive avoids that export.
 */
export function loadRemedy(text: string, ref: string, profile: string): string {
  if (/unable to calculate manifest|blob \S+ not found/.test(text)) {
    const file = `${ref.replace(/[/:]/g, '_')}.tar`;
    return `a known minikube/Docker ≥ 25 export bug, not disk space: docker save ${ref} -o ${file} && minikube image load ${file} -p ${profile}, then run this runbook again`;
  }
  if (/no space left|disk/i.test(text)) return `free disk space on the node (minikube ssh -p ${profile} -- df -h) and run again`;
  return `minikube image load ${ref} -p ${profile} --alsologtostderr shows the cause; free disk space on the node if it is full (minikube ssh -p ${profile} -- df -h)`;
}
