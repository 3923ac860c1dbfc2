// @ts-check
// Reading a Dockerfile into instructions, and the base images the simulated builds start from (their
// sizes and the history lines `docker history` shows for them). Also used by the simulated Gordon.
import { repoOf } from '../../model.mjs';

/** Parse a Dockerfile into instructions {cmd, args, line}. */
export function parseDockerfile(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  let buf = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!buf && /^\s*#/.test(l)) continue;
    if (buf && /^\s*#/.test(l)) continue;
    if (!buf) start = i + 1;
    if (/\\\s*$/.test(l)) {
      buf += l.replace(/\\\s*$/, '') + ' ';
      continue;
    }
    buf += l;
    const s = buf.trim();
    buf = '';
    if (!s) continue;
    const m = /^(\w+)\s*(.*)$/.exec(s);
    if (m) out.push({ cmd: m[1].toUpperCase(), args: m[2].replace(/\s+/g, ' ').trim(), line: start });
  }
  return out;
}

const BASES = {
  node: {
    size: 135_000_000,
    hist: [
      'ADD alpine-minirootfs-3.21.3-x86_64.tar.gz / # buildkit',
      'CMD ["/bin/sh"]',
      'ENV NODE_VERSION=20.19.0',
      'RUN /bin/sh -c addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node && apk add --no-cache libstdc++ # buildkit',
      'ENV YARN_VERSION=1.22.22',
      'RUN /bin/sh -c apk add --no-cache --virtual .build-deps-yarn curl gnupg tar # buildkit',
      'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit',
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      'CMD ["node"]',
    ],
  },
  python: {
    size: 124_000_000,
    hist: [
      "# debian.sh --arch 'amd64' out/ 'bookworm' '@1740355200'",
      'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV LANG=C.UTF-8',
      'RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata; rm -rf /var/lib/apt/lists/* # buildkit',
      'ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305',
      'ENV PYTHON_VERSION=3.12.9',
      'RUN /bin/sh -c set -eux; savedAptMark="$(apt-mark showmanual)"; ./configure --enable-optimizations; make -j "$nproc"; make install # buildkit',
      'CMD ["python3"]',
    ],
  },
  alpine: { size: 7_800_000, hist: ['ADD alpine-minirootfs-3.21.3-x86_64.tar.gz / # buildkit', 'CMD ["/bin/sh"]'] },
  distroless: { size: 2_300_000, hist: ['bazel build //base:static'] },
  other: { size: 75_000_000, hist: ['ADD file:6b5b16b1e3bd2e1ce93d0b0c4a4f1c5b2d17e6e1d0d1d71f0e12b3d1c6a6ef0a in / ', 'CMD ["bash"]'] },
};
export const baseOf = (ref) => {
  const r = repoOf(ref);
  if (/\/node$/.test(r)) return BASES.node;
  if (/\/python$/.test(r)) return BASES.python;
  if (/\/alpine$/.test(r)) return BASES.alpine;
  if (/distroless/.test(r)) return BASES.distroless;
  return BASES.other;
};
