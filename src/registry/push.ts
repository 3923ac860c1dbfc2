// 01's last part with IMAGE_REGISTRY: each built image tagged <prefix>/<repository>:<content tag>
// and pushed, and the digest the registry stored proven twice — docker push's "digest:" line and
// the RepoDigests docker records for the image afterwards must name the same manifest. 02-load and
// 03 read the pushed digest back from RepoDigests (pushedDigest), so nothing else has to keep it.
import type { RunbookContext } from '../runbook.ts';
import type { PlannedImage } from '../images.ts';
import type { RegistryTarget } from './reference.ts';
import { formatDuration } from '../clock.ts';
import { attempt } from '../errors.ts';

/** The digest a pushed image's RepoDigests names for its registry repository, or undefined when it was not pushed from here. */
export async function pushedDigest(ctx: RunbookContext, image: PlannedImage, env?: Record<string, string>): Promise<string | undefined> {
  if (!image.pushRef || !image.registryRepository) return undefined;
  const info = await ctx.tools.docker.inspectImage(image.pushRef, env);
  const prefix = `${image.registryRepository}@`;
  return info?.repoDigests.find((d) => d.startsWith(prefix))?.slice(prefix.length);
}

export async function pushImage(
  ctx: RunbookContext,
  target: RegistryTarget,
  image: PlannedImage,
  env: Record<string, string> | undefined,
): Promise<string> {
  const { registry } = ctx.tools;
  const C = image.component.toUpperCase();
  await registry.tag(image.ref, image.pushRef!, env);
  const started = ctx.clock.now();
  const pushed = await attempt(registry.push(image.pushRef!, target.host, env, Math.max(ctx.settings.timeoutMs, 600_000)));
  const ms = ctx.clock.now() - started;
  ctx.span('push', image.component, started, ctx.clock.now());
  if (!pushed.ok) ctx.evidence(`docker push ${image.pushRef} (last lines)`, pushed.error.stderr);
  ctx.require({
    id: `PUSH-${C}`,
    title: `${image.component} image pushed to ${target.host}`,
    expected: 'docker push exits 0 and names the manifest digest',
    measured: pushed.ok ? `${pushed.value.digest} in ${formatDuration(ms)}` : pushed.error.reason,
    pass: pushed.ok,
    remedy: pushed.ok ? '' : pushed.error.remedy,
    value: ms,
    unit: 'ms',
  });
  const digest = pushed.ok ? pushed.value.digest : '';
  const recorded = await pushedDigest(ctx, image, env);
  ctx.require({
    id: `PUSH-DIGEST-${C}`,
    title: `${image.component}: the pushed digest is the one docker records for ${image.registryRepository}`,
    expected: `${image.registryRepository}@${digest.slice(0, 19)}… in the image's RepoDigests`,
    measured: recorded ? `${image.registryRepository}@${recorded.slice(0, 19)}…` : 'no RepoDigest for that repository',
    pass: recorded === digest,
    remedy: `docker image inspect ${image.pushRef} --format '{{json .RepoDigests}}' and push again`,
  });
  ctx.fact(`pushed ${image.component}`, `${image.pushRef} = ${image.registryRepository}@${digest}`);
  return digest;
}
