// Runbook 04: restart resilience and statelessness, timed. Writes a todo, stops and starts the
// cluster and times every pod back to Ready, reads the todo back; then deletes one backend pod,
// then every app pod at once, times the replacements and reads the todo again. How the times are
// measured, and why they are within 0.5 s: docs/runbooks/04-restart-test.md.
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { refuseOnOtherCluster } from '../cluster/cluster-kind.ts';
import type { Access } from '../cluster/access.ts';
import { dockerEnvUnsupported, type ProfileConfig } from '../tools/minikube.ts';
import { formatDuration } from '../clock.ts';
import { CommandFailed, Interrupted, attempt } from '../errors.ts';
import { appPodsSelector, componentSelector, releaseSelector } from '../cluster/labels.ts';
import { deadlineFor, parseTarget } from '../cluster/timing.ts';
import { drillTodoTitle, findTodo, type Todo } from '../cluster/todo-api.ts';
import { dataCheckFor } from '../cluster/data-check.ts';
import { connect, replacementDrill, reportPods, requireAllReady, requireHealthy, watch, type Healthy } from './steps/drill.ts';
import { requireRelease } from './steps/release.ts';
import { interruptMcpCall } from './steps/mcp-interrupt.ts';

const TARGETS = { restartMs: 120_000, replacementMs: 10_000, healthyBeforeMs: 180_000 };

interface Baseline extends Healthy {
  profile: ProfileConfig | undefined;
  driver: string;
}

async function baseline(ctx: RunbookContext): Promise<Baseline> {
  const healthy = await requireHealthy(ctx, TARGETS.healthyBeforeMs);
  const profile = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile);
  return { ...healthy, profile, driver: profile?.driver ?? '' };
}

async function writeTodo(ctx: RunbookContext, access: Access): Promise<Todo> {
  const title = drillTodoTitle('04-restart-test', ctx.clock.now());
  const check = dataCheckFor(ctx.settings, access);
  const created = await check.write(title);
  const remedy =
    ctx.settings.dataCheck === 'mcp'
      ? 'check the MCP server (kubectl logs deploy/<release>-mcp) and that DATA_CHECK_MCP_ADD_TOOL / DATA_CHECK_MCP_ADD_ARGS match its tools/list (docs/runbooks/04-restart-test.md); or DATA_CHECK=rest'
      : 'check the backend: kubectl logs deploy/<release>-backend; and /ready (database); or DATA_CHECK=mcp';
  ctx.require({
    id: 'DATA-WRITE',
    title: `write a todo through ${ctx.settings.dataCheck === 'mcp' ? 'the MCP tools' : 'the API'}`,
    expected: check.writes,
    measured: created.ok ? `todo ${created.todo.id ?? '(no id in the answer)'} "${title}"` : created.error,
    pass: created.ok,
    remedy,
  });
  return (created as { todo: Todo }).todo;
}

async function readTodoBack(ctx: RunbookContext, access: Access, todo: Todo, id: string, after: string): Promise<void> {
  const check = dataCheckFor(ctx.settings, access);
  const result = await findTodo(ctx.clock, check, todo, 60_000);
  ctx.check({
    id,
    title: `the todo is still there after ${after}`,
    expected: check.reads(todo),
    measured: `${result.found ? 'found' : 'NOT found'}: ${result.detail}${result.attempts > 1 ? ` (${result.attempts} attempts)` : ''}`,
    pass: result.found,
    remedy: result.detail.startsWith('the API did not answer')
      ? `the ${ctx.settings.dataCheck === 'mcp' ? 'MCP server' : 'backend'} is not reachable: see the evidence and kubectl get endpoints -n <namespace>`
      : 'data loss: the database must keep its data on a PersistentVolumeClaim (postgresql.persistence.enabled=true)',
  });
}

async function dockerHost(ctx: RunbookContext): Promise<string | undefined> {
  const config = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile);
  if (config && dockerEnvUnsupported(config)) return undefined; // no Docker daemon on the node to point at
  try {
    return (await ctx.tools.minikube.dockerEnv()).DOCKER_HOST;
  } catch (error) {
    if (!(error instanceof CommandFailed)) throw error;
    return undefined; // drivers without a docker daemon on the node (none, podman…)
  }
}

async function stopCluster(ctx: RunbookContext, access: Access): Promise<void> {
  await access.close(); // the forwards die with the cluster; stop them cleanly first
  const started = ctx.clock.now();
  const result = await attempt(ctx.tools.minikube.stop(Math.max(ctx.settings.timeoutMs, 180_000)));
  ctx.span('restart', 'minikube stop', started, ctx.clock.now());
  const status = await ctx.tools.minikube.status();
  if (!result.ok) ctx.evidence('minikube stop output', result.error.stderr);
  ctx.require({
    id: 'RESTART-STOP',
    title: 'minikube stop',
    expected: 'exit 0, host Stopped',
    measured: result.ok ? `exit 0, host ${status.host}` : `exit ${result.error.exitCode}, host ${status.host} — ${result.error.reason}`,
    pass: result.ok && status.host === 'Stopped',
    remedy: `minikube stop -p ${ctx.settings.profile}; minikube logs -p ${ctx.settings.profile}`,
  });
}

/** Returns the start mark: the clock right before `minikube start` was issued. */
async function startCluster(ctx: RunbookContext, base: Baseline): Promise<number> {
  const { profile } = ctx.settings;
  // The same size and driver as the cluster has: minikube refuses to change them on an existing profile.
  const options = {
    cpus: base.profile?.cpus || ctx.settings.cpus,
    memoryMb: base.profile?.memoryMb || ctx.settings.memoryMb,
    driver: base.driver || ctx.settings.driver,
    timeoutMs: Math.max(ctx.settings.timeoutMs, 600_000),
  };
  const started = ctx.clock.now();
  const result = await attempt(ctx.tools.minikube.start(options));
  const returned = ctx.clock.now();
  ctx.span('restart', 'minikube start', started, returned);
  if (!result.ok) {
    ctx.evidence('minikube start output', result.error.stderr);
    ctx.require({
      id: 'RESTART-START',
      title: 'minikube start (same CPUs, memory, driver)',
      expected: 'exit 0, cluster Running',
      measured: result.error.reason || `exit ${result.error.exitCode}`,
      pass: false,
      remedy: `the cluster is stopped now: start it with minikube start -p ${profile} (see the output in the evidence); if it keeps failing: minikube logs -p ${profile}`,
    });
  }
  const status = await ctx.tools.minikube.status();
  ctx.require({
    id: 'RESTART-START',
    title: 'minikube start (same CPUs, memory, driver)',
    expected: 'exit 0, cluster Running',
    measured: `${options.cpus} CPUs, ${options.memoryMb} MB, driver ${options.driver || 'auto'}: host ${status.host}, apiserver ${status.apiServer} after ${formatDuration(returned - started)}`,
    pass: status.running,
    remedy: `minikube status -p ${profile}; minikube logs -p ${profile}`,
  });
  return started;
}

async function timeRestart(ctx: RunbookContext, base: Baseline, startedAt: number): Promise<void> {
  // Pods keep their names across a node restart; only a Ready transition after the start counts.
  const result = await watch(ctx, {
    selector: releaseSelector(ctx.settings.release),
    expected: base.counts,
    readyAfter: startedAt,
    deadlineAt: startedAt + deadlineFor(TARGETS.restartMs),
    lateAt: startedAt + TARGETS.restartMs,
  });
  const o = { result, from: startedAt, readyAfter: startedAt, targetMs: TARGETS.restartMs, expected: base.counts };
  reportPods(ctx, { ...o, idPrefix: 'RESTART', section: 'restart', what: 'again after minikube start was issued' });
  await requireAllReady(ctx, { ...o, id: 'RESTART-ALL', title: 'every pod back after the restart' });
}

export const restartTest: RunbookDefinition = {
  id: '04-restart-test',
  title: '04 · Restart resilience and statelessness drill',
  summary:
    'Writes a todo, restarts the minikube cluster and times every pod back to Ready, reads the todo back; then deletes one backend pod and all app pods, times their replacements and checks the data again.',
  flags: [
    {
      name: 'replacement-target',
      type: 'string',
      description: `target for a deleted pod's replacement to be Ready (default ${TARGETS.replacementMs / 1000}s; 15, 15s, 1m)`,
    },
  ],
  async run(ctx) {
    await refuseOnOtherCluster(
      ctx,
      "04's restart drill (minikube stop and start)",
      '04 is for the minikube cluster; on another cluster 05-scaling drills the pod replacements and 06 diagnoses',
    );
    const replacementMs = parseTarget(ctx.flag('replacement-target'), 'replacement-target', TARGETS.replacementMs);
    ctx.fact('targets', `restart ≤ ${formatDuration(TARGETS.restartMs)}, replacement ≤ ${formatDuration(replacementMs)}`);
    await ctx.step(
      'Check the cluster and the release',
      'the drill needs a running cluster with the release deployed (03-install)',
      async () => {
        await requireCluster(ctx);
        const status = await requireRelease(ctx);
        ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
      },
    );
    const base = await ctx.step('Check the release is healthy', 'a drill on pods that are not Ready would time the wrong thing', () =>
      baseline(ctx),
    );
    const go = await ctx.confirm(
      `The drill stops and starts the minikube cluster "${ctx.settings.profile}" and deletes the app pods (the data stays). Go on?`,
      { default: true, whenNonInteractive: true },
    );
    if (!go) throw new Interrupted('you chose not to run the drill; nothing was changed');
    let access = await ctx.step(
      'Establish access',
      `the todo goes in and comes back out through ${ctx.settings.dataCheck === 'mcp' ? 'the MCP tools' : 'the backend API'}`,
      () => connect(ctx, base.driver),
    );
    const todo = await ctx.step('Write a todo', 'data written before the drills must survive them', () => writeTodo(ctx, access));
    ctx.onCleanup('delete the drill todo', async () => {
      if (!(await dataCheckFor(ctx.settings, access).remove(todo)))
        ctx.note(`could not delete the drill todo ${todo.id} "${todo.title}"; delete it yourself if you like`, 'warn');
    });

    const dockerBefore = await dockerHost(ctx);
    await ctx.step('Stop the cluster', 'minikube stop: every pod goes down with the node', () => stopCluster(ctx, access));
    const startedAt = await ctx.step('Start the cluster', 'minikube start with the same CPUs, memory and driver', () =>
      startCluster(ctx, base),
    );
    const dockerAfter = await dockerHost(ctx);
    if (dockerBefore || dockerAfter)
      ctx.note(
        `docker-env after the restart: DOCKER_HOST ${dockerBefore ?? '?'} → ${dockerAfter ?? '?'} (re-read, never cached: it changes on every start)`,
      );
    await ctx.step(
      'Time every pod back to Ready',
      `target ≤ ${formatDuration(TARGETS.restartMs)} from minikube start; from the pods' Ready timestamps narrowed by the polls`,
      () => timeRestart(ctx, base, startedAt),
    );
    access = await ctx.step('Re-establish access', 'port-forwards and the docker-env do not survive a restart', () =>
      connect(ctx, base.driver),
    );
    await ctx.step('Read the todo back', 'no data loss across a cluster restart', () =>
      readTodoBack(ctx, access, todo, 'DATA-RESTART', 'the cluster restart'),
    );

    const release = ctx.settings.release;
    await ctx.step('Delete one backend pod', `its replacement must be Ready ≤ ${formatDuration(replacementMs)}`, () =>
      replacementDrill(ctx, {
        selector: componentSelector(release, 'backend'),
        targetMs: replacementMs,
        idPrefix: 'REPLACE-ONE',
        section: 'replace one backend pod',
        one: true,
      }),
    );
    await ctx.step(
      'Delete every app pod at once',
      `frontend, backend and mcp (not PostgreSQL); each replacement Ready ≤ ${formatDuration(replacementMs)}`,
      () =>
        replacementDrill(ctx, {
          selector: appPodsSelector(release),
          targetMs: replacementMs,
          idPrefix: 'REPLACE-ALL',
          section: 'replace all app pods',
        }),
    );
    await access.close();
    access = await ctx.step('Re-establish access', 'forwards to deleted pods are gone', () => connect(ctx, base.driver));
    await ctx.step('Read the todo back again', 'stateless app pods: the data lives in PostgreSQL', () =>
      readTodoBack(ctx, access, todo, 'DATA-REPLACE', 'replacing every app pod'),
    );
    await ctx.step(
      'Delete the MCP pod in the middle of a tool call',
      'a tools/call half-sent to one MCP pod, the pod deleted, the rest sent: what the call returns, then the next call on the replacement',
      () => interruptMcpCall(ctx, todo),
    );
  },
};
