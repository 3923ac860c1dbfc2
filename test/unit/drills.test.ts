// The drill helpers of runbooks 04 and 05: timing estimates (checked against a known truth over
// many random cases), the pod watcher, endpoint coverage, value proofs, and the todo round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCoverage, endpointCoverage } from '../../src/cluster/endpoints.ts';
import { appPodsSelector, componentSelector } from '../../src/cluster/labels.ts';
import { proveEnv, proveMemoryLimit, proveReplicas, valueAt, valuesDiff } from '../../src/cluster/proofs.ts';
import { maskSecrets, secretStrings } from '../../src/cluster/secret-values.ts';
import { changeInstant, deadlineFor, estimateInstant, floorSecond, formatTiming, parseTarget, timing } from '../../src/cluster/timing.ts';
import { createTodo, deleteTodo, findTodo, restDataCheck } from '../../src/cluster/todo-api.ts';
import { countByComponent, newPods, notReadyReason, readyPods, shortfall, watchReady, type WatchOptions } from '../../src/cluster/watch.ts';
import type { KubeObject } from '../../src/tools/kubectl.ts';
import { UsageError } from '../../src/errors.ts';

const rfc3339 = (ms: number) => new Date(floorSecond(ms)).toISOString().replace('.000Z', 'Z');

/** A clock that only moves when someone sleeps or a fake call takes time. */
class FakeClock {
  constructor(public t: number) {}
  readonly speed = 1;
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += ms;
  };
}

interface FakePod {
  name: string;
  component: string;
  createdAt: number;
  /** When it becomes Ready (Infinity: never). */
  readyAt: number;
  ip?: string;
  deletedAt?: number;
  reason?: string;
  hash?: string;
}

/** A pod as `kubectl get pods -o json` shows it at time t (timestamps truncated to the second). */
function podJson(p: FakePod, t: number): KubeObject {
  const ready = t >= p.readyAt;
  return {
    metadata: {
      name: p.name,
      labels: { 'app.kubernetes.io/component': p.component, ...(p.hash ? { 'pod-template-hash': p.hash } : {}) },
      creationTimestamp: rfc3339(p.createdAt),
      ...(p.deletedAt !== undefined && t >= p.deletedAt ? { deletionTimestamp: rfc3339(p.deletedAt) } : {}),
    },
    status: {
      phase: 'Running',
      podIP: p.ip,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(ready ? p.readyAt : p.createdAt) }],
      containerStatuses: [
        {
          name: p.component,
          ready,
          restartCount: 0,
          state: p.reason ? { waiting: { reason: p.reason, message: 'x' } } : { running: { startedAt: rfc3339(p.createdAt) } },
        },
      ],
    },
  };
}

/** A fake kubectl whose list call takes `before` ms until the API reads and `after` ms to return. */
function fakeKubectl(clock: FakeClock, pods: () => FakePod[], latency: () => [number, number], fail?: () => boolean) {
  let calls = 0;
  return {
    calls: () => calls,
    kubectl: {
      list: async () => {
        calls++;
        const [before, after] = latency();
        clock.t += before;
        const observed = clock.t;
        clock.t += after;
        if (fail?.()) throw new Error('kubectl get pods … exited 1: Error from server (ServiceUnavailable)');
        return pods().map((p) => podJson(p, observed));
      },
    },
  };
}

/** A small deterministic PRNG, so a failing case can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('estimateInstant: the truncated second, narrowed by the clock bounds', () => {
  assert.deepEqual(estimateInstant(10_000), { at: 10_500, low: 10_000, high: 11_000 });
  assert.deepEqual(estimateInstant(10_000, { notBefore: 10_400, notAfter: 10_600 }), { at: 10_500, low: 10_400, high: 10_600 });
  assert.deepEqual(estimateInstant(10_000, { notBefore: 10_700, notAfter: 12_000 }), { at: 10_850, low: 10_700, high: 11_000 });
  assert.deepEqual(estimateInstant(10_000, { notAfter: 10_200 }), { at: 10_100, low: 10_000, high: 10_200 });
  assert.equal(estimateInstant(10_000, { notBefore: 12_000 })?.skew, true, 'bounds that exclude the stamp mean the clocks disagree');
  assert.deepEqual(estimateInstant(undefined, { notBefore: 1, notAfter: 3 }), { at: 2, low: 1, high: 3 });
  assert.equal(estimateInstant(undefined, { notBefore: 1 }), undefined);
});

test('timing: exact start, estimated end, error = half the end window', () => {
  const t = timing(1_000, { at: 8_300, low: 8_100, high: 8_500 });
  assert.deepEqual(t, { startAt: 1_000, endAt: 8_300, ms: 7_300, errorMs: 200 });
  assert.equal(formatTiming(t), '7.3 s (± 0.2 s)');
  assert.equal(deadlineFor(10_000), 30_000);
  assert.equal(deadlineFor(120_000), 180_000);
});

test("changeInstant: the command's return, or the end of the second the API stamped on a new pod when that came first", () => {
  // A fast command: it returned within the second the new pod was stamped with.
  assert.equal(changeInstant(10_000, 10_300, [10_000]).at, 10_300);
  assert.match(changeInstant(10_000, 10_300, [10_000]).basis, /command returned/);
  // A slow exit: the new pod was stamped 20:39 (so created before 20:40), the command returned at 20:44.7.
  const slow = changeInstant(30_800, 44_700, [41_000, 39_000]);
  assert.equal(slow.at, 40_000);
  assert.match(slow.basis, /first new pod .* returned 4\.7 s later/);
  // No new pod seen, or a stamp before the command was issued (clock skew): the return.
  assert.equal(changeInstant(10_000, 12_000, []).at, 12_000);
  assert.equal(changeInstant(10_000, 12_000, [5_000]).at, 12_000);
  // Never after the change, at most 1 s after it, over random cases.
  const random = prng(7);
  for (let i = 0; i < 500; i++) {
    const issued = 1_000_000 + random() * 1000;
    const change = issued + random() * 8000;
    const created = change + random() * 200;
    const returned = created + random() * 6000;
    const at = changeInstant(issued, returned, [floorSecond(created)]).at;
    assert.ok(at >= created - 1e-9 && at - change <= 1000 + 200 + 1e-9, `case ${i}: start ${at - change} ms after the change`);
  }
});

test('parseTarget: durations with or without a unit; bad input is a usage error', () => {
  assert.equal(parseTarget(undefined, 'replacement-target', 10_000), 10_000);
  assert.equal(parseTarget('15s', 'replacement-target', 10_000), 15_000);
  assert.equal(parseTarget('20', 'replacement-target', 10_000), 20_000);
  assert.equal(parseTarget('1.5s', 'replacement-target', 10_000), 1_500);
  assert.throws(() => parseTarget('abc', 'replacement-target', 10_000), UsageError);
  assert.throws(() => parseTarget('-3', 'replacement-target', 10_000), UsageError);
  assert.throws(() => parseTarget(true, 'replacement-target', 10_000), UsageError);
});

test('selectors: app pods leave PostgreSQL out', () => {
  assert.equal(
    appPodsSelector('todo-chatbot'),
    'app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component in (frontend,backend,mcp)',
  );
  assert.equal(componentSelector('todo-chatbot', 'backend'), 'app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component=backend');
});

test('watchReady: over 300 random cases the estimate brackets the truth and is within 0.5 s of it', async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = prng(seed);
    const start = 1_700_000_000_000 + Math.floor(random() * 1_000_000);
    const clock = new FakeClock(start);
    const pods: FakePod[] = ['frontend', 'backend', 'mcp'].map((component, i) => ({
      name: `${component}-${i}`,
      component,
      createdAt: start + random() * 500,
      readyAt: start + 2_000 + random() * 15_000,
    }));
    // Latency like the simulated toolchain at speed 20 (0.3–2 s of clock per call), or a real one (50–300 ms).
    const slow = random() < 0.5;
    const lat = () =>
      (slow ? [300 + random() * 1200, 50 + random() * 600] : [30 + random() * 150, 20 + random() * 150]) as [number, number];
    const { kubectl } = fakeKubectl(clock, () => pods, lat);
    const result = await watchReady(
      { kubectl, clock },
      {
        namespace: 'ns',
        selector: 'x',
        expected: { frontend: 1, backend: 1, mcp: 1 },
        deadlineAt: start + 60_000,
        pollMs: random() < 0.5 ? 500 : 1000,
        readyAfter: start,
      },
    );
    assert.equal(result.done, true, `seed ${seed}`);
    for (const p of pods) {
      const watched = result.pods.find((w) => w.state.name === p.name)!;
      const r = watched.ready!;
      assert.ok(
        r.low <= p.readyAt && p.readyAt <= r.high,
        `seed ${seed} ${p.name}: truth ${p.readyAt - start} outside [${r.low - start}, ${r.high - start}]`,
      );
      assert.ok(Math.abs(r.at - p.readyAt) <= 500, `seed ${seed} ${p.name}: off by ${r.at - p.readyAt} ms`);
      const t = timing(start, r);
      assert.ok(Math.abs(t.ms - (p.readyAt - start)) <= t.errorMs + 1e-6, `seed ${seed}: the stated error bound holds`);
    }
  }
});

test('watchReady: pods deleted by the drill and stale Ready transitions do not count', async () => {
  const clock = new FakeClock(100_000);
  const pods: FakePod[] = [
    { name: 'backend-old', component: 'backend', createdAt: 0, readyAt: 5_000, deletedAt: 100_000 },
    { name: 'backend-new', component: 'backend', createdAt: 100_200, readyAt: 107_300 },
    { name: 'postgresql-0', component: 'postgresql', createdAt: 0, readyAt: 4_000 },
  ];
  const { kubectl } = fakeKubectl(
    clock,
    () => pods,
    () => [200, 100],
  );
  const result = await watchReady(
    { kubectl, clock },
    {
      namespace: 'ns',
      selector: 'x',
      expected: { backend: 1 },
      deadlineAt: 130_000,
      exclude: new Set(['backend-old']),
      readyAfter: 100_000,
    },
  );
  assert.equal(result.done, true);
  assert.deepEqual(
    result.pods.map((p) => p.state.name),
    ['backend-new'],
    'other components and the deleted pod are not followed',
  );
  const [ready] = readyPods(result, 'backend', 100_000);
  assert.ok(Math.abs(ready!.ready!.at - 107_300) <= 500);

  // After a restart the same pod names come back; a Ready condition from before the restart is stale.
  const clock2 = new FakeClock(200_000);
  const pod: FakePod = { name: 'mcp-1', component: 'mcp', createdAt: 0, readyAt: 3_000 };
  const { kubectl: k2 } = fakeKubectl(
    clock2,
    () => [pod],
    () => [100, 100],
  );
  const early = watchReady(
    { kubectl: k2, clock: clock2 },
    { namespace: 'ns', selector: 'x', expected: { mcp: 1 }, deadlineAt: 205_000, readyAfter: 200_000 },
  );
  const stale = await early;
  assert.equal(stale.done, false, 'Ready since before the restart does not count');
  assert.equal(stale.timedOut, true);
  pod.readyAt = 209_400;
  const again = await watchReady(
    { kubectl: k2, clock: clock2 },
    { namespace: 'ns', selector: 'x', expected: { mcp: 1 }, deadlineAt: 230_000, readyAfter: 200_000 },
  );
  assert.equal(again.done, true);
  assert.ok(Math.abs(again.pods[0]!.ready!.at - 209_400) <= 500);
});

test('watchReady: polls every pollMs until lateAt, then every LATE_POLL_MS; a late Ready is still within 0.5 s', async () => {
  const clock = new FakeClock(0);
  const late: FakePod = { name: 'backend-x', component: 'backend', createdAt: 0, readyAt: 47_300 };
  const fake = fakeKubectl(
    clock,
    () => [late],
    () => [100, 100],
  );
  const result = await watchReady(
    { kubectl: fake.kubectl, clock },
    { namespace: 'ns', selector: 'x', expected: { backend: 1 }, deadlineAt: 90_000, pollMs: 500, lateAt: 20_000 },
  );
  assert.equal(result.done, true);
  // 20 s at one poll per 0.7 s (0.5 s pause + 0.2 s call), then one per 5.2 s up to 47.3 s
  assert.ok(result.polls >= 30 && result.polls <= 36, `${result.polls} polls`);
  assert.ok(Math.abs(result.pods[0]!.ready!.at - 47_300) <= 500);
  const clock2 = new FakeClock(0);
  const eager = fakeKubectl(
    clock2,
    () => [late],
    () => [100, 100],
  );
  const all = await watchReady(
    { kubectl: eager.kubectl, clock: clock2 },
    { namespace: 'ns', selector: 'x', expected: { backend: 1 }, deadlineAt: 90_000, pollMs: 500 },
  );
  assert.ok(all.polls > 60, `without lateAt: ${all.polls} polls`);
});

test('watchReady: bounded by its deadline; stops on a fatal reason; survives failed polls', async () => {
  const clock = new FakeClock(0);
  const never: FakePod = { name: 'backend-x', component: 'backend', createdAt: 0, readyAt: Infinity };
  const fake = fakeKubectl(
    clock,
    () => [never],
    () => [100, 100],
  );
  const timedOut = await watchReady(
    { kubectl: fake.kubectl, clock },
    { namespace: 'ns', selector: 'x', expected: { backend: 1 }, deadlineAt: 30_000 },
  );
  assert.equal(timedOut.timedOut, true);
  assert.ok(clock.t >= 30_000 && clock.t < 31_000, `stopped at the deadline (${clock.t})`);
  assert.match(shortfall(timedOut, { backend: 1 }), /backend 0\/1 Ready \(backend-x running, readiness probe not passing yet\)/);

  const clock2 = new FakeClock(0);
  const crashing: FakePod = { name: 'mcp-x', component: 'mcp', createdAt: 0, readyAt: Infinity, reason: 'CrashLoopBackOff' };
  const fatal = await watchReady(
    {
      kubectl: fakeKubectl(
        clock2,
        () => [crashing],
        () => [100, 100],
      ).kubectl,
      clock: clock2,
    },
    { namespace: 'ns', selector: 'x', expected: { mcp: 1 }, deadlineAt: 60_000, stopOnFatal: true },
  );
  assert.equal(fatal.fatal?.reason, 'CrashLoopBackOff');
  assert.ok(clock2.t < 1_000, 'stopped at the first poll');

  const clock3 = new FakeClock(0);
  let n = 0;
  const flaky = fakeKubectl(
    clock3,
    () => [{ name: 'f', component: 'frontend', createdAt: 0, readyAt: 4_200 }],
    () => [100, 100],
    () => ++n % 2 === 1,
  );
  const survived = await watchReady(
    { kubectl: flaky.kubectl, clock: clock3 },
    { namespace: 'ns', selector: 'x', expected: { frontend: 1 }, deadlineAt: 60_000 },
  );
  assert.equal(survived.done, true);
  assert.ok(survived.failedPolls > 0);
  assert.match(survived.lastError ?? '', /ServiceUnavailable/);
  assert.ok(Math.abs(survived.pods[0]!.ready!.at - 4_200) <= 500);

  const clock4 = new FakeClock(0);
  const down = await watchReady(
    {
      kubectl: fakeKubectl(
        clock4,
        () => [],
        () => [100, 100],
        () => true,
      ).kubectl,
      clock: clock4,
    },
    { namespace: 'ns', selector: 'x', expected: { frontend: 1 }, deadlineAt: 5_000 },
  );
  assert.equal(down.timedOut, true);
  assert.match(shortfall(down, { frontend: 1 }), /frontend 0\/1 Ready; \d+ of \d+ polls failed, last: .*ServiceUnavailable/);
});

test('watchReady: counts per component, and a template hash keeps old ReplicaSet pods out', async () => {
  const clock = new FakeClock(0);
  const pods: FakePod[] = [
    { name: 'frontend-a', component: 'frontend', createdAt: 0, readyAt: 0, hash: 'old' },
    { name: 'frontend-b', component: 'frontend', createdAt: 1_000, readyAt: 6_000, hash: 'new' },
    { name: 'frontend-c', component: 'frontend', createdAt: 1_000, readyAt: 9_000, hash: 'new' },
  ];
  const { kubectl } = fakeKubectl(
    clock,
    () => pods,
    () => [100, 100],
  );
  const options: WatchOptions = {
    namespace: 'ns',
    selector: 'x',
    expected: { frontend: 2 },
    deadlineAt: 60_000,
    templateHash: { frontend: 'new' },
  };
  const result = await watchReady({ kubectl, clock }, options);
  assert.equal(result.done, true);
  assert.ok(clock.t >= 9_000, 'waited for both pods of the new template');
  assert.deepEqual(
    readyPods(result, 'frontend').map((p) => p.state.name),
    ['frontend-b', 'frontend-c'],
  );
});

test("notReadyReason: a running container's last exit is history, a waiting one's reason is the cause", () => {
  const base = { name: 'p', component: 'mcp', phase: 'Running', ready: false, createdAt: 0, restarts: 1, deleting: false } as const;
  assert.equal(
    notReadyReason({ ...base, reason: 'Unknown', message: 'exit code 255' }, true),
    'running, readiness probe not passing yet (last exit: Unknown, exit code 255)',
  );
  assert.equal(notReadyReason({ ...base, reason: 'CrashLoopBackOff', message: 'back-off 10s' }, false), 'CrashLoopBackOff: back-off 10s');
  assert.equal(notReadyReason({ ...base }, false), 'running, readiness probe not passing yet');
  assert.equal(notReadyReason({ ...base, phase: 'Pending' }, false), 'Pending');
});

test('newPods and countByComponent', () => {
  assert.deepEqual(newPods(['a', 'b'], [{ name: 'b' }, { name: 'c' }]), [{ name: 'c' }]);
  const states = [
    { component: 'frontend', deleting: false },
    { component: 'frontend', deleting: true },
    { component: 'backend', deleting: false },
  ] as Parameters<typeof countByComponent>[0];
  assert.deepEqual(countByComponent(states), { frontend: 1, backend: 1 });
});

test('endpointCoverage: the Endpoints list exactly the Ready pods', () => {
  const ep = (addresses: string[], notReady: string[] = []) =>
    ({
      metadata: { name: 'svc' },
      subsets: [{ addresses: addresses.map((ip) => ({ ip })), notReadyAddresses: notReady.map((ip) => ({ ip })), ports: [{ port: 3000 }] }],
    }) as KubeObject;
  const ready = [
    { name: 'a', ip: '10.244.0.5' },
    { name: 'b', ip: '10.244.0.6' },
    { name: 'c', ip: '10.244.0.7' },
  ];
  const ok = endpointCoverage(ep(['10.244.0.7', '10.244.0.5', '10.244.0.6']), ready);
  assert.equal(ok.ok, true);
  assert.match(describeCoverage(ok, 3), /3 address\(es\) = the 3 Ready pod IP\(s\): 10\.244\.0\.5, 10\.244\.0\.6, 10\.244\.0\.7/);
  const missing = endpointCoverage(ep(['10.244.0.5'], ['10.244.0.6']), ready);
  assert.equal(missing.ok, false);
  assert.deepEqual(missing.missing, ['b', 'c']);
  assert.match(describeCoverage(missing, 3), /missing b, c; notReady: 10\.244\.0\.6/);
  const stale = endpointCoverage(ep(['10.244.0.5', '10.244.0.6', '10.244.0.7', '10.244.0.9']), ready);
  assert.deepEqual(stale.unexpected, ['10.244.0.9']);
  assert.equal(endpointCoverage(undefined, ready).ok, false);
  assert.equal(endpointCoverage(ep([]), []).ok, false, 'no Ready pod is no proof');
});

test('value proofs: replicas, the memory limit in every pod spec, the env value in the containers', () => {
  const pod = (name: string, memory?: string) =>
    ({ metadata: { name }, spec: { containers: [{ name: 'backend', resources: memory ? { limits: { memory } } : {} }] } }) as KubeObject;
  assert.equal(proveMemoryLimit([pod('a', '1Gi'), pod('b', '1024Mi')], 'backend', '1Gi').pass, true);
  const mixed = proveMemoryLimit([pod('a', '1Gi'), pod('b', '384Mi')], 'backend', '1Gi');
  assert.equal(mixed.pass, false);
  assert.match(mixed.measured, /a: 1Gi, b: 384Mi/);
  assert.equal(proveMemoryLimit([], 'backend', '1Gi').pass, false);
  assert.equal(proveMemoryLimit([pod('a')], 'backend', '1Gi').pass, false);

  assert.equal(proveEnv('K', '100', { configMap: '100', printenv: [{ pod: 'a', value: '100' }], rolledOut: true }).pass, true);
  assert.equal(
    proveEnv('K', '100', { configMap: '100', printenv: [{ pod: 'a', value: '20' }], rolledOut: true }).pass,
    false,
    'a pod still on the old value',
  );
  assert.equal(
    proveEnv('K', '100', { configMap: '100', printenv: [{ pod: 'a' }], rolledOut: true }).pass,
    true,
    'without exec: ConfigMap + completed rollout',
  );
  assert.equal(proveEnv('K', '100', { configMap: '100', printenv: [], rolledOut: false }).pass, false);
  assert.match(
    proveEnv('K', '100', { configMap: '20', printenv: [], rolledOut: true }).measured,
    /printenv not available; ConfigMap 20; rollout complete/,
  );

  assert.equal(proveReplicas('frontend', 2, { specReplicas: 2, readyPods: 2, livePods: 2 }).pass, true);
  assert.equal(proveReplicas('frontend', 2, { specReplicas: 2, readyPods: 1, livePods: 2 }).pass, false);
  assert.equal(proveReplicas('frontend', 1, { specReplicas: 1, readyPods: 1, livePods: 2 }).pass, false, 'an old pod still running');
});

test('valueAt and valuesDiff', () => {
  const v = {
    backend: { env: { MAX_CONVERSATION_HISTORY: '20' }, resources: { limits: { memory: '384Mi' } } },
    frontend: { replicaCount: 1 },
  };
  assert.equal(valueAt(v, 'backend.env.MAX_CONVERSATION_HISTORY'), '20');
  assert.equal(valueAt(v, 'backend.nope.x'), undefined);
  assert.deepEqual(valuesDiff(v, structuredClone(v)), []);
  const changed = structuredClone(v) as any;
  changed.frontend.replicaCount = 2;
  changed.backend.resources.limits.memory = '1Gi';
  assert.deepEqual(valuesDiff(v, changed), ['backend.resources.limits.memory', 'frontend.replicaCount']);
  assert.deepEqual(valuesDiff({ a: 1 }, { a: 1, b: 2 }), ['b']);
});

test('secretStrings and maskSecrets: everything under secrets, nothing else', () => {
  const values = {
    postgresql: { enabled: true },
    secrets: { POSTGRES_PASSWORD: 'pw-123456', OPENAI_API_KEY: 'sk-x1234', DATABASE_URL: '', nested: { K: 'v-5678' } },
    backend: { env: { LOG_LEVEL: 'info' } },
  };
  assert.deepEqual(secretStrings(values), ['pw-123456', 'sk-x1234', 'v-5678']);
  assert.deepEqual(secretStrings({ frontend: {} }), []);
  assert.deepEqual(secretStrings(null), []);
  const masked = maskSecrets(values) as any;
  assert.deepEqual(masked.secrets, { POSTGRES_PASSWORD: '••••••', OPENAI_API_KEY: '••••••', DATABASE_URL: '', nested: { K: '••••••' } });
  assert.equal(masked.backend.env.LOG_LEVEL, 'info');
  assert.equal(values.secrets.POSTGRES_PASSWORD, 'pw-123456', 'the original is untouched');
});

async function todoServer(): Promise<{
  url: string;
  server: Server;
  todos: Array<{ id: number; title: string }>;
  down: { count: number };
}> {
  const todos: Array<{ id: number; title: string }> = [];
  const down = { count: 0 };
  const server = createServer((req, res) => {
    if (down.count > 0) {
      down.count--;
      res.writeHead(503).end('no endpoints');
      return;
    }
    if (req.url === '/api/todos' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const todo = { id: todos.length + 1, title: JSON.parse(body).title, completed: false };
        todos.push(todo);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(todo));
      });
      return;
    }
    if (req.url === '/api/todos') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(todos));
    const m = /^\/api\/todos\/(\d+)$/.exec(req.url ?? '');
    if (m && req.method === 'DELETE') {
      const i = todos.findIndex((t) => t.id === Number(m[1]));
      if (i >= 0) todos.splice(i, 1);
      return void res.writeHead(i >= 0 ? 204 : 404).end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, todos, down };
}

test('the todo round trip: write, find, wait out a few refusals, tell data loss from an API that is down', async () => {
  const s = await todoServer();
  const clock = new FakeClock(0);
  try {
    const created = await createTodo(s.url, 'restart drill x');
    assert.equal(created.ok, true);
    const todo = created.ok ? created.todo : undefined!;
    assert.deepEqual(await findTodo(clock, restDataCheck(s.url), todo, 10_000), {
      found: true,
      attempts: 1,
      detail: `todo 1 "restart drill x" among 1`,
    });
    s.down.count = 2;
    const afterRefusals = await findTodo(clock, restDataCheck(s.url), todo, 10_000);
    assert.equal(afterRefusals.found, true);
    assert.equal(afterRefusals.attempts, 3);
    s.down.count = 1000;
    const down = await findTodo(clock, restDataCheck(s.url), todo, 5_000);
    assert.equal(down.found, false);
    assert.match(down.detail, /the API did not answer: HTTP 503/);
    s.down.count = 0;
    s.todos.length = 0;
    const lost = await findTodo(clock, restDataCheck(s.url), todo, 10_000);
    assert.deepEqual(lost, { found: false, attempts: 1, detail: 'todo 1 missing from 0 todo(s)' });
    assert.equal(await deleteTodo(s.url, 1), true, 'already gone counts as deleted');
  } finally {
    s.server.close();
  }
  const refused = await createTodo('http://127.0.0.1:9', 'x', 2000);
  assert.equal(refused.ok, false);
});
