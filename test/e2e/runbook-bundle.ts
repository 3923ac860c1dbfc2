// The runbooks as most e2e tests start them: each runbooks/<id>.mjs entry point compiled ahead into
// one JavaScript file, so a run does not start tsx's loader and transpile the sources again (about
// 0.4 s of CPU per run, and the suite starts a few hundred). The bundle is the entry point's own
// code minus tsx's `register()`, built by esbuild (the compiler tsx itself uses) from the current
// sources: its folder is named by a hash of everything it is built from, so it is never stale.
// It still runs through the zx CLI, like `npx zx runbooks/<id>.mjs`. The tests that type into a
// terminal (pty.ts), and those that ask for `entry: 'source'`, run the entry points themselves;
// E2E_RUNBOOKS=source runs every test that way.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as esbuildVersion, type Plugin } from 'esbuild';

const REGISTER_IMPORT = "import { register } from 'tsx/esm/api';\n";
const REGISTER_CALL = '\nregister();\n';

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** The entry point's code without tsx's loader; refuses an entry point of another shape rather than test something else. */
function entrySource(root: string, id: string): string {
  const source = readFileSync(join(root, 'runbooks', `${id}.mjs`), 'utf8');
  if (!source.includes(REGISTER_IMPORT) || !source.includes(REGISTER_CALL))
    throw new Error(`runbooks/${id}.mjs no longer registers tsx as runbook-bundle.ts expects: update the bundle's entry`);
  return source.replace(REGISTER_IMPORT, '').replace(REGISTER_CALL, '\n');
}

/** Each bundled module keeps its own import.meta.url (src/ finds the project root from it). */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** The runbook entry points, as `runbooks/<id>.mjs`. */
export function runbookIds(root: string): string[] {
  return readdirSync(join(root, 'runbooks'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.replace(/\.mjs$/, ''))
    .sort();
}

const built = new Map<string, Promise<string>>();

/** The folder holding one bundle per runbook, built from the current sources if it is not there yet. */
export function runbookBundles(root: string): Promise<string> {
  const inputs = [
    ...filesUnder(join(root, 'src')),
    ...filesUnder(join(root, 'runbooks')),
    join(root, 'tsconfig.json'),
    fileURLToPath(import.meta.url),
  ];
  const hash = createHash('sha256').update(esbuildVersion);
  for (const file of inputs) hash.update(`${relative(root, file)}\0`).update(readFileSync(file));
  const dir = join(root, 'node_modules', '.cache', 'todo-runbooks', hash.digest('hex').slice(0, 16));
  let bundles = built.get(dir);
  if (!bundles) {
    bundles = existsSync(dir) ? Promise.resolve(dir) : buildInto(root, dir);
    built.set(dir, bundles);
  }
  return bundles;
}

async function buildInto(root: string, dir: string): Promise<string> {
  const ids = runbookIds(root);
  const staging = `${dir}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  await build({
    entryPoints: ids.map((id) => ({ in: `runbook-entry:${id}`, out: id })),
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        name: 'runbook-entry',
        setup(b) {
          b.onResolve({ filter: /^runbook-entry:/ }, (args) => ({
            path: args.path.slice('runbook-entry:'.length),
            namespace: 'runbook-entry',
          }));
          b.onLoad({ filter: /.*/, namespace: 'runbook-entry' }, (args) => ({
            contents: entrySource(root, args.path),
            resolveDir: join(root, 'runbooks'),
            loader: 'js',
          }));
        },
      },
      ownImportMetaUrl,
    ],
  });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test file built the same bundles first
  }
  // bundles of sources long gone (a day old) are removed; a run in progress uses a fresh one
  const parent = join(dir, '..');
  for (const name of readdirSync(parent)) {
    const other = join(parent, name);
    if (other !== dir && Date.now() - statSync(other).mtimeMs > 86_400_000) rmSync(other, { recursive: true, force: true });
  }
  return dir;
}
