// size: to be split by job into steps under src/runbooks/steps/; left whole while other work on it was landing
// Runbook 03: install or upgrade the release and prove it is healthy: secrets validated before
// anything changes, helm upgrade --install --atomic --wait with secrets only in a 0600 values
// file, every pod Ready with its time, smoke checks with response times, access URLs, secret
// hygiene, and on failure a built-in diagnosis with events and log tails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { RunbookContext, RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { resolveSecrets, saveToEnvFile, type ResolvedSecret } from '../secrets.ts';
import { secretSpecs } from './steps/app-secrets.ts';
import { resolveExtraSecrets, secretKeyLists } from './steps/extra-secrets.ts';
import { planImages, publicUrls, type PlannedImage, type PublicAddress } from '../images.ts';
import { missingOnNode, requireCluster } from '../cluster/prereq-checks.ts';
import { requirePrerequisite } from '../prereqs.ts';
import { podState, isFatal, type PodState } from '../cluster/pods.ts';
import { RUN_TO_COMPLETION, releaseSelector } from '../cluster/labels.ts';
import { watchReady } from '../cluster/watch.ts';
import { diagnose, rememberPods, rootCause, type SeenPods } from './steps/diagnose.ts';
import { describeLatency, probeHttpRepeated, probeMcp } from '../cluster/smoke.ts';
import { establishAccess, publicAddress, type Access } from '../cluster/access.ts';
import { chatSmoke } from '../cluster/chat-smoke.ts';
import { componentName } from '../cluster/names.ts';
import { nameValues } from '../cluster/release-values.ts';
import { findChromium, screenshot } from '../cluster/screenshot.ts';
import type { Finding } from '../cluster/analyzers.ts';
import type { UpgradeRequest } from '../tools/helm.ts';
import { formatDuration } from '../clock.ts';
import { attempt } from '../errors.ts';
import { reportStamp } from '../report/write.ts';
import { drawSystem } from './steps/system-picture.ts';
import { showKubectlAiPrompt } from './steps/ai-prompt.ts';
import { checkInstallTime, checkStartupLogs, proveRunningImages } from '../cluster/install-criteria.ts';

const TARGETS = { podReadyMs: 60_000, frontendMs: 3000, backendHealthMs: 1000, mcpToolsListMs: 200, chatMs: 60_000 };

async function gatherSecrets(ctx: RunbookContext): Promise<{ values: Record<string, ResolvedSecret>; externalDatabase: boolean }> {
  const env = process.env;
  const file = ctx.config.fileEnv;
  const hasUrl = Boolean(env.DATABASE_URL || file.DATABASE_URL);
  const externalDatabase =
    hasUrl ||
    (await ctx.choose(
      'Which database?',
      [
        { value: 'in-chart', name: 'PostgreSQL inside the cluster (StatefulSet with a volume)' },
        { value: 'external', name: 'an external PostgreSQL (DATABASE_URL, e.g. Neon)' },
      ],
      'in-chart',
    )) === 'external';
  const values = await resolveSecrets(secretSpecs(externalDatabase), {
    env,
    fileEnv: file,
    interactive: ctx.interactive,
    prompter: {
      password: (message, validate) => ctx.secretPrompt(message, validate),
      choose: (message, choices) => ctx.choose(message, choices, 'type'),
    },
  });
  Object.assign(values, resolveExtraSecrets(ctx.settings.extraSecretKeys, env, file));
  for (const [key, s] of Object.entries(values)) ctx.fact(`secret ${key}`, `from ${s.source} (value masked)`);
  const prompted = Object.entries(values).filter(([, s]) => s.source === 'prompt' || s.source === 'generated');
  if (prompted.length) {
    const path = ctx.config.envFile ?? resolve(process.cwd(), '.env');
    // A generated value exists nowhere else, and the in-chart database keeps the password it was created with.
    const generated = prompted.some(([, s]) => s.source === 'generated');
    if (
      await ctx.confirm(
        `Save ${prompted.map(([k]) => k).join(', ')} to ${path} (mode 0600) for next time?${generated ? ' Generated values are kept nowhere else.' : ''}`,
        { default: generated, whenNonInteractive: false },
      )
    ) {
      saveToEnvFile(path, Object.fromEntries(prompted.map(([k, s]) => [k, s.value])));
      ctx.note(`saved ${prompted.length} secret(s) to ${path} with mode 0600`);
    }
  }
  return { values, externalDatabase };
}

/** The only place secret values are written: a 0600 file in a private temp dir, removed in cleanup. */
function writeSecretValues(ctx: RunbookContext, secrets: Record<string, ResolvedSecret>, externalDatabase: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-chatbot-values-'));
  ctx.onCleanup('remove the secret values file', async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'secrets.yaml');
  const values = {
    postgresql: { enabled: !externalDatabase },
    secrets: Object.fromEntries(
      Object.entries(secrets)
        .filter(([, s]) => s.value)
        .map(([k, s]) => [k, s.value]),
    ),
    // The components that read an extra key get it added to their secretKeys (key names only).
    ...secretKeyLists(ctx.settings.extraSecretKeys, resolve(PROJECT_ROOT, ctx.settings.chartDir), ctx.settings.valuesFiles),
  };
  writeFileSync(file, stringify(values), { mode: 0o600 });
  return file;
}

/** Image coordinates and public URLs, sent with --set-string so a tag that looks like a number stays a string. */
function imageOverrides(images: PlannedImage[], address: PublicAddress): Record<string, string> {
  const set: Record<string, string> = {};
  for (const i of images) {
    set[`${i.component}.image.repository`] = i.repository;
    set[`${i.component}.image.tag`] = i.tag;
  }
  const urls = publicUrls(address);
  set['publicUrls.frontend'] = urls.frontend;
  set['publicUrls.backend'] = urls.backend;
  return set;
}

/** The runbook's helm upgrade --install: the user's values files first, then the secrets file and the image tags, which win. */
function installRequest(ctx: RunbookContext, valuesFile: string, set: Record<string, string>): UpgradeRequest {
  const { release, namespace, timeoutMs } = ctx.settings;
  return {
    release,
    chart: resolve(PROJECT_ROOT, ctx.settings.chartDir),
    namespace,
    timeoutMs,
    install: true,
    atomic: true,
    valuesFiles: [...ctx.settings.valuesFiles, valuesFile],
    setString: set,
  };
}

/** helm upgrade --install, while watching the pods so that evidence is taken before --atomic removes it. */
async function installRelease(
  ctx: RunbookContext,
  valuesFile: string,
  set: Record<string, string>,
): Promise<{ revision: number; installStart: number; findings?: Finding[] }> {
  const { helm, kubectl } = ctx.tools;
  const { release, namespace } = ctx.settings;
  const installStart = ctx.clock.now();
  const upgrade = attempt(helm.upgrade({ ...installRequest(ctx, valuesFile, set), createNamespace: true }));
  let finished = false;
  const settled = () => (finished = true);
  void upgrade.then(settled, settled);
  let findings: Finding[] | undefined;
  let seen: SeenPods | undefined;
  let stuckPod: string | undefined;
  while (!finished) {
    await ctx.clock.sleep(2000);
    if (finished || findings) continue;
    const listed = await kubectl.list('pods', namespace, releaseSelector(release));
    const now = ctx.clock.now();
    seen = rememberPods(seen, listed, now);
    const pods = listed.map(podState).filter((p) => !p.deleting);
    const stuck = pods.find(isFatal) ?? pods.find((p) => !p.ready && now - p.createdAt > TARGETS.podReadyMs);
    if (stuck) {
      ctx.note(`pod ${stuck.name} is ${stuck.reason ?? 'not Ready'}; collecting evidence before helm gives up`, 'warn');
      stuckPod = `pod/${stuck.name}`;
      findings = (await diagnose(ctx)).findings;
    }
  }
  const result = await upgrade;
  ctx.span('install', 'helm upgrade --install', installStart, ctx.clock.now());
  if (!result.ok) {
    findings ??= (await diagnose(ctx, undefined, seen)).findings;
    // The pod the watch caught is the cause, even when caught at its first failure (an analyzer
    // rates one OOM kill a warning until it repeats) while its workload already reads as critical.
    const cause = findings.find((f) => f.object === stuckPod) ?? rootCause(findings);
    ctx.require({
      id: 'INSTALL-HELM',
      title: 'helm upgrade --install',
      expected: 'release deployed, all pods Ready within --timeout',
      measured: cause
        ? `${cause.object}: ${cause.reason} — ${result.error.reason}`
        : result.error.reason || `exit ${result.error.exitCode}`,
      pass: false,
      remedy: cause?.remedy ?? 'read the evidence in the report; raise --timeout if the cluster is slow',
    });
  }
  const status = await helm.status(release, namespace);
  ctx.require({
    id: 'INSTALL-HELM',
    title: 'helm upgrade --install',
    expected: 'status deployed',
    measured: status ? `revision ${status.version}, ${status.status}` : 'release not found',
    pass: status?.status === 'deployed',
    remedy: `helm status ${release} -n ${namespace}`,
  });
  return { revision: status!.version, installStart, findings };
}

async function checkPodsReady(ctx: RunbookContext): Promise<PodState[]> {
  const { release, namespace } = ctx.settings;
  const selector = releaseSelector(release);
  const started = ctx.clock.now();
  // The release's pods as helm left them: how many of each component must be Ready.
  const expected: Record<string, number> = {};
  for (const p of (await ctx.tools.kubectl.list('pods', namespace, selector)).map(podState)) {
    if (!p.deleting && p.component && !RUN_TO_COMPLETION.has(p.component)) expected[p.component] = (expected[p.component] ?? 0) + 1;
  }
  const observed = await watchReady(
    { kubectl: ctx.tools.kubectl, clock: ctx.clock },
    { namespace, selector, expected, deadlineAt: started + TARGETS.podReadyMs, pollMs: 1000, stopOnFatal: true },
  );
  const pods = observed.pods.map((p) => p.state);
  for (const p of pods) {
    const ms = p.readyAt !== undefined ? p.readyAt - p.createdAt : undefined;
    ctx.check({
      id: `READY-${p.component.toUpperCase() || 'POD'}`,
      title: `pod ${p.name} Ready`,
      expected: `Ready ≤ ${formatDuration(TARGETS.podReadyMs)} after creation`,
      measured: ms !== undefined ? `Ready in ${formatDuration(ms)}` : `${p.reason ?? p.phase}${p.message ? `: ${p.message}` : ''}`,
      pass: ms !== undefined && ms <= TARGETS.podReadyMs,
      remedy: 'see the diagnosis in the report',
      value: ms,
      unit: 'ms',
    });
    if (p.readyAt !== undefined) ctx.span('pods', `${p.component} ${p.name.slice(-5)}`, p.createdAt, p.readyAt);
  }
  if (!observed.done || pods.length === 0) {
    const { findings } = await diagnose(ctx);
    const cause = rootCause(findings);
    ctx.require({
      id: 'READY-ALL',
      title: 'all pods Ready',
      expected: 'every pod Ready',
      measured: cause
        ? `${cause.object}: ${cause.reason}`
        : pods.length
          ? `${pods.filter((p) => !p.ready).length} pod(s) not Ready`
          : 'no pod of the release found',
      pass: false,
      remedy: cause?.remedy ?? 'see the diagnosis in the report',
    });
  }
  return pods;
}

const SAMPLES = 5;

async function smokeChecks(ctx: RunbookContext, access: Access): Promise<void> {
  const health = await probeHttpRepeated(`${access.backend}/health`, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-BACKEND-HEALTH',
    title: 'backend /health',
    expected: `200, median ≤ ${TARGETS.backendHealthMs} ms`,
    measured: health.ok ? `${health.status}, ${describeLatency(health.latency)}` : `${health.status ?? health.error}`,
    pass: health.ok && health.latency.median <= TARGETS.backendHealthMs,
    remedy: 'kubectl logs deploy/<release>-backend; check the probe paths',
    value: health.latency.median,
    unit: 'ms',
  });
  const ready = await probeHttpRepeated(`${access.backend}/ready`, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-BACKEND-READY',
    title: 'backend /ready (database round trip)',
    expected: `200, median ≤ ${TARGETS.backendHealthMs} ms`,
    measured: ready.ok
      ? `${ready.status}, ${describeLatency(ready.latency)}`
      : `${ready.status ?? ready.error} ${ready.body.slice(0, 100)}`,
    pass: ready.ok && ready.latency.median <= TARGETS.backendHealthMs,
    remedy: 'the backend cannot reach the database: check DATABASE_URL / the postgresql pod',
    value: ready.latency.median,
    unit: 'ms',
  });
  const page = await probeHttpRepeated(`${access.frontend}/`, 15_000, 3);
  const looksLikePage = /<html|<!doctype html/i.test(page.body);
  ctx.check({
    id: 'SMOKE-FRONTEND',
    title: 'frontend page',
    expected: `200 HTML, median ≤ ${TARGETS.frontendMs} ms`,
    measured: page.ok
      ? `${page.status}${looksLikePage ? ' HTML' : ' (not HTML)'}, ${describeLatency(page.latency)}`
      : `${page.status ?? page.error}`,
    pass: page.ok && looksLikePage && page.latency.median <= TARGETS.frontendMs,
    remedy: 'kubectl logs deploy/<release>-frontend',
    value: page.latency.median,
    unit: 'ms',
  });
  const mcp = await probeMcp(access.mcp, 10_000, SAMPLES);
  ctx.check({
    id: 'SMOKE-MCP',
    title: 'MCP initialize + tools/list',
    expected: `tools listed, tools/list median ≤ ${TARGETS.mcpToolsListMs} ms`,
    measured: mcp.ok
      ? `${mcp.tools.length} tools (${mcp.tools.join(', ')}); initialize ${Math.round(mcp.initializeMs)} ms, tools/list ${describeLatency(mcp.toolsList)}`
      : (mcp.error ?? 'no tools'),
    pass: mcp.ok && mcp.toolsListMs <= TARGETS.mcpToolsListMs,
    remedy: 'kubectl logs deploy/<release>-mcp',
    value: mcp.toolsListMs,
    unit: 'ms',
  });
}

/** The optional chat round trip (CHAT_SMOKE=1): backend → model → MCP tool → database. */
async function chatSmokeCheck(ctx: RunbookContext, access: Access): Promise<void> {
  const s = ctx.settings;
  if (!s.chatSmoke) {
    ctx.note('chat smoke check off (CHAT_SMOKE=1 sends one chat message; it spends model tokens)');
    return;
  }
  const r = await chatSmoke(access, s, TARGETS.chatMs);
  const said =
    r.reply === undefined
      ? ''
      : `; reply "${r.reply.slice(0, 80)}"${r.toolCalls ? `, tool calls: ${r.toolCalls.join(', ') || 'none'}` : ''}`;
  ctx.check({
    id: 'SMOKE-CHAT',
    title: `chat round trip (POST ${s.chatSmokePath} → model → MCP ${s.dataCheckListTool})`,
    expected: `2xx within ${TARGETS.chatMs / 1000} s, and the task it asked for ("${r.title}") listed by ${s.dataCheckListTool}`,
    measured: `${r.status === undefined ? '' : `${r.status} in ${r.replyMs} ms, `}${r.detail}${said}${r.ok ? (r.removed ? ' (deleted again)' : ' (left in place)') : ''}`,
    pass: r.ok,
    remedy:
      r.status === 404
        ? `the backend has no POST ${s.chatSmokePath}: set CHAT_SMOKE_PATH (and CHAT_SMOKE_BODY) to your chat endpoint, or CHAT_SMOKE=0`
        : 'kubectl logs deploy/<release>-backend (the model call, OPENAI_API_KEY / its base URL) and deploy/<release>-mcp; CHAT_SMOKE_HEADERS must make the chat act for the user DATA_CHECK_MCP_LIST_ARGS lists',
    value: r.replyMs,
    unit: 'ms',
  });
}

async function checkSecretHygiene(ctx: RunbookContext, secrets: Record<string, ResolvedSecret>): Promise<void> {
  const { kubectl } = ctx.tools;
  const ns = ctx.settings.namespace;
  const present = Object.entries(secrets).filter(([, s]) => s.value);
  ctx.check({
    id: 'SECRETS-ARGV',
    title: 'no secret on any command line',
    expected: '0 commands',
    measured: `${ctx.exec.secretsInArgv} command(s) carried a secret`,
    pass: ctx.exec.secretsInArgv === 0,
    remedy: 'report this as a bug: secrets must go through the values file',
  });
  const configMaps = JSON.stringify(await kubectl.list('configmaps', ns));
  const leaked = present
    .filter(([, s]) => configMaps.includes(s.value) || configMaps.includes(Buffer.from(s.value).toString('base64')))
    .map(([k]) => k);
  ctx.check({
    id: 'SECRETS-CONFIGMAP',
    title: 'no secret in any ConfigMap',
    expected: 'none',
    measured: leaked.length ? `found: ${leaked.join(', ')}` : `${present.length} secret(s) absent from every ConfigMap`,
    pass: leaked.length === 0,
    remedy: 'move the key from <component>.env to secrets.<KEY>',
  });
  // 03 installs without --reuse-values: a name override can come only from the user's values files.
  const secret = await kubectl.get('secret', componentName(ctx.settings.release, 'secrets', nameValues(ctx.settings.valuesFiles)), ns);
  const data = secret?.data ?? {};
  const wrong = present.filter(([k, s]) => Buffer.from(data[k] ?? '', 'base64').toString('utf8') !== s.value).map(([k]) => k);
  ctx.check({
    id: 'SECRETS-IN-SECRET',
    title: "secrets reached the cluster's Secret unchanged",
    expected: present.map(([k]) => k).join(', '),
    measured: !secret ? 'Secret not found' : wrong.length ? `differs: ${wrong.join(', ')}` : 'all present and identical',
    pass: Boolean(secret) && wrong.length === 0,
    remedy: 'check existingSecret / secrets.* in your values',
  });
}

async function reproducibility(ctx: RunbookContext, valuesFile: string, set: Record<string, string>): Promise<void> {
  const { helm } = ctx.tools;
  const { release, namespace, timeoutMs } = ctx.settings;
  const before = await helm.manifest(release, namespace);
  const uninstall = await attempt(helm.uninstall(release, namespace, timeoutMs));
  if (!uninstall.ok)
    ctx.require({
      id: 'REPRO',
      title: 'uninstall for the reproducibility check',
      expected: 'exit 0',
      measured: uninstall.error.reason,
      pass: false,
      remedy: `helm uninstall ${release} -n ${namespace}`,
    });
  // The same request as the install, so any difference in the objects comes from the chart itself.
  const again = await attempt(helm.upgrade(installRequest(ctx, valuesFile, set)));
  const after = again.ok ? await helm.manifest(release, namespace) : '';
  ctx.check({
    id: 'REPRO',
    title: 'uninstall + reinstall give the same objects',
    expected: 'identical manifests',
    measured: !again.ok
      ? `reinstall failed: ${again.error.reason}`
      : before === after
        ? `identical (${(before.match(/^kind:/gm) ?? []).length} objects)`
        : 'manifests differ',
    pass: again.ok && before === after,
    remedy: 'look for generated values (randAlphaNum, now) in the templates',
  });
}

export const install: RunbookDefinition = {
  id: '03-install',
  title: '03 · Install the release and prove it is healthy',
  summary:
    'Validates the secrets, runs helm upgrade --install --atomic --wait, times every pod to Ready, runs smoke checks (backend, frontend, MCP), prints the access URLs and checks that secrets live only in the Secret.',
  flags: [
    {
      name: 'reproducibility-check',
      type: 'boolean',
      description: 'afterwards uninstall and reinstall, and check the objects are the same',
    },
    { name: 'no-screenshot', type: 'boolean', description: 'do not take a screenshot of the frontend' },
  ],
  async run(ctx) {
    const { values: secrets, externalDatabase } = await ctx.step(
      'Gather and validate the secrets',
      'checked before anything changes; they will travel only in a 0600 values file',
      () => gatherSecrets(ctx),
    );
    await ctx.step('Check the cluster', 'the release goes into the running minikube profile', () => requireCluster(ctx));
    const address = await publicAddress(ctx);
    const images = planImages(ctx.settings, PROJECT_ROOT, address);
    await ctx.step('Check the images on the node', 'pods with pullPolicy Never start only from images already on the node', async () => {
      const missing = await missingOnNode(ctx, images);
      await requirePrerequisite(ctx, {
        satisfied: missing.length === 0,
        what: `images not on the node: ${missing.map((i) => i.ref).join(', ')}`,
        id: '02-load',
        recheck: async () => (await missingOnNode(ctx, images)).length === 0,
      });
    });
    const valuesFile = writeSecretValues(ctx, secrets, externalDatabase);
    if (ctx.settings.valuesFiles.length)
      ctx.fact('your values files', `${ctx.settings.valuesFiles.join(', ')} (applied before the secrets file and the image tags)`);
    const set = imageOverrides(images, address);
    const { revision, installStart } = await ctx.step(
      'Install or upgrade the release',
      `helm upgrade --install --atomic --wait --timeout ${formatDuration(ctx.settings.timeoutMs)}`,
      () => installRelease(ctx, valuesFile, set),
    );
    ctx.fact('release', `${ctx.settings.release} revision ${revision} in ${ctx.settings.namespace}`);
    const pods = await ctx.step(
      'Check every pod is Ready',
      `target: Ready ≤ ${formatDuration(TARGETS.podReadyMs)} after creation, from the pods' own timestamps`,
      () => checkPodsReady(ctx),
    );
    checkInstallTime(ctx, installStart, pods);
    await ctx.step('Check the start-up logs', 'a Ready pod can still have logged that something it needs is broken', () =>
      checkStartupLogs(ctx, pods),
    );
    await ctx.step('Prove the pods run the built images', "each pod's imageID against the id of the image built with its tag", () =>
      proveRunningImages(ctx, images),
    );
    const driver = (await ctx.tools.minikube.profiles()).find((p) => p.name === ctx.settings.profile)?.driver ?? '';
    const access = await ctx.step(
      'Establish access',
      'NodePort where the node IP is reachable; port-forward otherwise and for the ClusterIP MCP service',
      () => establishAccess(ctx, driver, nameValues(ctx.settings.valuesFiles)),
    );
    await ctx.step('Smoke checks', 'the app answers: backend health and database, the page, the MCP handshake', () =>
      smokeChecks(ctx, access),
    );
    await ctx.step('Chat smoke check', 'optional (CHAT_SMOKE): one chat message whose tool call must land in the database', () =>
      chatSmokeCheck(ctx, access),
    );
    await ctx.step(
      'Draw the deployed system',
      'the Services, pods, ports, Secret and ConfigMap as they run, as a diagram in the report',
      () => drawSystem(ctx),
    );
    await ctx.step('Check secret hygiene', 'secrets only in the Secret: not in argv, not in ConfigMaps', () =>
      checkSecretHygiene(ctx, secrets),
    );
    if (ctx.flag('no-screenshot') !== true) {
      await ctx.step('Screenshot the frontend', 'a picture of the running page for the report', async () => {
        const file = join(resolve(ctx.settings.reportDir), `${reportStamp(new Date(ctx.startedAt))}-03-install-frontend.png`);
        const shot = await screenshot(`${access.frontend}/`, file, 20_000, findChromium());
        if (shot.ok) ctx.note(`frontend screenshot: ![frontend](${file.split('/').pop()})`);
        else ctx.note(`no screenshot: ${shot.error}`);
      });
    }
    if (
      ctx.flag('reproducibility-check') === true ||
      (await ctx.confirm('Check reproducibility (uninstall and reinstall, compare the objects)?', {
        default: false,
        whenNonInteractive: false,
      }))
    ) {
      await ctx.step('Reproducibility check', 'the same values must give the same objects', () => reproducibility(ctx, valuesFile, set));
    }
    const { release, namespace, chartDir } = ctx.settings;
    showKubectlAiPrompt(
      ctx,
      'deploy-release',
      { release, namespace, chart: chartDir, context: ctx.tools.kubectl.context },
      'the same upgrade, done with kubectl-ai',
    );
    ctx.note(`Frontend: ${access.frontend}   Backend: ${access.backend}   (${access.how})`);
    for (const command of access.userCommands) ctx.note(`to open it yourself: ${command}`);
  },
};
