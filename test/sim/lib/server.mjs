// @ts-check
// NodePort daemon: placeholder loop (full HTTP model lands with the cluster model). Exits when the
// state dir disappears or after 10 idle minutes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
const t0 = Date.now();
const timer = setInterval(() => {
  if (!existsSync(join(dir, 'state.json')) || Date.now() - t0 > 600_000) { clearInterval(timer); process.exit(0); }
}, 500);
process.on('SIGTERM', () => process.exit(0));
