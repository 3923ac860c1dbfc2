// Runbook 02: get the images onto the node. When 01 built them inside minikube there is nothing
// to do; otherwise `minikube image load`, then the exact tags are verified with `minikube image ls`
// (a load does not replace an image with the same name:tag, minikube#11276). With IMAGE_REGISTRY the
// push in 01 replaces the load: this runbook then only checks that each image was pushed.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { planImages, type PlannedImage } from '../images.ts';
import { missingOnNode, requireCluster } from '../cluster/prereq-checks.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { formatDuration } from '../clock.ts';
import { publicAddress } from '../cluster/access.ts';
import { loadImage, loadRemedy } from './steps/image-build.ts';
import { clusterKind, requireRegistryFor } from '../cluster/cluster-kind.ts';
import { requirePushed } from '../registry/install.ts';

/**
 * Images that are neither on the node nor in the host's Docker need 01 first: offered once for all of
 * them (01 builds all three), not once per image.
 */
async function absentEverywhere(ctx: RunbookContext, missing: PlannedImage[]): Promise<PlannedImage[]> {
  const absent: PlannedImage[] = [];
  for (const image of missing) if (!(await ctx.tools.docker.inspectImage(image.ref))) absent.push(image);
  return absent;
}

async function buildAbsent(ctx: RunbookContext, absent: PlannedImage[], images: PlannedImage[]): Promise<PlannedImage[]> {
  await requirePrerequisite(ctx, {
    satisfied: false,
    what: `${absent.map((i) => i.ref).join(', ')} ${absent.length === 1 ? 'is' : 'are'} neither on the node nor in the host's Docker`,
    id: '01-build',
    recheck: async () => {
      for (const image of await missingOnNode(ctx, absent)) if (!(await ctx.tools.docker.inspectImage(image.ref))) return false;
      return true;
    },
  });
  return missingOnNode(ctx, images); // 01 may have built straight into minikube
}

/** With IMAGE_REGISTRY there is nothing to load: 01 pushed the images and the cluster pulls them. */
async function checkPushed(ctx: RunbookContext, images: PlannedImage[]): Promise<void> {
  ctx.note(
    `02-load is replaced by the push in 01-build: IMAGE_REGISTRY is ${ctx.settings.imageRegistry!.prefix} and the cluster pulls the images from there`,
  );
  await requirePushed(ctx, images);
}

async function loadOne(ctx: RunbookContext, image: PlannedImage): Promise<void> {
  const { outcome: result, ms } = await loadImage(ctx, image);
  ctx.require({
    id: `LOAD-${image.component.toUpperCase()}`,
    title: `${image.component} image loaded`,
    expected: 'minikube image load exits 0',
    measured: result.ok ? `loaded in ${formatDuration(ms)}` : result.error.reason,
    pass: result.ok,
    remedy: loadRemedy(result.ok ? '' : result.error.stderr, image.ref, ctx.settings.profile),
    value: ms,
    unit: 'ms',
  });
}

export const load: RunbookDefinition = {
  id: '02-load',
  title: '02 · Load the images onto the node',
  summary:
    'Puts the exact image tags onto the minikube node (minikube image load when they were built outside it) and verifies them with minikube image ls.',
  async run(ctx) {
    requireRegistryFor(ctx, await clusterKind(ctx));
    await ctx.step('Check the cluster', 'images are loaded into the running node', () => requireCluster(ctx));
    const images = planImages(ctx.settings, PROJECT_ROOT, await publicAddress(ctx)); // the same tags 01 built
    if (ctx.settings.imageRegistry) {
      await ctx.step('Check the pushed images', 'no minikube image load: the cluster pulls from the registry', () =>
        checkPushed(ctx, images),
      );
      return;
    }
    let missing = await ctx.step('List the images on the node', 'minikube image ls shows the exact tags the node has', () =>
      missingOnNode(ctx, images),
    );
    const toBuild = missing.length > 0 ? await absentEverywhere(ctx, missing) : [];
    if (toBuild.length > 0)
      missing = await ctx.step(
        'Build the images that are missing',
        "they are neither on the node nor in the host's Docker: 01 builds them",
        () => buildAbsent(ctx, toBuild, images),
      );
    if (missing.length === 0) ctx.note('every image is already on the node with its exact tag; nothing to load');
    for (const image of missing)
      await ctx.step(`Load ${image.ref}`, "copy the image from the host's Docker into the node", () => loadOne(ctx, image));
    await ctx.step('Verify the exact tags on the node', 'a pod with pullPolicy Never starts only if this exact tag is there', async () => {
      const stillMissing = new Set((await missingOnNode(ctx, images)).map((i) => i.ref));
      for (const image of images) {
        ctx.require({
          id: `IMAGE-ON-NODE-${image.component.toUpperCase()}`,
          title: `${image.component} image on the node`,
          expected: image.ref,
          measured: stillMissing.has(image.ref) ? 'not in minikube image ls' : 'present',
          pass: !stillMissing.has(image.ref),
          remedy: `npx zx runbooks/01-build.mjs, then npx zx runbooks/02-load.mjs`,
        });
      }
    });
  },
};
