// simc (sim/client/main.go), the native client that forwards one simulated tool call to the
// per-machine simulator server, tested alone against a fake server speaking its protocol, and
// its fallback: exec of the Node shim when no server takes the call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_DIR = fileURLToPath(new URL('../../../sim/client/', import.meta.url));
const BUILD = join(CLIENT_DIR, 'build.sh');
const hasGo = spawnSync('sh', ['-c', 'command -v go']).status === 0;
const opts = { skip: !hasGo && 'Go is not installed: simc cannot be built here (the simulator falls back to Node alone)', timeout: 30000 };

const root = mkdtempSync(join(tmpdir(), 'simc-'));
after(() => rmSync(root, { recursive: true, force: true }));

let simc = '';
before(() => {
  if (!hasGo) return;
  const r = spawnSync('bash', [BUILD], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  simc = r.stdout.trim().split('\n').pop();
});

// The fallback target: reports what it was started with, as JSON on stdout, then exits 42.
const SHIM = join(root, 'shim.mjs');
writeFileSync(
  SHIM,
  `import { readFileSync } from 'node:fs';
let stdin = '';
try { stdin = readFileSync(0, 'utf8'); } catch {}
let cwd = null;
try { cwd = process.cwd(); } catch {}
process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), fallback: process.env.SIM_CLIENT_FALLBACK, keep: process.env.KEEP, cwd, stdin }));
process.stderr.write('shim-stderr\\n');
process.exit(42);
`,
);

let seq = 0;
/** A fresh TMPDIR (where the socket lives) and state dir for one test. */
function place() {
  const tmp = join(root, `t${seq++}`);
  mkdirSync(tmp);
  const stateDir = join(tmp, 'state');
  return { tmp, stateDir, env: { PATH: process.env.PATH, TMPDIR: tmp, SIM_STATE_DIR: stateDir } };
}
const hash = (s) => createHash('sha256').update(s).digest('hex');
const sockFor = (p) => join(p.tmp, `todo-chatbot-sim-call-${hash(p.stateDir).slice(0, 20)}.sock`);

/** Parses frames off a socket; next() resolves with the next one, or null at the end. */
function frameReader(sock) {
  let buf = Buffer.alloc(0);
  const queue = [];
  const waiters = [];
  let ended = false;
  const push = (f) => (waiters.length ? waiters.shift()(f) : queue.push(f));
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
      const n = buf.readUInt32BE(1);
      push({ type: String.fromCharCode(buf[0]), payload: Buffer.from(buf.subarray(5, 5 + n)) });
      buf = buf.subarray(5 + n);
    }
  });
  sock.on('close', () => {
    ended = true;
    while (waiters.length) waiters.shift()(null);
  });
  sock.on('error', () => {});
  return (ms = 10000) =>
    new Promise((resolve, reject) => {
      if (queue.length) return resolve(queue.shift());
      if (ended) return resolve(null);
      const t = setTimeout(() => reject(new Error(`no frame from simc within ${ms} ms`)), ms);
      waiters.push((f) => {
        clearTimeout(t);
        resolve(f);
      });
    });
}

const frame = (type, payload = Buffer.alloc(0)) => {
  const p = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(p.length, 1);
  return Buffer.concat([head, p]);
};
const exitFrame = (code) => {
  const p = Buffer.alloc(4);
  p.writeInt32BE(code);
  return frame('X', p);
};

/**
 * A fake server on `path`: `handle(conn)` runs for each connection; `conn.next()` reads a
 * frame, `conn.send(type, payload)`, `conn.exit(code)`. The handlers' results are in `results`.
 */
async function fakeServer(path, handle) {
  const results = [];
  const server = createServer((sock) => {
    const conn = {
      sock,
      next: frameReader(sock),
      send: (type, payload) => sock.write(frame(type, payload)),
      exit: (code) => sock.end(exitFrame(code)),
    };
    results.push(Promise.resolve().then(() => handle(conn)));
  });
  await new Promise((resolve) => server.listen(path, resolve));
  return {
    results,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Starts simc for `tool` with the test shim as fallback; `result` resolves at its exit. */
function startClient(p, { args = [], env = {}, cwd = p.tmp, stdin = '', node = process.execPath, wrap = null } = {}) {
  const argv = [simc, 'kubectl', node, SHIM, ...args];
  // wrap: a shell snippet around the call, given the call as "$@"
  const child = wrap
    ? spawn('sh', ['-c', wrap, 'sh', ...argv], { cwd, env: { ...p.env, ...env } })
    : spawn(argv[0], argv.slice(1), { cwd, env: { ...p.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {});
  // simc forwards SIGTERM instead of dying: a test whose fake server failed must not hang on it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15000);
  child.on('close', () => clearTimeout(guard));
  if (stdin !== null) child.stdin.end(stdin);
  const result = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, result, out: () => stdout };
}

const shimReport = (r) => JSON.parse(r.stdout);

test('no server: simc becomes `node shim args`, with its stdin, cwd and env plus SIM_CLIENT_FALLBACK=1', opts, async () => {
  const p = place();
  const args = ['get', 'pods', '', 'a b', 'ü', '--x=1'];
  const r = await startClient(p, { args, stdin: 'typed', env: { KEEP: 'kept', SIM_CLIENT_FALLBACK: '0' } }).result;
  assert.equal(r.code, 42, r.stderr);
  assert.equal(r.stderr, 'shim-stderr\n');
  assert.deepEqual(shimReport(r), { argv: [SHIM, ...args], fallback: '1', keep: 'kept', cwd: realpathSync(p.tmp), stdin: 'typed' });
});

test('the fallback exec failing: one line naming node, exit 127', opts, async () => {
  const p = place();
  const r = await startClient(p, { node: join(p.tmp, 'no-node') }).result;
  assert.equal(r.code, 127);
  assert.equal(r.stderr, `sim-client: cannot run ${join(p.tmp, 'no-node')}: no such file or directory\n`);
});

test('the socket is where Node would put it: os.tmpdir() and path.resolve of the state dir', opts, async () => {
  // Node itself computes the expected path, from the same environment and cwd as the client.
  const where = (env, cwd) =>
    spawnSync(
      process.execPath,
      [
        '-e',
        `const { createHash } = require('node:crypto'); const { tmpdir } = require('node:os'); const { join, resolve } = require('node:path');
         const dir = resolve(process.env.SIM_STATE_DIR || join(tmpdir(), 'todo-chatbot-sim'));
         process.stdout.write(join(tmpdir(), 'todo-chatbot-sim-call-' + createHash('sha256').update(dir).digest('hex').slice(0, 20) + '.sock'));`,
      ],
      { env, cwd, encoding: 'utf8' },
    ).stdout;
  const p = place();
  const sub = join(p.tmp, 'sub');
  mkdirSync(sub);
  const cases = [
    // a relative state dir (resolved against the cwd) and TMPDIR with a trailing slash
    { PATH: process.env.PATH, TMPDIR: `${p.tmp}/`, SIM_STATE_DIR: '../state/./x/..' },
    // TMPDIR and TMP empty: TEMP; SIM_STATE_DIR empty: the default under the tmpdir
    { PATH: process.env.PATH, TMPDIR: '', TMP: '', TEMP: p.tmp, SIM_STATE_DIR: '' },
    // TMP when TMPDIR is unset
    { PATH: process.env.PATH, TMP: p.tmp, SIM_STATE_DIR: 'rel' },
  ];
  for (const env of cases) {
    const path = where(env, sub);
    assert.ok(path.startsWith(`${p.tmp}/todo-chatbot-sim-call-`), path);
    const server = await fakeServer(path, async (c) => {
      assert.equal((await c.next()).type, 'H');
      c.exit(0);
    });
    const r = await startClient({ ...p, env }, { cwd: sub }).result;
    await server.close();
    assert.equal(r.code, 0, `${JSON.stringify(env)}: ${r.stderr}`);
    assert.equal(server.results.length, 1);
    await Promise.all(server.results);
  }
});

test('the hello: tool, argv, the whole environment, the physical cwd, no terminals on pipes', opts, async () => {
  const p = place();
  const real = join(p.tmp, 'real');
  mkdirSync(real);
  symlinkSync(real, join(p.tmp, 'link'));
  let hello;
  const server = await fakeServer(sockFor(p), async (c) => {
    const f = await c.next();
    assert.equal(f.type, 'H');
    hello = JSON.parse(f.payload.toString());
    c.exit(0);
  });
  const args = ['apply', '-f', '-', '', 'a b', 'ü'];
  // PWD names the symlink, as a shell that `cd link` would set it; Node's process.cwd() does not.
  const env = { MULTI: 'a=b\nc', PWD: join(p.tmp, 'link') };
  const r = await startClient(p, { args, env, cwd: join(p.tmp, 'link') }).result;
  await server.close();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(hello.tool, 'kubectl');
  assert.deepEqual(hello.argv, args);
  assert.deepEqual(hello.env, { ...p.env, ...env });
  assert.equal(hello.cwd, realpathSync(real));
  assert.deepEqual(hello.tty, { stdin: false, stdout: false, stderr: false });
});

test('the hello says which of stdin, stdout and stderr are terminals', {
  ...opts,
  skip: opts.skip || (spawnSync('sh', ['-c', 'command -v script']).status !== 0 && 'no `script` (util-linux) to give simc a terminal'),
}, async () => {
  const p = place();
  let tty;
  const server = await fakeServer(sockFor(p), async (c) => {
    tty = JSON.parse((await c.next()).payload.toString()).tty;
    c.exit(0);
  });
  // script(1) runs the command on a new pseudo-terminal: fds 0, 1 and 2; then stderr alone redirected.
  const run = (cmd) => startClient(p, { wrap: `script -qec '${cmd}' /dev/null`, stdin: null }).result;
  const quoted = `${simc} kubectl ${process.execPath} ${SHIM}`;
  let r = await run(quoted);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(tty, { stdin: true, stdout: true, stderr: true });
  r = await run(`${quoted} 2>/dev/null`);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  await server.close();
  assert.deepEqual(tty, { stdin: true, stdout: true, stderr: false });
});

test('stdout and stderr: written in the order sent, each at once (unbuffered)', opts, async () => {
  const p = place();
  let client;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.send('O', '1-out ');
    c.send('R', '2-err ');
    c.send('O', '3-out ');
    c.send('R', '4-err\n');
    c.send('O', 'visible before the exit');
    // The exit comes only once the last output has reached the client's reader.
    while (!client.out().includes('visible before the exit')) await new Promise((r) => setTimeout(r, 10));
    c.exit(0);
  });
  client = startClient(p, { wrap: '"$@" 2>&1' });
  const r = await client.result;
  await server.close();
  await Promise.all(server.results);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '1-out 2-err 3-out 4-err\nvisible before the exit');
});

test(
  'X sets the exit code (low 8 bits of the int32), a negative one the signal it died of; unknown frame types are skipped',
  opts,
  async () => {
    for (const [code, expected] of [
      [7, 7],
      [259, 3],
      [-15, 'SIGTERM'],
      [-2, 'SIGINT'],
    ]) {
      const p = place();
      const server = await fakeServer(sockFor(p), async (c) => {
        await c.next();
        c.send('Z', 'from a newer server');
        c.send('O', 'ok');
        c.exit(code);
      });
      const r = await startClient(p).result;
      await server.close();
      assert.deepEqual([typeof expected === 'string' ? r.signal : r.code, r.stdout, r.stderr], [expected, 'ok', '']);
    }
  },
);

test('stdin is not read until the server sends W: the next reader of the pipe gets it all', opts, async () => {
  const p = place();
  let early;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    early = await c.next(300).catch(() => 'nothing'); // stdin is ready, but no W yet
    c.exit(0);
  });
  const r = await startClient(p, { wrap: '"$@"; echo " exit $?"; cat', stdin: 'for the next reader' }).result;
  await server.close();
  assert.equal(early, 'nothing');
  assert.equal(r.stdout, ' exit 0\nfor the next reader');
});

test('after W: stdin in I frames of at most 64 KiB, then one E; W twice starts one pump', opts, async () => {
  const p = place();
  const input = Buffer.alloc(300 * 1024);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7) % 251;
  let got;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.send('W');
    c.send('W');
    const chunks = [];
    const sizes = [];
    for (let f = await c.next(); f.type === 'I'; f = await c.next()) {
      chunks.push(f.payload);
      sizes.push(f.payload.length);
    }
    const later = await c.next(300).catch(() => 'nothing'); // a second pump would send a second E
    got = { data: Buffer.concat(chunks), max: Math.max(...sizes), later };
    c.exit(0);
  });
  const r = await startClient(p, { stdin: input }).result;
  await server.close();
  await Promise.all(server.results);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(got.data.equals(input), `${got.data.length} of ${input.length} bytes, in order`);
  assert.ok(got.max <= 65536, `largest I frame ${got.max}`);
  assert.equal(got.later, 'nothing');
});

test('a stdin that cannot be read (opened write-only) still ends with E', opts, async () => {
  const p = place();
  let f;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.send('W');
    f = await c.next();
    c.exit(0);
  });
  const r = await startClient(p, { wrap: 'exec "$@" 0>/dev/null', stdin: null }).result;
  await server.close();
  await Promise.all(server.results);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([f.type, f.payload.length], ['E', 0]);
});

test('SIGINT, SIGTERM and SIGHUP are forwarded as S frames; simc waits for X', opts, async () => {
  const p = place();
  let client;
  const names = [];
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      client.child.kill(sig);
      const f = await c.next();
      names.push(`${f.type}:${f.payload}`);
    }
    c.exit(5);
  });
  client = startClient(p);
  const r = await client.result;
  await server.close();
  await Promise.all(server.results);
  assert.deepEqual(names, ['S:SIGINT', 'S:SIGTERM', 'S:SIGHUP']);
  assert.deepEqual([r.code, r.signal], [5, null]);
});

test('frames from the stdin pump and the signal forwarder never interleave', opts, async () => {
  const p = place();
  const input = Buffer.alloc(4 * 1024 * 1024, 'x');
  let client;
  let got;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.send('W');
    const types = new Set();
    let bytes = 0;
    let signals = 0;
    for (let f = await c.next(); f.type !== 'E'; f = await c.next()) {
      types.add(f.type);
      if (f.type === 'I') bytes += f.payload.length;
      if (f.type === 'S') signals++;
      if (signals < 50) client.child.kill('SIGINT');
    }
    got = { types: [...types].sort(), bytes, signals };
    c.exit(0);
  });
  client = startClient(p, { stdin: input });
  const r = await client.result;
  await server.close();
  await Promise.all(server.results);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(got.types, ['I', 'S']);
  assert.equal(got.bytes, input.length);
  assert.ok(got.signals > 0);
});

test('a closed stdout (EPIPE) loses that output only: simc goes on to the exit code', opts, async () => {
  const p = place();
  let client;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    await new Promise((resolve) => client.child.stdout.destroy().once('close', resolve));
    c.send('O', 'to nobody');
    c.send('R', 'still here');
    c.exit(3);
  });
  client = startClient(p);
  const r = await client.result;
  await server.close();
  assert.deepEqual([r.code, r.signal, r.stderr], [3, null, 'still here']);
});

test('the server going away before X: one line on stderr, exit 70 (after output, after W, mid-frame)', opts, async () => {
  const endings = {
    O: (c) => c.send('O', 'partial'),
    W: (c) => c.send('W'),
    // a header cut short is an error, not the clean end before any frame that means fallback
    'a cut frame': (c) => c.sock.write('O\0\0'),
  };
  for (const [name, say] of Object.entries(endings)) {
    const p = place();
    const server = await fakeServer(sockFor(p), async (c) => {
      await c.next();
      say(c);
      c.sock.end();
    });
    const r = await startClient(p, { stdin: null }).result;
    await server.close();
    assert.equal(r.code, 70, name);
    assert.equal(r.stderr, 'sim-client: the simulator server went away during the call\n', name);
    assert.equal(r.stdout, name === 'O' ? 'partial' : '', name);
  }
});

test('F as the first frame, or no frame at all: simc runs the shim itself', opts, async () => {
  const endings = {
    F: async (c) => {
      await c.next();
      c.sock.end(frame('F'));
    },
    'closed after the hello': async (c) => {
      await c.next();
      c.sock.end();
    },
    'closed with the hello unread': (c) => c.sock.destroy(),
  };
  for (const [name, handle] of Object.entries(endings)) {
    const p = place();
    const server = await fakeServer(sockFor(p), handle);
    const r = await startClient(p, { args: ['version'], stdin: 'in', env: { SIM_CLIENT_FALLBACK: 'x' } }).result;
    await server.close();
    assert.equal(server.results.length, 1, name);
    assert.equal(r.code, 42, `${name}: ${r.stderr}`);
    assert.deepEqual(shimReport(r), { argv: [SHIM, 'version'], fallback: '1', cwd: realpathSync(p.tmp), stdin: 'in' }, name);
  }
});

test('F after another frame is ignored: the call already ran on the server', opts, async () => {
  const p = place();
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.send('O', 'served');
    c.send('F');
    c.exit(0);
  });
  const r = await startClient(p).result;
  await server.close();
  assert.deepEqual([r.code, r.stdout], [0, 'served']);
});

test('a signal forwarded before F ends simc by that signal, without starting the shim', opts, async () => {
  const p = place();
  let client;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    client.child.kill('SIGTERM');
    assert.equal(`${(await c.next()).payload}`, 'SIGTERM');
    c.sock.end(frame('F'));
  });
  client = startClient(p);
  const r = await client.result;
  await server.close();
  await Promise.all(server.results);
  assert.deepEqual([r.signal, r.stdout], ['SIGTERM', '']);
});

test('a deleted cwd: the shim meets it, not the server', opts, async () => {
  const p = place();
  const gone = join(p.tmp, 'gone');
  mkdirSync(gone);
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    c.exit(0);
  });
  const r = await startClient(p, { cwd: gone, wrap: `rmdir '${gone}' && exec "$@"` }).result;
  await server.close();
  assert.equal(server.results.length, 0);
  assert.equal(r.code, 42, r.stderr);
  assert.equal(shimReport(r).cwd, null); // process.cwd() failed in the shim
});

test('build.sh: cached by the hash of go.mod + main.go, a warm call is instant; no Go: one line, exit 2', opts, async (t) => {
  const key = createHash('sha256')
    .update(Buffer.concat([readFileSync(join(CLIENT_DIR, 'go.mod')), readFileSync(join(CLIENT_DIR, 'main.go'))]))
    .digest('hex')
    .slice(0, 16);
  assert.match(simc, new RegExp(`/sim-client/${key}/simc$`));
  const started = process.hrtime.bigint();
  const warm = spawnSync('bash', [BUILD], { encoding: 'utf8' });
  t.diagnostic(`warm build.sh: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  assert.equal(warm.stdout, `${simc}\n`);
  // An empty cache and a PATH with only what the script needs besides Go.
  const bin = join(root, 'no-go-bin');
  mkdirSync(bin);
  for (const tool of ['bash', 'cat', 'cut', 'dirname', 'sha256sum', 'mkdir']) {
    symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  }
  const r = spawnSync(join(bin, 'bash'), [BUILD], { encoding: 'utf8', env: { PATH: bin, TODO_CACHE_DIR: join(root, 'empty-cache') } });
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    'sim-client: Go is not installed; the simulator works without its fast client (install Go >= 1.22 to speed it up)\n',
  );
  assert.equal(r.stdout, '');
});

test('measure: 200 warm calls against a server that answers X 0 at once (figures only)', opts, async (t) => {
  const p = place();
  let calls = 0;
  const server = await fakeServer(sockFor(p), async (c) => {
    await c.next();
    calls++;
    c.exit(0);
  });
  // The shell's `times` reports its children's CPU: here, only the simc processes.
  const loop = (n) => startClient(p, { wrap: `i=0; while [ $i -lt ${n} ]; do "$@" || exit; i=$((i+1)); done; times`, stdin: null }).result;
  const started = process.hrtime.bigint();
  const r = await loop(200);
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  await server.close();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(calls, 200);
  const [user, sys] = r.stdout
    .trim()
    .split('\n')
    .pop()
    .split(' ')
    .map((s) => {
      const [, m, sec] = /(\d+)m([\d.]+)s/.exec(s);
      return Number(m) * 60 + Number(sec);
    });
  t.diagnostic(
    `simc: ${(wall / 200).toFixed(2)} ms wall and ${(((user + sys) * 1000) / 200).toFixed(2)} ms CPU per call (200 calls); binary ${readFileSync(simc).length} bytes`,
  );
});
