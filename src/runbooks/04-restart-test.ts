// Runbook 04: restart resilience and statelessness, timed. Writes a todo, stops and starts the
// cluster and times every pod back to Ready, reads the todo back; then deletes one backend pod,
// then every app pod at once, times the replacements and reads the todo again. How the times are
// measured, and why they are within 0.5 s: docs/runbooks/04-restart-test.md.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { establishAccess, type Access } from '../cluster/access.ts';
import { minikubeReason, type ProfileConfig } from '../tools/minikube.ts';
import { podState, type PodState } from '../cluster/pods.ts';
import { formatDuration } from '../clock.ts';
import {
  APP_COMPONENTS,
  appPodsSelector,
  componentSelector,
  createTodo,
  deadlineFor,
  deleteTodo,
  diagnose,
  drillTodoTitle,
  findTodo,
  floorSecond,
  formatTiming,
  livePods,
  notReadyReason,
  parseTarget,
  readyPods,
  releaseSelector,
  requireRelease,
  shortfall,
  timing,
  watch,
  type Todo,
  type WatchResult,
} from '../cluster/drills.ts';

const TARGETS = { restartMs: 120_000, replacementMs: 10_000, healthyBeforeMs: 60_000 };

interface Baseline {
  /** How many pods each component runs (the whole release, PostgreSQL included). */
  counts: Record<string, number>;
  pods: PodState[];
  profile: ProfileConfig | undefined;
  driver: string;
}

/** A short label for a pod in the timeline: component plus the random suffix. */
const short = (p: PodState) => `${p.component} ${p.name.split('-').pop()}`;

/** The release must be healthy before a drill, or the drill measures the wrong thing. */
async function baseline(ctx: RunbookContext): Promise<Baseline> {
  const { release } = ctx.settings;
  const started = ctx.clock.now();
  const found = (await livePods(ctx, releaseSelector(release))).map(podState).filter((p) => p.component && p.component !== 'test');
  const counts: Record<string, number> = {};
  for (const p of found) counts[p.component] = (counts[p.component] ?? 0) + 1;
  const missing = APP_COMPONENTS.filter((c) => !counts[c]);
  if (missing.length) ctx.require({ id: 'DRILL-PRECONDITION', title: 'release healthy before the drill', expected: 'frontend, backend and mcp pods running', measured: `no pod for ${missing.join(', ')}`, pass: false, remedy: 'run npx zx runbooks/03-install.mjs again' });
  // Pods still starting get a bounded wait; a pod in a state that does not fix itself stops it.
  const result = await watch(ctx, { selector: releaseSelector(release), expected: counts, deadlineAt: started + TARGETS.healthyBeforeMs, stopOnFatal: true });
  if (!result.done) {
    const { cause, remedy } = await diagnose(ctx);
    ctx.require({ id: 'DRILL-PRECONDITION', title: 'release healthy before the drill', expected: 'every pod Ready', measured: `${shortfall(result, counts)}${cause ? ` — ${cause}` : ''}`, pass: false, remedy: remedy ?? 'fix the release first (see the evidence), then run this drill again' });
  }
  ctx.check({ id: 'DRILL-PRECONDITION', title: 'release healthy before the drill', expected: 'every pod Ready', measured: Object.entries(counts).map(([c, n]) => `${c} ${n}/${n}`).join(', '), pass: true });
  const profile = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile);
  return { counts, pods: result.pods.map((p) => p.state), profile, driver: profile?.driver ?? '' };
}

/** Access can fail for a moment while Services catch up, or on a transient API error: a few tries. */
async function connect(ctx: RunbookContext, driver: string): Promise<Access> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await establishAccess(ctx, driver);
    } catch (error) {
      lastError = error;
      ctx.note(`access attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      await ctx.clock.sleep(2000 * attempt);
    }
  }
  throw lastError;
}

async function writeTodo(ctx: RunbookContext, access: Access): Promise<Todo> {
  const title = drillTodoTitle('04-restart-test', ctx.clock.now());
  const created = await createTodo(access.backend, title);
  ctx.require({ id: 'DATA-WRITE', title: 'write a todo through the API', expected: `POST ${access.backend}/api/todos → 201`, measured: created.ok ? `todo ${created.todo.id} "${title}"` : created.error, pass: created.ok, remedy: 'check the backend: kubectl logs deploy/<release>-backend; and /ready (database)' });
  return (created as { todo: Todo }).todo;
}

async function readTodoBack(ctx: RunbookContext, access: Access, todo: Todo, id: string, after: string): Promise<void> {
  const result = await findTodo(ctx.clock, access.backend, todo, 60_000);
  ctx.check({ id, title: `the todo is still there after ${after}`, expected: `GET ${access.backend}/api/todos lists todo ${todo.id}`, measured: `${result.found ? 'found' : 'NOT found'}: ${result.detail}${result.attempts > 1 ? ` (${result.attempts} attempts)` : ''}`, pass: result.found, remedy: result.detail.startsWith('the API did not answer') ? 'the backend is not reachable: see the evidence and kubectl get endpoints -n <namespace>' : 'data loss: the database must keep its data on a PersistentVolumeClaim (postgresql.persistence.enabled=true)' });
}

async function dockerHost(ctx: RunbookContext): Promise<string | undefined> {
  try {
    return (await ctx.tools.minikube.dockerEnv()).DOCKER_HOST;
  } catch {
    return undefined; // drivers without a docker daemon on the node (none, podman…)
  }
}

async function stopCluster(ctx: RunbookContext, access: Access): Promise<void> {
  await access.close(); // the forwards die with the cluster; stop them cleanly first
  const started = ctx.clock.now();
  const result = await ctx.tools.minikube.stop(Math.max(ctx.settings.timeoutMs, 180_000));
  ctx.span('restart', 'minikube stop', started, ctx.clock.now());
  const status = await ctx.tools.minikube.status();
  if (result.exitCode !== 0) ctx.evidence('minikube stop output', `${result.stdout}\n${result.stderr}`);
  ctx.require({ id: 'RESTART-STOP', title: 'minikube stop', expected: 'exit 0, host Stopped', measured: `exit ${result.exitCode}, host ${status.host}${result.exitCode ? ` — ${minikubeReason(result)}` : ''}`, pass: result.exitCode === 0 && status.host === 'Stopped', remedy: `minikube stop -p ${ctx.settings.profile}; minikube logs -p ${ctx.settings.profile}` });
}

/** Returns the start mark: the clock right before `minikube start` was issued. */
async function startCluster(ctx: RunbookContext, base: Baseline): Promise<number> {
  const { profile } = ctx.settings;
  // The same size and driver as the cluster has: minikube refuses to change them on an existing profile.
  const options = { cpus: base.profile?.cpus || ctx.settings.cpus, memoryMb: base.profile?.memoryMb || ctx.settings.memoryMb, driver: base.driver || ctx.settings.driver, timeoutMs: Math.max(ctx.settings.timeoutMs, 600_000) };
  const started = ctx.clock.now();
  const result = await ctx.tools.minikube.start(options);
  const returned = ctx.clock.now();
  ctx.span('restart', 'minikube start', started, returned);
  if (result.exitCode !== 0) {
    ctx.evidence('minikube start output', `${result.stdout}\n${result.stderr}`);
    ctx.require({ id: 'RESTART-START', title: 'minikube start (same CPUs, memory, driver)', expected: 'exit 0, cluster Running', measured: `${minikubeReason(result) || `exit ${result.exitCode}`}`, pass: false, remedy: `the cluster is stopped now: start it with minikube start -p ${profile} (see the output in the evidence); if it keeps failing: minikube logs -p ${profile}` });
  }
  const status = await ctx.tools.minikube.status();
  ctx.require({ id: 'RESTART-START', title: 'minikube start (same CPUs, memory, driver)', expected: 'exit 0, cluster Running', measured: `${options.cpus} CPUs, ${options.memoryMb} MB, driver ${options.driver || 'auto'}: host ${status.host}, apiserver ${status.apiServer} after ${formatDuration(returned - started)}`, pass: status.running, remedy: `minikube status -p ${profile}; minikube logs -p ${profile}` });
  return started;
}

/** One check per pod and one for all: the time from `from` (a command issued) to Ready. */
function reportPods(ctx: RunbookContext, o: { result: WatchResult; from: number; readyAfter: number; targetMs: number; idPrefix: string; section: string; what: string; expected: Record<string, number> }): void {
  const ready = Object.keys(o.expected).flatMap((c) => readyPods(o.result, c, o.readyAfter));
  for (const p of ready) {
    const t = timing(o.from, p.ready!);
    ctx.check({ id: `${o.idPrefix}-${p.state.component.toUpperCase()}`, title: `pod ${p.state.name} Ready ${o.what}`, expected: `≤ ${formatDuration(o.targetMs)}`, measured: `Ready in ${formatTiming(t)}`, pass: t.ms <= o.targetMs, remedy: 'see the evidence: slow start-up (resources, probes) or a pod waiting on a dependency', value: Math.round(t.ms), unit: 'ms' });
    if (p.ready!.skew) ctx.note(`pod ${p.state.name}: its Ready timestamp and this machine's clock disagree; the time rests on the timestamp alone`, 'warn');
    ctx.span(o.section, short(p.state), o.from, p.ready!.at);
  }
  const waiting = o.result.pods.filter((p) => !ready.includes(p));
  for (const p of waiting) ctx.check({ id: `${o.idPrefix}-${p.state.component.toUpperCase()}`, title: `pod ${p.state.name} Ready ${o.what}`, expected: `≤ ${formatDuration(o.targetMs)}`, measured: `not Ready after ${formatDuration(o.result.finishedAt - o.from)}: ${notReadyReason(p.state)}`, pass: false, remedy: 'see the diagnosis in the evidence' });
}

async function requireAllBack(ctx: RunbookContext, o: { result: WatchResult; from: number; readyAfter: number; targetMs: number; id: string; title: string; expected: Record<string, number> }): Promise<void> {
  const ready = Object.keys(o.expected).flatMap((c) => readyPods(o.result, c, o.readyAfter));
  if (o.result.done) {
    const slowest = ready.reduce((a, b) => (b.ready!.at > a.ready!.at ? b : a));
    const t = timing(o.from, slowest.ready!);
    ctx.check({ id: o.id, title: o.title, expected: `all ${ready.length} pod(s) Ready ≤ ${formatDuration(o.targetMs)}`, measured: `all Ready in ${formatTiming(t)} (slowest: ${slowest.state.name})`, pass: t.ms <= o.targetMs, remedy: 'see the per-pod checks above', value: Math.round(t.ms), unit: 'ms' });
    return;
  }
  const focus = Object.keys(o.expected);
  const { cause, remedy } = await diagnose(ctx, focus);
  const why = o.result.fatal ? `${o.result.fatal.name}: ${notReadyReason(o.result.fatal)}` : `not all Ready within ${formatDuration(o.result.finishedAt - o.from)}: ${shortfall(o.result, o.expected, o.readyAfter)}`;
  ctx.require({ id: o.id, title: o.title, expected: `all pods Ready ≤ ${formatDuration(o.targetMs)}`, measured: `${why}${cause ? ` — cause: ${cause}` : ''}`, pass: false, remedy: remedy ?? 'see the diagnosis in the evidence' });
}

async function timeRestart(ctx: RunbookContext, base: Baseline, startedAt: number): Promise<void> {
  // Pods keep their names across a node restart; only a Ready transition after the start counts.
  const result = await watch(ctx, { selector: releaseSelector(ctx.settings.release), expected: base.counts, readyAfter: startedAt, deadlineAt: startedAt + deadlineFor(TARGETS.restartMs) });
  const o = { result, from: startedAt, readyAfter: startedAt, targetMs: TARGETS.restartMs, expected: base.counts };
  reportPods(ctx, { ...o, idPrefix: 'RESTART', section: 'restart', what: 'again after minikube start' });
  await requireAllBack(ctx, { ...o, id: 'RESTART-ALL', title: 'every pod back after the restart' });
}

/** Deletes pods and times their replacements; returns nothing, records checks and spans. */
async function replacementDrill(ctx: RunbookContext, o: { selector: string; targetMs: number; idPrefix: string; section: string; one?: boolean }): Promise<void> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const before = (await livePods(ctx, o.selector)).map(podState);
  const victims = o.one ? [before.filter((p) => p.ready).sort((a, b) => a.name.localeCompare(b.name))[0] ?? before[0]!] : before;
  const expected: Record<string, number> = {};
  for (const p of victims) expected[p.component] = (expected[p.component] ?? 0) + 1;
  const startedAt = ctx.clock.now();
  if (o.one) await kubectl.deletePod(victims[0]!.name, ns);
  else await kubectl.deletePods(o.selector, ns);
  const returnedAt = ctx.clock.now();
  ctx.span(o.section, o.one ? `kubectl delete pod` : `kubectl delete pods (${victims.length})`, startedAt, returnedAt);
  ctx.note(`deleted ${victims.map((p) => p.name).join(', ')}; the drill clock started when the command was issued (the command took ${formatDuration(returnedAt - startedAt)})`);
  const result = await watch(ctx, { selector: o.selector, expected, exclude: new Set(before.map((p) => p.name)), readyAfter: startedAt, deadlineAt: startedAt + deadlineFor(o.targetMs), stopOnFatal: true });
  // The API's own record of the start: each replacement's creationTimestamp (whole seconds) falls in the command's window.
  for (const p of result.pods) {
    if (p.state.createdAt < floorSecond(startedAt) || p.state.createdAt > returnedAt) ctx.note(`replacement ${p.state.name} was created at ${new Date(p.state.createdAt).toISOString()}, outside the delete command's window: the cluster's clock and this machine's differ`, 'warn');
  }
  const what = o.one ? `after kubectl delete pod ${victims[0]!.name}` : 'after kubectl delete pods (all app pods)';
  reportPods(ctx, { result, from: startedAt, readyAfter: startedAt, targetMs: o.targetMs, idPrefix: o.idPrefix, section: o.section, what, expected });
  const names = result.pods.map((p) => p.state.name);
  const reused = names.filter((n) => victims.some((v) => v.name === n));
  await requireAllBack(ctx, { result, from: startedAt, readyAfter: startedAt, targetMs: o.targetMs, id: o.idPrefix, title: o.one ? `replacement of ${victims[0]!.name}` : `replacement of all ${victims.length} app pods`, expected });
  // Statelessness: new pods (new names), as many as before.
  const after = (await livePods(ctx, o.selector)).map(podState);
  const counts = (list: PodState[]) => APP_COMPONENTS.map((c) => `${c} ${list.filter((p) => p.component === c).length}`).join(', ');
  ctx.check({ id: `${o.idPrefix}-COUNT`, title: 'pod count restored with new pods', expected: `${counts(before)}; new names`, measured: `${counts(after)}; new: ${names.join(', ')}`, pass: counts(after) === counts(before) && reused.length === 0, remedy: 'check the Deployments: kubectl get deploy,rs -n ' + ns });
}

export const restartTest: RunbookDefinition = {
  id: '04-restart-test',
  title: '04 · Restart resilience and statelessness drill',
  summary: 'Writes a todo, restarts the minikube cluster and times every pod back to Ready, reads the todo back; then deletes one backend pod and all app pods, times their replacements and checks the data again.',
  flags: [{ name: 'replacement-target', type: 'string', description: `target for a deleted pod's replacement to be Ready (default ${TARGETS.replacementMs / 1000}s; 15, 15s, 1m)` }],
  async run(ctx) {
    const replacementMs = parseTarget(ctx.flag('replacement-target'), 'replacement-target', TARGETS.replacementMs);
    ctx.fact('targets', `restart ≤ ${formatDuration(TARGETS.restartMs)}, replacement ≤ ${formatDuration(replacementMs)}`);
    await ctx.step('Check the cluster and the release', 'the drill needs a running cluster with the release deployed (03-install)', async () => {
      await requireCluster(ctx);
      const status = await requireRelease(ctx);
      ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
    });
    const base = await ctx.step('Check the release is healthy', 'a drill on pods that are not Ready would time the wrong thing', () => baseline(ctx));
    let access = await ctx.step('Establish access', 'the todo goes in and comes back out through the backend API', () => connect(ctx, base.driver));
    const todo = await ctx.step('Write a todo', 'data written before the drills must survive them', () => writeTodo(ctx, access));
    ctx.onCleanup('delete the drill todo', async () => {
      if (!(await deleteTodo(access.backend, todo.id))) ctx.note(`could not delete the drill todo ${todo.id} "${todo.title}"; delete it yourself if you like`, 'warn');
    });

    const dockerBefore = await dockerHost(ctx);
    await ctx.step('Stop the cluster', 'minikube stop: every pod goes down with the node', () => stopCluster(ctx, access));
    const startedAt = await ctx.step('Start the cluster', 'minikube start with the same CPUs, memory and driver', () => startCluster(ctx, base));
    const dockerAfter = await dockerHost(ctx);
    if (dockerBefore || dockerAfter) ctx.note(`docker-env after the restart: DOCKER_HOST ${dockerBefore ?? '?'} → ${dockerAfter ?? '?'} (re-read, never cached: it changes on every start)`);
    await ctx.step('Time every pod back to Ready', `target ≤ ${formatDuration(TARGETS.restartMs)} from minikube start; from the pods' Ready timestamps narrowed by the polls`, () => timeRestart(ctx, base, startedAt));
    access = await ctx.step('Re-establish access', 'port-forwards and the docker-env do not survive a restart', () => connect(ctx, base.driver));
    await ctx.step('Read the todo back', 'no data loss across a cluster restart', () => readTodoBack(ctx, access, todo, 'DATA-RESTART', 'the cluster restart'));

    const release = ctx.settings.release;
    await ctx.step('Delete one backend pod', `its replacement must be Ready ≤ ${formatDuration(replacementMs)}`, () => replacementDrill(ctx, { selector: componentSelector(release, 'backend'), targetMs: replacementMs, idPrefix: 'REPLACE-ONE', section: 'replace one backend pod', one: true }));
    await ctx.step('Delete every app pod at once', `frontend, backend and mcp (not PostgreSQL); each replacement Ready ≤ ${formatDuration(replacementMs)}`, () => replacementDrill(ctx, { selector: appPodsSelector(release), targetMs: replacementMs, idPrefix: 'REPLACE-ALL', section: 'replace all app pods' }));
    await access.close();
    access = await ctx.step('Re-establish access', 'forwards to deleted pods are gone', () => connect(ctx, base.driver));
    await ctx.step('Read the todo back again', 'stateless app pods: the data lives in PostgreSQL', () => readTodoBack(ctx, access, todo, 'DATA-REPLACE', 'replacing every app pod'));
  },
};
