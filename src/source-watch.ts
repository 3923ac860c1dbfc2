// Watching the app's sources for the dev loop (runbook dev): which paths belong to which
// component, and saves gathered into one batch once they stop coming (an editor's save, a
// formatter, a branch switch are bursts of events).
//
// The watcher is chokidar 4 (github.com/paulmillr/chokidar), not `fs.watch(dir, { recursive: true })`:
// on Linux, Node 20's recursive watch is built in JavaScript on one inotify watch per folder and
// has had races that lose events while it walks the tree and throws on deleted files
// (nodejs/node#48437, #52018). chokidar 4 has one dependency (readdirp), runs on Node ≥ 14.16
// (chokidar 5 needs Node ≥ 20.19, above this project's `node >= 20`), and adds the folders
// created after it started.
import { watch, type FSWatcher } from 'chokidar';
import { basename, join, relative, sep } from 'node:path';
import type { ImageSpec, Component } from './images.ts';
import { SKIP_DIRS } from './images.ts';

/** The paths whose change gives a component a new image: the folders its content tag hashes, and its Dockerfile. */
export function watchedPaths(spec: Pick<ImageSpec, 'context' | 'inputs' | 'dockerfile'>): string[] {
  return [...spec.inputs.map((input) => join(spec.context, input)), spec.dockerfile];
}

/**
 * Files that never reach an image or are not sources: the folders the content tag skips
 * (node_modules, .next, __pycache__, dist, …), .env files, and editors' swap and backup files.
 */
export function ignoredPath(path: string): boolean {
  const parts = path.split(sep);
  if (parts.some((p) => SKIP_DIRS.has(p))) return true;
  const name = basename(path);
  return name === '.env' || name.startsWith('.env.') || /\.sw[a-p]$|~$|^\.#|^#.*#$|^4913$/.test(name);
}

/** The components a changed file belongs to: a file in a shared folder (app/shared) belongs to each that builds it. */
export function componentsOf(file: string, paths: Record<string, string[]>): Component[] {
  const owns = (p: string) => file === p || !relative(p, file).startsWith('..');
  return (Object.keys(paths) as Component[]).filter((c) => paths[c]!.some(owns));
}

export interface SaveBatch {
  /** Absolute paths of the files that changed, in the order first seen. */
  files: string[];
  /** When the first save of the batch was seen, in the run's clock. */
  firstAt: number;
}

/** One watcher over every path; `next()` gives the saves gathered since the last batch, once quiet. */
export class SourceWatcher {
  private readonly watcher: FSWatcher;
  private pending: string[] = [];
  private firstAt: number | undefined;
  private lastEventAt = 0;
  private wake: (() => void) | undefined;

  constructor(
    paths: string[],
    private readonly now: () => number,
  ) {
    // Judged below the watched path only: a folder named dist above the project must not hide it.
    const inside = (path: string) => {
      const root = paths.find((p) => path === p || !relative(p, path).startsWith('..'));
      return root === undefined ? '' : relative(root, path);
    };
    this.watcher = watch(paths, { ignoreInitial: true, ignored: (path) => ignoredPath(inside(path)) });
    this.watcher.on('all', (event, path) => {
      if (event === 'addDir') return; // a new folder changes nothing until a file in it does
      if (!this.pending.includes(path)) this.pending.push(path);
      this.firstAt ??= this.now();
      this.lastEventAt = Date.now();
      this.wake?.();
    });
  }

  /** Resolves once the initial scan is done: a save before that could be missed. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.watcher.once('ready', () => resolve());
      this.watcher.once('error', reject);
    });
  }

  /**
   * The next batch: waits for a save, then until no save came for `quietMs` of real time (saves are
   * real-world events, whatever clock the run measures in). Undefined once `stopped` resolves.
   */
  async next(quietMs: number, stopped: Promise<void>): Promise<SaveBatch | undefined> {
    let stop = false;
    void stopped.then(() => {
      stop = true;
      this.wake?.();
    });
    for (;;) {
      if (stop) return undefined;
      if (this.pending.length && Date.now() - this.lastEventAt >= quietMs) {
        const batch = { files: this.pending, firstAt: this.firstAt! };
        this.pending = [];
        this.firstAt = undefined;
        return batch;
      }
      const wait = this.pending.length ? quietMs - (Date.now() - this.lastEventAt) : undefined;
      await new Promise<void>((resolve) => {
        const timer = wait === undefined ? undefined : setTimeout(resolve, Math.max(wait, 1));
        this.wake = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  close(): Promise<void> {
    return this.watcher.close();
  }
}
