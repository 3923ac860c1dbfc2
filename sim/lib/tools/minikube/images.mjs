// @ts-check
// minikube image load and image ls: copying an image from the host's store to the node's, and
// listing the node's store, with the failures the fault catalogue models.
import { notImplemented } from '../../common.mjs';
import { withState, readState } from '../../state.mjs';
import { normRef, familiarRef, storeGet, storeAdd } from '../../model.mjs';
import { goJSON } from '../../util.mjs';
import { requireRunning } from './host.mjs';

export async function imageLoad(ctx, p, pos, profile) {
  const ref = pos[0];
  if (!ref) {
    ctx.err(
      `\nX Exiting due to MK_USAGE: Please provide an image in your local daemon to load into minikube via <minikube image load IMAGE_NAME>\n\n`,
    );
    return 14;
  }
  requireRunning(ctx, profile);
  const state = readState(ctx.stateDir);
  const img = ctx.faults.has('docker-down') ? null : storeGet(state.docker, ref);
  if (!img) {
    const cache = `${ctx.env.HOME ?? '/root'}/.minikube/cache/images/amd64/${familiarRef(ref).replace(/:/g, '_').replace(/\//g, '_')}`;
    ctx.err(
      `\nX Exiting due to GUEST_IMAGE_LOAD: Failed to load image: save to dir: caching images: caching image "${cache}": write: unable to calculate manifest: Error: No such image: ${familiarRef(ref)}\n\n`,
    );
    return 80;
  }
  if (ctx.faults.has('image-load-blob-missing')) {
    // Docker ≥ 25 with the containerd image store: minikube's save to its cache cannot find a
    // layer blob (minikube#18021, #20595; moby#47207).
    const cache = `${ctx.env.HOME ?? '/root'}/.minikube/cache/images/amd64/${familiarRef(ref).replace(/:/g, '_').replace(/\//g, '_')}`;
    ctx.err(
      `\nX Exiting due to GUEST_IMAGE_LOAD: Failed to load image: save to dir: caching images: caching image "${cache}": write: unable to calculate manifest: blob ${img.id} not found\n\n`,
    );
    return 80;
  }
  // loading takes time proportional to the image size (minikube#7027)
  await ctx.clock.sleep(1500 + (img.size / 40e6) * 1000);
  const blocked = ctx.faults
    .values('image-missing')
    .some((m) => normRef(m).replace(/:[^:/]+$/, '') === normRef(ref).replace(/:[^:/]+$/, '') || m === familiarRef(ref));
  await withState(ctx.stateDir, (s) => {
    const pr = s.minikube.profiles[profile];
    if (blocked) return;
    const have = storeGet(pr.images, ref);
    if (have && have.id !== img.id && !p.flags.overwrite) return; // same tag kept (minikube#11276)
    storeAdd(pr.images, img, ref);
  });
  return 0;
}

export function imageLs(ctx, p, profile) {
  const { prof } = requireRunning(ctx, profile);
  const imgs = Object.values(prof.images.images).filter((i) => /** @type {any} */ (i).repoTags.length);
  const fmt = p.flags.format;
  if (fmt === 'json') {
    ctx.out(
      goJSON(imgs.map((i) => ({ id: i.id.slice(7), repoDigests: [], repoTags: i.repoTags.map(normRef), size: String(i.size) }))) + '\n',
    );
    return 0;
  }
  if (fmt === 'short') {
    const tags = imgs
      .flatMap((i) => i.repoTags.map(normRef))
      .sort()
      .reverse();
    ctx.out(tags.map((t) => t + '\n').join(''));
    return 0;
  }
  if (fmt === 'table' || fmt === 'yaml') notImplemented(ctx, 'minikube', `image ls --format ${fmt}`, 14);
  ctx.err(`\nX Exiting due to MK_USAGE: unsupported format: ${fmt}\n\n`);
  return 14;
}
