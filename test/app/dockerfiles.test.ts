// Static policy over every Dockerfile the project ships (the demo's three and the templates for
// a user's own app). The docker lane proves the demo ones with a real build; this lane runs
// everywhere, so a Dockerfile that breaks a rule fails `npm test` even without a daemon.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const dockerDir = new URL('../../docker/', import.meta.url);
const appDir = new URL('../../app/', import.meta.url);

interface Instruction {
  op: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped. */
function parse(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const [op, ...rest] = pending.split(/\s+/);
    out.push({ op: op!.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  return out;
}

function stages(instructions: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') result.push([]);
    result.at(-1)?.push(ins);
  }
  return result;
}

const dockerfiles: Record<string, { baseArg: string; minStages: number; context?: string }> = {
  'backend.Dockerfile': { baseArg: 'NODE_IMAGE', minStages: 2, context: 'backend' },
  'mcp.Dockerfile': { baseArg: 'NODE_IMAGE', minStages: 2, context: 'mcp' },
  'frontend.Dockerfile': { baseArg: 'NODE_IMAGE', minStages: 2, context: 'frontend' },
  'templates/fastapi.Dockerfile': { baseArg: 'PYTHON_IMAGE', minStages: 2 },
  'templates/python-mcp.Dockerfile': { baseArg: 'PYTHON_IMAGE', minStages: 2 },
  'templates/nextjs.Dockerfile': { baseArg: 'NODE_IMAGE', minStages: 3 },
};

const PACKAGE_MANAGERS = /\b(npm|npx|yarn|pnpm|corepack|pip3?|uv|poetry|apt-get|apt|apk|dnf|yum)\b/;
const SECRET_NAMES = /SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE|CREDENTIAL|DATABASE_URL/i;

for (const [file, rules] of Object.entries(dockerfiles)) {
  describe(`docker/${file}`, () => {
    const text = readFileSync(new URL(file, dockerDir), 'utf8');
    const instructions = parse(text);
    const all = stages(instructions);
    const final = all.at(-1)!;

    test(`the base image is ARG ${rules.baseArg} with a default, the root of every FROM`, () => {
      const firstFrom = instructions.findIndex((i) => i.op === 'FROM');
      const arg = instructions.slice(0, firstFrom).find((i) => i.op === 'ARG' && i.args.startsWith(`${rules.baseArg}=`));
      assert.ok(arg, `ARG ${rules.baseArg}=… before the first FROM`);
      assert.match(arg!.args, /=\S+:\S+/, 'the default names an image and tag');
      // A stage starts from the base, or from a stage above it in the same file (which does).
      const earlier: string[] = [];
      for (const from of instructions.filter((i) => i.op === 'FROM')) {
        const [image, , name] = from.args.split(/\s+/);
        assert.ok(image === `\${${rules.baseArg}}` || earlier.includes(image!.toLowerCase()), `FROM ${from.args}`);
        assert.match(from.args, /^\S+( AS \S+)?$/i, from.args);
        if (name) earlier.push(name.toLowerCase());
      }
    });

    test(`multi-stage (at least ${rules.minStages} stages), the final one copies from a named stage`, () => {
      assert.ok(all.length >= rules.minStages, `${all.length} stages`);
      const names = instructions
        .filter((i) => i.op === 'FROM')
        .map((i) => / AS (\S+)$/i.exec(i.args)?.[1])
        .filter(Boolean);
      const copiesFrom = final.filter((i) => i.op === 'COPY' && /--from=/.test(i.args)).map((i) => /--from=(\S+)/.exec(i.args)![1]);
      assert.ok(copiesFrom.length > 0);
      for (const from of copiesFrom) assert.ok(names.includes(from), `--from=${from} is a stage of this file`);
    });

    test('the final stage runs as a numeric non-root user', () => {
      const users = final.filter((i) => i.op === 'USER');
      assert.equal(users.length, 1);
      assert.match(users[0]!.args, /^[1-9]\d*(:\d+)?$/, 'numeric uid (and gid), not 0');
    });

    test('the final stage calls no package manager', () => {
      for (const run of final.filter((i) => i.op === 'RUN')) assert.doesNotMatch(run.args, PACKAGE_MANAGERS, run.args);
    });

    test('HEALTHCHECK and CMD in exec form, without curl or wget', () => {
      const health = final.find((i) => i.op === 'HEALTHCHECK');
      assert.ok(health, 'HEALTHCHECK');
      assert.match(health!.args, /CMD \["(node|python)"/);
      assert.doesNotMatch(health!.args, /curl|wget/);
      assert.match(final.find((i) => i.op === 'CMD')?.args ?? '', /^\[/);
    });

    test('no secret-like ARG or ENV, and no # syntax= line (offline builds must not pull a frontend)', () => {
      for (const ins of instructions.filter((i) => i.op === 'ARG' || i.op === 'ENV')) {
        const names = ins.args.split(/\s+/).map((kv) => kv.split('=')[0]!);
        for (const name of names) assert.doesNotMatch(name, SECRET_NAMES, `${ins.op} ${name}`);
      }
      assert.doesNotMatch(text, /^#\s*syntax\s*=/m);
    });

    if (rules.context) {
      // The context is app/ (the service folder and app/shared, one copy): BuildKit reads
      // docker/<name>.Dockerfile.dockerignore, the legacy builder app/.dockerignore.
      const readIgnore = (url: URL) =>
        readFileSync(url, 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'));
      const ignores = {
        [`docker/${file}.dockerignore`]: readIgnore(new URL(`${file}.dockerignore`, dockerDir)),
        'app/.dockerignore': readIgnore(new URL('.dockerignore', appDir)),
      };
      for (const [name, ignore] of Object.entries(ignores)) {
        test(`the build context app/ has an allow-list (${name}) that admits every COPY source and keeps .env out`, () => {
          assert.equal(ignore[0], '*', 'starts by excluding everything');
          assert.ok(!ignore.some((l) => /^!.*\.env/.test(l) || l === '!.' || l === '!**'), 'never re-includes .env files');
          for (const copied of final.concat(all[0]!).filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))) {
            const sources = copied.args
              .split(/\s+/)
              .filter((a) => !a.startsWith('--'))
              .slice(0, -1);
            for (const source of sources) {
              const admitted =
                source === 'shared' ? ignore.includes('!shared/*.ts') : ignore.includes(`!${source}`) || ignore.includes(`!${source}/`);
              assert.ok(admitted, `COPY ${source} is allowed by ${name}`);
            }
          }
        });
      }
      test(`with BuildKit the context holds only app/${rules.context} and app/shared`, () => {
        const admits = ignores[`docker/${file}.dockerignore`]!.filter((l) => l.startsWith('!')).map((l) => l.slice(1).split('/')[0]);
        assert.deepEqual([...new Set(admits)].sort(), [rules.context!, 'shared'].sort());
      });
    } else {
      test('a <name>.Dockerfile.dockerignore next to it keeps .env and .git out', () => {
        const path = new URL(`${file}.dockerignore`, dockerDir);
        assert.ok(existsSync(path));
        const ignore = readFileSync(path, 'utf8').split('\n');
        for (const must of ['.env', '.env.*', '.git']) assert.ok(ignore.includes(must), must);
      });
    }
  });
}

test('the Next.js template takes only public NEXT_PUBLIC_* build args', () => {
  const args = parse(readFileSync(new URL('templates/nextjs.Dockerfile', dockerDir), 'utf8'))
    .filter((i) => i.op === 'ARG')
    .map((i) => i.args.split('=')[0]);
  assert.deepEqual(args.sort(), ['NEXT_PUBLIC_API_URL', 'NEXT_PUBLIC_APP_URL', 'NODE_IMAGE']);
});
