// Which image a running container really runs, from its status.containerStatuses[].imageID, checked
// against the image the build produced. Only the content tag says "new" in a pod spec; the image ID
// says what the kubelet started, so a rollout that never reached a pod, or a tag reused for other
// content, shows here.
//
// The forms an imageID takes, by runtime:
// - cri-dockerd (minikube's docker runtime): `docker://sha256:<id>`, or `docker-pullable://<repo>@sha256:<digest>`
//   when the image has a repo digest (toPullableImageID, core/convert.go in Mirantis/cri-dockerd).
// - containerd: the image's first repo digest `<repo>@sha256:<digest>` when it has one, else the
//   image config digest `sha256:<id>` (ContainerStatus, internal/cri/server/container_status.go).
// A locally built image has no repo digest, but one imported into containerd gets one; the node's
// image list (`minikube image ls --format json`: id, repoDigests, repoTags) maps a digest back to the
// image id, which is the config digest `docker image inspect` gives as Id.

export interface NodeImage {
  id: string;
  repoDigests: string[];
  repoTags: string[];
}

/** `sha256:abc`, `docker://sha256:abc` and `abc` are the same id. */
export function bareId(id: string): string {
  return id
    .replace(/^docker(-pullable)?:\/\//, '')
    .replace(/^sha256:/, '')
    .trim();
}

/** The image id a container status names, resolved through the node's images when it is a repo digest. */
export function runningImageId(statusImageId: string, nodeImages: NodeImage[]): string | undefined {
  const ref = statusImageId.replace(/^docker(-pullable)?:\/\//, '');
  if (!ref) return undefined;
  const digest = /@(sha256:[0-9a-f]+)$/.exec(ref)?.[1];
  if (!digest) return bareId(ref);
  const image = nodeImages.find((i) => i.repoDigests.some((d) => d === ref || d.endsWith(`@${digest}`)));
  return image ? bareId(image.id) : undefined;
}

export interface RunningContainer {
  pod: string;
  imageID: string;
}

export interface ImageProof {
  pass: boolean;
  measured: string;
}

/** Every listed container must run the built image; `short` shortens ids for the report. */
export function proveImage(builtId: string, running: RunningContainer[], nodeImages: NodeImage[]): ImageProof {
  const want = bareId(builtId);
  const short = (id: string | undefined) => (id ? id.slice(0, 12) : 'unknown');
  if (running.length === 0) return { pass: false, measured: 'no running pod' };
  const wrong = running
    .map((c) => ({ pod: c.pod, id: runningImageId(c.imageID, nodeImages), raw: c.imageID }))
    .filter((c) => c.id !== want);
  if (wrong.length)
    return {
      pass: false,
      measured: wrong
        .map((c) => `${c.pod} runs ${c.id ? short(c.id) : `an image not on the node's list (${c.raw || 'no imageID'})`}`)
        .join('; '),
    };
  return { pass: true, measured: `${running.length} pod(s) run image ${short(want)}` };
}

/**
 * For an image pulled from a registry: every container's imageID must be the pushed manifest, as
 * `<repository>@sha256:<digest>` (containerd; cri-dockerd prefixes docker-pullable://). The digest
 * is the registry's, so no list of the node's images is needed (another cluster has none to give).
 */
export function proveDigest(repository: string, digest: string, running: RunningContainer[]): ImageProof {
  if (running.length === 0) return { pass: false, measured: 'no running pod' };
  const want = `${repository}@${digest}`;
  const wrong = running.filter((c) => c.imageID.replace(/^docker-pullable:\/\//, '') !== want);
  if (wrong.length) return { pass: false, measured: wrong.map((c) => `${c.pod} runs ${c.imageID || 'no imageID'}`).join('; ') };
  return { pass: true, measured: `${running.length} pod(s) run ${repository}@${digest.slice(0, 19)}…, pulled from the registry` };
}
