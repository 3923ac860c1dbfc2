// @ts-check
// kubectl-ai, kagent invoke and Gordon (docker ai): deterministic answers derived from the state.
import { resourceAdvice } from './ai-resources.mjs';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { readState, withState } from './state.mjs';
import { connect } from './kube.mjs';
import { listObjects } from './model.mjs';
import { podState } from './cluster/views.mjs';
import { allEvents } from './cluster/events.mjs';
import { parseDockerfile } from './tools/docker/dockerfile.mjs';
import { goJSON } from './util.mjs';

const B = (s) => `\u001b[1m${s}\u001b[0m`;
const C = (s) => `\u001b[36m${s}\u001b[0m`;
const Y = (s) => `\u001b[33m${s}\u001b[0m`;

/** Findings about the pods of a namespace at now (same facts a human would gather). */
async function findings(ctx, ns) {
  return withState(ctx.stateDir, (state) => {
    const conn = connect(state, ctx, undefined, { countApi: false });
    if (conn.kind !== 'ok') return { unreachable: conn.kind === 'unreachable' ? conn.server : 'the cluster' };
    const c = conn.cluster;
    const now = ctx.clock.now();
    const pods = listObjects(c, 'Pod', ns);
    const evs = allEvents(c, now, ctx.faults, ns);
    const bad = [];
    for (const p of pods) {
      const st = podState(c, p, now, ctx.faults);
      if (st.ready || st.phase === 'Succeeded') continue;
      const w = st.containerStatuses[0]?.state?.waiting;
      const last = st.containerStatuses[0]?.lastState?.terminated;
      const ev = evs.filter((e) => e.objName === p.metadata.name && e.type === 'Warning').sort((a, b) => b.last - a.last)[0];
      bad.push({
        name: p.metadata.name,
        component: p._sim.component,
        phase: st.phase,
        reason: st.display,
        message: w?.message ?? p._sim.unsched?.message ?? ev?.message ?? '',
        last,
        restarts: st.restarts,
        event: ev?.message,
      });
    }
    return { pods: pods.length, bad };
  });
}

function remedy(b) {
  switch (b.reason) {
    case 'ErrImageNeverPull':
      return 'The image is not on the minikube node and `imagePullPolicy: Never` forbids pulling. Build it inside minikube (`eval $(minikube docker-env)`) or run `minikube image load <image>`, then delete the pod.';
    case 'ImagePullBackOff':
    case 'ErrImagePull':
      return 'The node cannot pull this image. Load it with `minikube image load`, or fix the repository/tag in the Helm values.';
    case 'CreateContainerConfigError':
      return `The container references configuration that does not exist (${b.message}). Create the missing Secret/ConfigMap key, or fix the chart values.`;
    case 'CrashLoopBackOff':
    case 'Error':
    case 'OOMKilled':
      return b.last?.reason === 'OOMKilled' || b.reason === 'OOMKilled'
        ? 'The container was OOMKilled (exit 137). Raise `resources.limits.memory` for this component or reduce its memory use.'
        : 'The container keeps exiting. Check `kubectl logs --previous` for the error and fix the configuration it complains about.';
    case 'Pending':
      return `The scheduler cannot place the pod (${b.message}). Lower the resource requests or start minikube with more CPUs/memory.`;
    default:
      return b.event?.startsWith('Readiness probe failed')
        ? 'The readiness probe keeps failing; check the endpoint it probes and the dependencies it needs (e.g. the database).'
        : 'Inspect `kubectl describe pod` and the events for this pod.';
  }
}

/** kubectl-ai one-shot query. */
export async function kubectlAi(ctx, p) {
  const f = p.flags;
  let query = p.args.join(' ');
  if (p.args.length > 1) {
    ctx.err(`Error: only one query argument is allowed (got ${p.args.length}); quote the whole question\n`);
    return 1;
  }
  if (!ctx.tty.stdin) {
    // like the real tool: a non-terminal stdin is read to EOF and appended to the query
    const extra = (await ctx.readStdin()).toString('utf8').trim();
    if (extra) query = query ? `${query}\n${extra}` : extra;
  }
  if (f.quiet && !query) {
    ctx.err('Error: RunOnce mode requires an initial query to be provided\n');
    return 1;
  }
  if (!query) {
    ctx.err('sim: the interactive kubectl-ai session is not simulated; pass --quiet and a query\n');
    return 1;
  }
  const providers = ['azopenai', 'bedrock', 'gemini', 'grok', 'llamacpp', 'ollama', 'openai', 'vertexai'];
  const prov = f['llm-provider'];
  if (!providers.includes(prov)) {
    ctx.err(`Error: creating llm client: provider "${prov}" not registered. Available providers: [${providers.join(' ')}]\n`);
    return 1;
  }
  const env = ctx.env;
  const keyErr = {
    gemini: !env.GEMINI_API_KEY && 'Error: creating llm client: GEMINI_API_KEY environment variable not set',
    openai: !env.OPENAI_API_KEY && 'Error: creating llm client: OpenAI API key not found. Set via OPENAI_API_KEY env var',
    grok: !env.GROK_API_KEY && 'Error: creating llm client: GROK_API_KEY environment variable not set',
    azopenai:
      (!env.AZURE_OPENAI_ENDPOINT || !env.AZURE_OPENAI_API_KEY) &&
      'Error: creating llm client: AZURE_OPENAI_ENDPOINT environment variable not set',
    vertexai: !env.GOOGLE_CLOUD_PROJECT && 'Error: creating llm client: GOOGLE_CLOUD_PROJECT environment variable not set',
    ollama:
      !env.OLLAMA_HOST &&
      `Error: creating llm client: Get "http://localhost:11434/api/tags": dial tcp [::1]:11434: connect: connection refused`,
    llamacpp:
      !env.LLAMACPP_HOST &&
      `Error: creating llm client: Get "http://127.0.0.1:8080/v1/models": dial tcp 127.0.0.1:8080: connect: connection refused`,
    bedrock: !env.AWS_REGION && 'Error: creating llm client: AWS_REGION environment variable not set',
  }[prov];
  if (keyErr) {
    ctx.err(keyErr + '\n');
    return 1;
  }
  const ns = /(?:namespace|ns|-n)\s+["']?([a-z0-9-]+)/i.exec(query)?.[1] ?? 'default';
  await ctx.clock.sleep(4000);
  const fd = await findings(ctx, ns);
  const out = [];
  let iterations = 1;
  out.push(`  Running: kubectl get pods -n ${ns}`);
  const mutating = /\b(delete|restart|scale|apply|patch|fix it|remove|rollout|edit|drain|cordon)\b/i.test(query);
  if (mutating && !f['skip-permissions']) {
    const target = fd.bad?.[0]?.name ?? `<pod> `;
    const verb = /scale/i.test(query)
      ? `kubectl scale deployment ${fd.bad?.[0]?.name?.replace(/-[a-z0-9]+-[a-z0-9]+$/, '') ?? '<deployment>'} --replicas=1 -n ${ns}`
      : /restart|rollout/i.test(query)
        ? `kubectl rollout restart deployment -n ${ns}`
        : `kubectl delete pod ${target} -n ${ns}`;
    if (f.quiet) {
      ctx.out(out.join('\n') + '\n');
      ctx.err(`Error: RunOnce mode cannot handle permission requests. The following commands require approval: ${verb}\n`);
      return 1;
    }
  }
  if (mutating && f['skip-permissions']) {
    const { notImplemented } = await import('./common.mjs');
    notImplemented(ctx, 'kubectl-ai', 'mutating actions (--skip-permissions)');
  }
  if (fd.unreachable) {
    out.push(
      '',
      B('I could not reach the cluster.'),
      '',
      `Every \`kubectl\` call failed to connect to ${fd.unreachable}. Check that minikube is running (\`minikube status\`) and that your kube-context points at it.`,
    );
    ctx.out(out.join('\n') + '\n');
    return 0;
  }
  for (const b of fd.bad) {
    if (iterations >= f['max-iterations']) {
      ctx.out(out.join('\n') + '\nMaximum number of iterations reached.\n');
      return 0;
    }
    out.push(`  Running: kubectl describe pod ${b.name} -n ${ns}`);
    iterations++;
    if (['CrashLoopBackOff', 'Error', 'OOMKilled'].includes(b.reason)) {
      out.push(`  Running: kubectl logs ${b.name} -n ${ns} --previous --tail=50`);
      iterations++;
    }
  }
  out.push('');
  if (!fd.bad.length) {
    out.push(
      B(`All ${fd.pods} pods in namespace ${C(ns)} look healthy.`),
      '',
      fd.pods ? 'Every pod is Running and Ready; no warning events need attention.' : `There are no pods in namespace ${ns}.`,
    );
  } else {
    out.push(B(`${fd.bad.length} of ${fd.pods} pods in namespace ${C(ns)} are not healthy:`), '');
    for (const b of fd.bad) {
      out.push(
        `* ${B(b.name)} (${b.component}): ${Y(b.reason)}${b.message ? ` — ${b.message}` : ''}${b.restarts ? ` (restarts: ${b.restarts})` : ''}`,
      );
      out.push(`  ${remedy(b)}`);
    }
  }
  ctx.out(out.join('\n') + '\n');
  return 0;
}

/** kagent invoke */
export async function kagentInvoke(ctx, p) {
  const f = p.flags;
  if (!f.task && !f.file) {
    ctx.err('Task or file is required\n');
    return 0;
  }
  if (!f.agent) {
    ctx.err('Agent is required\n');
    return 0;
  }
  if (ctx.faults.has('kagent-not-installed')) {
    ctx.err(
      `Error starting port-forward: error: unable to forward port because pod is not running. Current status=Pending\nError from server (NotFound): services "kagent-controller" not found. Please run 'install' command first\n`,
    );
    return 0;
  }
  let task = f.task;
  if (f.file) {
    try {
      task = readFileSync(f.file, 'utf8');
    } catch {
      ctx.err(`Error reading file: open ${f.file}: no such file or directory\n`);
      return 0;
    }
  }
  const ns = /(?:namespace|ns|-n)\s+["']?([a-z0-9-]+)/i.exec(task)?.[1] ?? 'default';
  await ctx.clock.sleep(6000);
  const fd = await findings(ctx, ns);
  let text;
  const sizing = resourceAdvice(task);
  if (sizing) text = sizing;
  else if (fd.unreachable) text = `I could not reach the Kubernetes API (${fd.unreachable}).`;
  else if (!fd.bad.length) text = `All ${fd.pods} pods in namespace ${ns} are running and ready.`;
  else
    text =
      `Found ${fd.bad.length} unhealthy pod(s) in namespace ${ns}:\n` +
      fd.bad.map((b) => `- ${b.name}: ${b.reason}${b.message ? ` (${b.message})` : ''}. ${remedy(b)}`).join('\n');
  const id = randomUUID();
  const metadata = { kagent_app_name: `${f.namespace}__NS__${String(f.agent).replace(/-/g, '_')}` };
  const timestamp = new Date(ctx.clock.now()).toISOString();
  if (ctx.faults.values('kagent-version')[0] === 'main') {
    // main marshals with a2a-go v2 (a2a/core.go): parts without "kind", ROLE_*/TASK_STATE_* enums, no "kind" on the task.
    ctx.out(
      goJSON({
        id,
        contextId: randomUUID(),
        status: { state: 'TASK_STATE_COMPLETED', timestamp },
        artifacts: [{ artifactId: randomUUID(), parts: [{ text }] }],
        history: [{ messageId: randomUUID(), contextId: randomUUID(), parts: [{ text: task }], role: 'ROLE_USER' }],
        metadata,
      }) + '\n',
    );
    return 0;
  }
  // released 0.9.x/0.10 marshal with trpc-a2a-go: "kind" on parts, messages and the task.
  ctx.out(
    goJSON({
      artifacts: [{ artifactId: randomUUID(), parts: [{ kind: 'text', text }] }],
      contextId: randomUUID(),
      history: [{ kind: 'message', messageId: randomUUID(), parts: [{ kind: 'text', text: task }], role: 'user' }],
      id,
      kind: 'task',
      metadata,
      status: { state: 'completed', timestamp },
    }) + '\n',
  );
  return 0;
}

/** docker ai (Gordon), present when SIM_GORDON=1 */
export async function gordon(ctx, args) {
  let dir = ctx.cwd;
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-C' || a === '--working-dir') {
      dir = args[++i];
      continue;
    }
    if (a.startsWith('--working-dir=')) {
      dir = a.slice(14);
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      ctx.err(`unknown flag: ${a}\n`);
      return 1;
    }
    rest.push(a);
  }
  if (rest[0] === 'version' && rest.length === 1) {
    ctx.out('Docker AI (Gordon) version v1.8.2\n');
    return 0;
  }
  if (rest.length > 1) {
    ctx.err('Error: accepts at most 1 arg(s), received ' + rest.length + '\n');
    return 1;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    ctx.err(`Error: chdir ${dir}: no such file or directory\n`);
    return 1;
  }
  // `docker ai ["<prompt>"]` opens Gordon's terminal UI, left with /exit or Ctrl+C
  // (docs.docker.com/ai/gordon/how-to/cli). Without a terminal it never answers: it waits until killed.
  if (!ctx.tty.stdin) return ctx.untilKilled();
  if (rest.length) {
    await ctx.clock.sleep(5000);
    ctx.out(gordonReview(dir));
  }
  ctx.out('\n(Gordon) type a question, or /exit to leave\n> ');
  return new Promise((done) => {
    let buffer = '';
    const stdin = ctx.stdin();
    stdin.setEncoding('utf8');
    stdin.on('data', (/** @type {string} */ chunk) => {
      buffer += chunk;
      if (/(^|\n|\r)\/exit\s*[\r\n]/.test(buffer) || buffer.includes('\u0003')) {
        /** @type {any} */ (stdin).destroy();
        done(0);
      } else if (/[\r\n]/.test(chunk)) ctx.out('> ');
    });
    stdin.on('end', () => done(0));
  });
}

/** Deterministic advice about the Dockerfiles found under dir (what the simulated Gordon says). */
function gordonReview(dir) {
  const files = [];
  const walk = (d, depth) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.git')) continue;
      const full = join(d, e.name);
      if (e.isDirectory() && depth < 2) walk(full, depth + 1);
      else if (/^Dockerfile/.test(e.name) || /\.Dockerfile$/.test(e.name)) files.push(full);
    }
  };
  walk(resolve(dir), 0);
  const out = [`Here is what I found in ${files.length} Dockerfile${files.length === 1 ? '' : 's'} under \`${dir}\`:`, ''];
  if (!files.length) out.push('I could not find a Dockerfile in this directory. Point me at the folder that contains it with `-C <dir>`.');
  for (const fpath of files) {
    const ins = parseDockerfile(readFileSync(fpath, 'utf8'));
    const tips = [];
    const froms = ins.filter((x) => x.cmd === 'FROM');
    for (const fr of froms) {
      const img = fr.args.split(/\s+/)[0];
      if (!/:/.test(img) || /:latest$/.test(img))
        tips.push(`Pin the base image \`${img}\` to a specific version (and ideally a digest) instead of \`latest\`.`);
    }
    if (froms.length < 2) tips.push('Use a multi-stage build so compilers and dev dependencies stay out of the final image.');
    if (!ins.some((x) => x.cmd === 'USER')) tips.push('Add a `USER` instruction: the container currently runs as root.');
    if (ins.some((x) => x.cmd === 'RUN' && /npm install\b/.test(x.args)))
      tips.push('Use `npm ci` instead of `npm install` for reproducible installs.');
    const secretish = ins.filter(
      (x) => (x.cmd === 'ARG' || x.cmd === 'ENV') && /(SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE)/i.test(x.args.split(/[=\s]/)[0]),
    );
    for (const s of secretish)
      tips.push(
        `\`${s.cmd} ${s.args.split(/[=\s]/)[0]}\` looks like a secret: build args and ENV values are visible in \`docker history\`. Use a build secret (\`RUN --mount=type=secret\`) or runtime configuration.`,
      );
    const copyAll = ins.findIndex((x) => x.cmd === 'COPY' && /^\.\s/.test(x.args));
    const install = ins.findIndex((x) => x.cmd === 'RUN' && /(npm ci|npm install|pip install)/.test(x.args));
    if (copyAll >= 0 && install > copyAll)
      tips.push(
        'Copy the dependency manifests and install dependencies before `COPY . .`, so code changes do not invalidate the dependency layer cache.',
      );
    if (!existsSync(join(resolve(fpath, '..'), '.dockerignore')))
      tips.push('Add a `.dockerignore` (node_modules, .git, .env) to keep the build context small and secrets out of the image.');
    if (!ins.some((x) => x.cmd === 'HEALTHCHECK'))
      tips.push('Consider a `HEALTHCHECK` for use outside Kubernetes (Kubernetes uses its own probes).');
    out.push(
      `### ${fpath.replace(resolve(dir) + '/', '')}`,
      '',
      ...(tips.length ? tips.map((t) => `- ${t}`) : ['- Looks good: pinned base, non-root user, multi-stage build.']),
      '',
    );
  }
  return out.join('\n') + '\n';
}
void readState;
