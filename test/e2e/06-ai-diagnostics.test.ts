// Runbook 06 end to end on the simulated toolchain: a healthy release passes, a broken one is
// named cause by cause with its remedy, and the AI tools are read-only, bounded and advisory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, latestReport, readCalls, runRunbook, type RunOutcome } from './harness.ts';
import { PtySession, plain } from './pty.ts';
import { installedCluster } from './prepared.ts';
import { PROMPT_IDS, aiDiagnostics, loadPrompt } from '../../src/runbooks/06-ai-diagnostics.ts';
import { RunbookContext, type Tools } from '../../src/runbook.ts';
import { loadConfig } from '../../src/config.ts';
import { EventBus, type CheckRecord } from '../../src/events.ts';
import { Ui } from '../../src/ui.ts';
import { Docker } from '../../src/tools/docker.ts';
import { DockerRegistry } from '../../src/tools/docker-registry.ts';
import { Minikube } from '../../src/tools/minikube.ts';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { Helm } from '../../src/tools/helm.ts';
import { KubectlAi } from '../../src/tools/kubectl-ai.ts';
import { Kagent } from '../../src/tools/kagent.ts';
import { Gordon } from '../../src/tools/gordon.ts';
import { RecordingExec, instantClock, type Canned } from '../unit/helpers/fake-exec.ts';

const GEMINI_API_KEY = 'e2e-gemini-key-9f8e7d6c';
/** No provider key from the developer's own shell leaks into a run that is meant to have none. */
const NO_KEYS = { GEMINI_API_KEY: '', OPENAI_API_KEY: '', SIM_GORDON: '' };
const FAULTS = 'crashloop=backend,oom=mcp,image-missing=todo-frontend,no-metrics';

type Check = { id: string; title: string; measured: string; status: string; remedy?: string };
const checks = (r: RunOutcome): Check[] => r.json?.checks ?? [];
const check = (r: RunOutcome, id: string): Check => {
  const found = checks(r).find((c) => c.id === id);
  assert.ok(
    found,
    `no check ${id} in:\n${checks(r)
      .map((c) => `${c.id} ${c.status} ${c.title}`)
      .join('\n')}`,
  );
  return found;
};
const newCalls = (r: RunOutcome, before: number) => r.calls.slice(before);

/** Runs a stand-in directly, as a user would with sim/bin on PATH. */
function sim(stateDir: string, tool: string, args: string[], faults = ''): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(stateDir, 'bin', tool), args, {
    env: { ...process.env, SIM_STATE_DIR: stateDir, SIM_FAULTS: faults },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const show = (r: RunOutcome) => `${r.stdout}\n${r.stderr}`;

// ---------------------------------------------------------------- the prompt library

describe('prompt library', () => {
  test('every id the runbook uses exists and fills in completely', () => {
    const vars = {
      namespace: 'todo-app',
      release: 'todo-chatbot',
      findings: '- [critical] pod/x (backend): CrashLoopBackOff — exit 1',
      finding: '- [critical] pod/x: OOMKilled',
      dockerfile: 'backend.Dockerfile',
      component: 'backend',
      usage: 'todo-chatbot-backend-x/backend (backend): CPU 3m used, request 50m, limit 500m; memory 40Mi used, request 128Mi, limit 512Mi',
    };
    for (const id of PROMPT_IDS) {
      const text = loadPrompt(id, vars);
      assert.ok(text.length > 80, `${id} is too short`);
      assert.doesNotMatch(text, /\{[a-z]+\}/, `${id} has an unfilled placeholder`);
      assert.doesNotMatch(text, /```/, `${id} swallowed a fence`);
    }
    assert.match(loadPrompt('diagnose-namespace', vars), /todo-chatbot.*todo-app[\s\S]*CrashLoopBackOff/);
    assert.match(loadPrompt('review-dockerfile', vars), /backend\.Dockerfile/);
  });

  test('a missing id or an unfilled placeholder is an error; braces in values are not re-read', () => {
    assert.throws(() => loadPrompt('no-such-prompt', {}), /"no-such-prompt" is not in docs\/ai-prompts\.md/);
    assert.throws(() => loadPrompt('diagnose-namespace', { namespace: 'todo-app' }), /uses \{release\}, which the runbook does not fill/);
    const text = loadPrompt('explain-finding', { namespace: 'n', release: 'r', finding: 'a {namespace} b' });
    assert.match(text, /a \{namespace\} b/);
  });
});

// ---------------------------------------------------------------- with a fake toolchain
// The timeout path cannot be provoked in the simulator (its kubectl-ai always answers), so the
// runbook runs here against a recording fake: every answer is scripted, every request is kept.

const FIXTURES = join(ROOT, 'test', 'unit', 'fixtures', 'cluster', 'healthy');

async function runWithFakes(kubectlAiAnswer: Canned): Promise<{ checks: CheckRecord[]; exec: RecordingExec }> {
  // The key must come from the env file here, whatever the developer's shell holds.
  const saved = process.env.GEMINI_API_KEY;
  delete process.env.GEMINI_API_KEY;
  try {
    return await runFakeRelease(kubectlAiAnswer);
  } finally {
    if (saved !== undefined) process.env.GEMINI_API_KEY = saved;
  }
}

async function runFakeRelease(kubectlAiAnswer: Canned): Promise<{ checks: CheckRecord[]; exec: RecordingExec }> {
  const exec = new RecordingExec()
    .on(['minikube', 'status'], {
      stdout: '{"Name":"minikube","Host":"Running","Kubelet":"Running","APIServer":"Running","Kubeconfig":"Configured","Worker":false}',
    })
    .on(['kubectl', 'config', 'current-context'], { stdout: 'minikube\n' })
    .on(['kubectl', 'get', 'namespace'], { stdout: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"todo-app"}}' })
    .on(['helm', 'status'], {
      stdout:
        '{"name":"todo-chatbot","info":{"first_deployed":"","last_deployed":"","deleted":"","description":"Install complete","status":"deployed"},"version":1,"namespace":"todo-app"}\n',
    })
    .on(['kubectl', 'get', '--raw'], { stdout: readFileSync(join(FIXTURES, 'metrics.json'), 'utf8') })
    .on(['kubectl-ai', 'version'], { stdout: 'version: 0.0.29\ncommit: d4435ab\ndate: 2025-12-01\n' })
    .on(['kubectl-ai', '--quiet'], kubectlAiAnswer)
    .on(['kagent', 'version'], {
      stdout: '{"kagent_version":"0.9.12","git_commit":"5229184","build_date":"2025-11-20","backend_version":"unknown"}\n',
    })
    .on(['kagent', 'invoke'], {
      stderr: "Error starting port-forward: failed to establish connection to kagent-controller. Please run 'install' command first\n",
    })
    .on(['docker', 'ai', 'version'], { exitCode: 1, stderr: 'docker: unknown command: docker ai\n' });
  for (const kind of ['nodes', 'pods', 'deployments', 'replicasets', 'statefulsets', 'services', 'endpoints', 'pvc', 'events']) {
    exec.on(['kubectl', 'get', kind], { stdout: readFileSync(join(FIXTURES, `${kind}.json`), 'utf8') });
  }
  for (const kind of ['cronjobs', 'jobs']) exec.on(['kubectl', 'get', kind], { stdout: '{"items":[]}' });
  // no Prometheus Operator: 06 reports the ServiceMonitor CRD absent and the release's values not asking for one
  exec.on(['kubectl', 'get', 'customresourcedefinition'], {
    exitCode: 1,
    stderr:
      'Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "servicemonitors.monitoring.coreos.com" not found\n',
  });
  exec.on(['helm', 'get', 'values'], { stdout: '{"metrics":{"serviceMonitor":{"enabled":false}}}' });
  // one Service by name (06 reads its port to reach GET /metrics through kubectl proxy)
  exec.on(['kubectl', 'get', 'service'], {
    stdout: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"todo-chatbot-frontend"},"spec":{"ports":[{"port":3000}]}}',
  });
  const config = loadConfig(['--yes'], aiDiagnostics.flags, { GEMINI_API_KEY: '' }, mkdtempSync(join(tmpdir(), 'e2e-06-cwd-')));
  config.fileEnv.GEMINI_API_KEY = GEMINI_API_KEY;
  const tools: Tools = {
    docker: new Docker(exec),
    registry: new DockerRegistry(exec),
    minikube: new Minikube(exec, 'minikube'),
    kubectl: new Kubectl(exec, { context: 'minikube', requestTimeoutS: 20, clock: instantClock }),
    helm: new Helm(exec, { kubeContext: 'minikube', clock: instantClock }),
    kubectlAi: new KubectlAi(exec),
    kagent: new Kagent(exec),
    gordon: new Gordon(exec),
  };
  const bus = new EventBus();
  const ui = new Ui({ stream: { write: () => true } as unknown as NodeJS.WriteStream, color: false, animate: false });
  const ctx = new RunbookContext(aiDiagnostics, config, exec, instantClock, tools, ui, undefined, bus);
  await aiDiagnostics.run(ctx);
  return { checks: bus.history.flatMap((e) => (e.kind === 'check' ? [e.check] : [])), exec };
}

describe('with a fake toolchain', () => {
  test('a kubectl-ai that hangs is killed at its timeout: a warning with the reason, never the verdict', async () => {
    const { checks: all, exec } = await runWithFakes({ exitCode: 124, timedOut: true });
    const ai = all.find((c) => c.id === 'DIAG-AI-KUBECTL-AI')!;
    assert.equal(ai.status, 'warn');
    assert.match(ai.measured, /no answer within 3 min 0 s; stopped/);
    const request = exec.calls.find((c) => c.tool === 'kubectl-ai' && c.args[0] === '--quiet')!;
    assert.equal(request.timeoutMs, 180_000, 'bounded: at most 180 s, even with the default --timeout of 300 s');
    assert.equal(request.input, undefined, 'no input: the exec layer closes stdin');
    assert.deepEqual(request.env, { GEMINI_API_KEY }, 'the key from the env file goes through the environment');
    assert.ok(!request.args.join(' ').includes(GEMINI_API_KEY));
    assert.equal(all.filter((c) => c.status === 'fail').length, 0, 'a healthy release still passes');
    assert.equal(all.find((c) => c.id === 'DIAG-AI-KAGENT')!.status, 'skip');
    assert.equal(all.find((c) => c.id === 'DIAG-AI-GORDON')!.status, 'skip');
  });

  test('kubectl-ai refusing a mutating command (read-only mode) is reported as such; a capped answer is a warning', async () => {
    const refused = await runWithFakes({
      exitCode: 1,
      stdout: '  Running: kubectl get pods -n todo-app\n',
      stderr:
        'Error: RunOnce mode cannot handle permission requests. The following commands require approval: kubectl delete pod x -n todo-app\n',
    });
    const r = refused.checks.find((c) => c.id === 'DIAG-AI-KUBECTL-AI')!;
    assert.equal(r.status, 'warn');
    assert.match(r.measured, /wanted to run a command that changes the cluster and was refused \(read-only mode\)/);
    const capped = await runWithFakes({ stdout: '\u001b[1mLooking\u001b[0m\nMaximum number of iterations reached.\n' });
    const c = capped.checks.find((x) => x.id === 'DIAG-AI-KUBECTL-AI')!;
    assert.equal(c.status, 'warn');
    assert.match(c.measured, /stopped at 10 iterations/);
  });
});

// ---------------------------------------------------------------- on a simulated release

describe('on a simulated release (00 → 03 first)', () => {
  let stateDir: string;

  before(async () => {
    // a clone of the suite's 00 → 03 machine: the release 06 diagnoses
    stateDir = await installedCluster();
  });

  // Leave no simulated cluster (and its NodePort daemon) behind.
  after(() => {
    if (!stateDir) return;
    sim(stateDir, 'minikube', ['delete', '-p', 'minikube']);
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  test('healthy release: exit 0, no finding; kubectl-ai is asked read-only with the key only in its environment', async () => {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes'], { stateDir, env: { ...NO_KEYS, GEMINI_API_KEY }, timeoutMs: 300_000 });
    assert.equal(r.exitCode, 0, show(r));
    assert.equal(check(r, 'DIAG-SUMMARY').status, 'pass');
    assert.equal(checks(r).filter((c) => c.status === 'fail').length, 0);
    const general = new Set(['DIAG-NAMESPACE', 'DIAG-RELEASE', 'DIAG-SUMMARY', 'DIAG-SECRETS-ARGV']);
    const findings = checks(r).filter((c) => c.id.startsWith('DIAG-') && !general.has(c.id) && !c.id.startsWith('DIAG-AI-'));
    assert.deepEqual(
      findings.map((c) => `${c.id} ${c.title}: ${c.measured}`),
      [],
    );
    assert.equal(check(r, 'SAFE-CONTEXT').status, 'pass');
    // The app's own Prometheus metrics, read through each Service by the API server's proxy.
    const metrics = check(r, 'APP-METRICS');
    assert.equal(metrics.status, 'pass', metrics.measured);
    assert.match(
      metrics.measured,
      /^frontend: \d+ request\(s\) answered, \d+Mi resident, up \d+ s; backend: \d+ request\(s\) answered, \d+Mi resident, up \d+ s; mcp: \d+ request\(s\) answered, \d+Mi resident, up \d+ s$/,
    );
    assert.ok(newCalls(r, start).some((c) => c.argv[0] === 'kubectl' && c.argv[1] === 'proxy'));
    const ai = check(r, 'DIAG-AI-KUBECTL-AI');
    assert.notEqual(ai.status, 'skip', ai.measured);
    const calls = newCalls(r, start);
    const aiCalls = calls.filter((c) => c.argv[0] === 'kubectl-ai' && c.argv[1] !== 'version');
    assert.ok(aiCalls.length >= 1, 'kubectl-ai was not asked');
    for (const c of aiCalls) {
      assert.ok(c.argv.includes('--quiet'), c.argv.join(' '));
      assert.ok(!c.argv.includes('--skip-permissions'), c.argv.join(' '));
      assert.deepEqual(c.argv.slice(c.argv.indexOf('--llm-provider'), c.argv.indexOf('--llm-provider') + 4), [
        '--llm-provider',
        'gemini',
        '--model',
        'gemini-2.5-flash',
      ]);
    }
    // The key: never on a command line, on screen or in a report.
    for (const c of calls) assert.ok(!c.argv.join(' ').includes(GEMINI_API_KEY), `key in argv: ${c.argv.join(' ')}`);
    assert.ok(!show(r).includes(GEMINI_API_KEY));
    assert.ok(!r.markdown.includes(GEMINI_API_KEY) && !JSON.stringify(r.json).includes(GEMINI_API_KEY));
    assert.equal(check(r, 'DIAG-SECRETS-ARGV').status, 'pass');
    // The answer is in the report as evidence, without colour codes.
    assert.match(r.markdown, /### kubectl-ai \(gemini\/gemini-2\.5-flash\): diagnosis of todo-app \(advisory\)/);
    assert.doesNotMatch(r.markdown, /\u001b\[/);
  });

  test('AI tools absent: each skipped with the reason and how to enable it; the run still passes on a healthy release', async () => {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes'], {
      stateDir,
      faults: 'missing=kubectl-ai,missing=kagent',
      env: NO_KEYS,
      timeoutMs: 300_000,
    });
    assert.equal(r.exitCode, 0, show(r));
    const ai = check(r, 'DIAG-AI-KUBECTL-AI');
    assert.equal(ai.status, 'skip');
    assert.match(ai.measured, /not installed/);
    assert.match(ai.remedy ?? '', /kubectl-ai/);
    const kagent = check(r, 'DIAG-AI-KAGENT');
    assert.equal(kagent.status, 'skip');
    assert.match(kagent.remedy ?? '', /kagent/);
    const gordon = check(r, 'DIAG-AI-GORDON');
    assert.equal(gordon.status, 'skip');
    assert.match(gordon.measured, /docker ai version/);
    assert.ok(
      !r.calls.slice(start).some((c) => c.argv[0] === 'docker' && c.argv[1] === 'ai' && c.argv[2] !== 'version'),
      'Gordon asked although absent',
    );
  });

  test('no provider key: kubectl-ai skipped naming the variable; a key in the env file is used, through the environment only', async () => {
    const without = await runRunbook('06-ai-diagnostics', ['--yes'], { stateDir, env: NO_KEYS, timeoutMs: 300_000 });
    assert.equal(without.exitCode, 0, show(without));
    const skipped = check(without, 'DIAG-AI-KUBECTL-AI');
    assert.equal(skipped.status, 'skip');
    assert.match(skipped.measured, /GEMINI_API_KEY not set \(provider gemini\)/);
    assert.match(skipped.remedy ?? '', /\.env/);

    const dir = mkdtempSync(join(tmpdir(), 'e2e-06-env-'));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, `GEMINI_API_KEY=${GEMINI_API_KEY}\n`, { mode: 0o600 });
    const start = readCalls(stateDir).length;
    const withFile = await runRunbook('06-ai-diagnostics', ['--yes', '--settings-file', envFile], {
      stateDir,
      env: NO_KEYS,
      timeoutMs: 300_000,
    });
    assert.equal(withFile.exitCode, 0, show(withFile));
    assert.notEqual(check(withFile, 'DIAG-AI-KUBECTL-AI').status, 'skip');
    assert.ok(newCalls(withFile, start).some((c) => c.argv[0] === 'kubectl-ai' && c.argv.includes('--quiet')));
    assert.ok(!JSON.stringify(newCalls(withFile, start)).includes(GEMINI_API_KEY));
    assert.ok(!withFile.markdown.includes(GEMINI_API_KEY));
  });

  test('kagent CLI present but its controller not in the cluster: skipped with "kagent install --profile demo" once invoke confirms it', async () => {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes'], {
      stateDir,
      faults: 'kagent-not-installed',
      env: NO_KEYS,
      timeoutMs: 300_000,
    });
    assert.equal(r.exitCode, 0, show(r));
    const kagent = check(r, 'DIAG-AI-KAGENT');
    assert.equal(kagent.status, 'skip');
    // `kagent version` saying "unknown" only means it could not reach the controller within its
    // ~1 s port-forward; kagent invoke's own answer ("run 'install' command first") settles it.
    assert.match(kagent.measured, /kagent is not installed in the cluster \(.*Please run 'install' command first\)/);
    assert.match(kagent.remedy ?? '', /kagent install --profile demo/);
    assert.equal(newCalls(r, start).filter((c) => c.argv[0] === 'kagent' && c.argv[1] === 'invoke').length, 1);
  });

  test('kagent with its controller: invoked with the configured namespace and agent; its answer is advisory', async () => {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes'], { stateDir, env: NO_KEYS, timeoutMs: 300_000 });
    assert.equal(r.exitCode, 0, show(r));
    const invoke = newCalls(r, start).find((c) => c.argv[0] === 'kagent' && c.argv[1] === 'invoke');
    assert.ok(invoke, 'kagent invoke not called');
    assert.deepEqual(invoke.argv.slice(0, 6), ['kagent', 'invoke', '-n', 'kagent', '--agent', 'k8s-agent']);
    assert.equal(invoke.argv[6], '--task');
    assert.match(invoke.argv[7]!, /Read-only task/);
    assert.notEqual(check(r, 'DIAG-AI-KAGENT').status, 'fail');
    // Resources: the measured use of every container, then kagent's suggestions on the same figures, next to it.
    const measured = check(r, 'RESOURCES-MEASURED');
    assert.equal(measured.status, 'pass', measured.measured);
    assert.match(measured.measured, /^4 container\(s\) measured; built-in analysis: no container near its limits$/);
    const invokes = newCalls(r, start).filter((c) => c.argv[0] === 'kagent' && c.argv[1] === 'invoke');
    assert.equal(invokes.length, 2, 'the diagnosis, then the resources');
    const task = invokes[1]!.argv[7]!;
    assert.match(task, /^Read-only task[\s\S]*Suggest resource settings/);
    for (const c of ['frontend', 'backend', 'mcp', 'postgresql'])
      assert.match(
        task,
        new RegExp(
          `\\n\\S+/${c} \\(${c}\\): CPU \\d+m used.*, request \\S+, limit \\S+; memory \\d+Mi used.*, request \\S+, limit \\S+\\n`,
        ),
      );
    assert.equal(check(r, 'DIAG-AI-KAGENT-RESOURCES').status, 'pass');
    const table = r.markdown.indexOf('### Measured resource use (metrics API) against requests and limits');
    const advice = r.markdown.indexOf(
      '### kagent (agent k8s-agent): resource suggestions for todo-app (advisory; compare with the measured use above)',
    );
    assert.ok(table > 0 && advice > table, "the agent's suggestions follow the measured use");
    assert.match(r.markdown.slice(advice), /Resource suggestions from the measured use:\n- backend: /);
  });

  test('Gordon, when present but no terminal: never started (it is a TUI); the exact command per Dockerfile is in the report', async () => {
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes', '--skip-ai'], {
      stateDir,
      env: { ...NO_KEYS, SIM_GORDON: '1' },
      timeoutMs: 300_000,
    });
    assert.equal(r.exitCode, 0, show(r));
    assert.ok(
      !newCalls(r, start).some((c) => ['kubectl-ai', 'kagent'].includes(c.argv[0]!) || (c.argv[0] === 'docker' && c.argv[1] === 'ai')),
      '--skip-ai still called an AI tool',
    );
    const next = readCalls(stateDir).length;
    const g = await runRunbook('06-ai-diagnostics', ['--yes'], { stateDir, env: { ...NO_KEYS, SIM_GORDON: '1' }, timeoutMs: 300_000 });
    assert.equal(g.exitCode, 0, show(g));
    assert.ok(
      !newCalls(g, next).some((c) => c.argv[0] === 'docker' && c.argv[1] === 'ai' && c.argv[2] !== 'version'),
      'Gordon started without a terminal',
    );
    const gordon = checks(g).filter((c) => c.id === 'DIAG-AI-GORDON');
    assert.equal(gordon.length, 3);
    for (const c of gordon) {
      assert.equal(c.status, 'skip');
      assert.match(c.measured, /not started: Gordon is an interactive terminal UI and this run has no terminal/);
    }
    assert.equal(g.json.environment['gordon mode'], 'not started (no terminal): the commands to run are in the report');
    for (const file of ['backend.Dockerfile', 'frontend.Dockerfile', 'mcp.Dockerfile'])
      assert.match(g.markdown, new RegExp(`docker ai -C \\S+/docker '[^']*${file.replace('.', '\\.')}`));
  });

  test('Gordon in a terminal: asked first, then handed the terminal for each Dockerfile until the user leaves it', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'pty-06-'));
    const s = new PtySession('06-ai-diagnostics', ['--simulate', '--report-dir', reports], {
      SIM_STATE_DIR: stateDir,
      SIM_FAULTS: 'missing=kubectl-ai,missing=kagent',
      ENV_FILE: '',
      ...NO_KEYS,
      SIM_GORDON: '1',
    });
    try {
      let at = 0;
      for (const file of ['frontend', 'backend', 'mcp']) {
        at = await s.waitFor(new RegExp(`Open Gordon in this terminal to review docker/${file}\\.Dockerfile\\?`), 120_000, at);
        s.type('y\r');
        at = await s.waitFor(/\/exit to leave/, 60_000, at);
        s.type('/exit\r');
      }
      assert.equal(await s.exited, 0, plain(s.output).slice(-3000));
      assert.match(plain(s.output), /### .*Dockerfile/, "Gordon's answer was on the user's screen");
      const report = latestReport(reports, '06-ai-diagnostics');
      assert.equal(report.json.environment['gordon mode'], 'opened in this terminal, one Dockerfile at a time');
      assert.ok(
        report.json.checks
          .filter((c: { id: string }) => c.id === 'DIAG-AI-GORDON')
          .every(
            (c: { status: string; measured: string }) => c.status === 'pass' && /opened in this terminal, closed by you/.test(c.measured),
          ),
      );
    } finally {
      s.kill();
    }
  });

  // Last: the faults change the release for good.
  test(`faulted release (${FAULTS}): exit 1, each cause named with its remedy; kubectl-ai read-only and bounded`, async () => {
    // image-missing acts when a container is created: replace the frontend pod, as a node restart
    // or a rollout would. crashloop and oom act on the running pods.
    const deleted = sim(
      stateDir,
      'kubectl',
      ['delete', 'pod', '-l', 'app.kubernetes.io/component=frontend', '-n', 'todo-app', '--wait=false', '--context', 'minikube'],
      FAULTS,
    );
    assert.equal(deleted.code, 0, deleted.stderr);
    const start = readCalls(stateDir).length;
    const r = await runRunbook('06-ai-diagnostics', ['--yes'], {
      stateDir,
      faults: FAULTS,
      env: { ...NO_KEYS, GEMINI_API_KEY },
      timeoutMs: 300_000,
    });
    assert.equal(r.exitCode, 1, show(r));
    const byReason = (reason: string, component: string) =>
      checks(r).find((c) => c.id === `DIAG-${reason.toUpperCase()}` && c.title.includes(`(${component})`));

    const crash = byReason('CrashLoopBackOff', 'backend');
    assert.ok(crash, `backend CrashLoopBackOff not named:\n${r.stdout}`);
    assert.equal(crash.status, 'fail');
    assert.match(crash.measured, /exit code/);
    assert.match(crash.remedy ?? '', /kubectl logs todo-chatbot-backend-\S+ -c backend -n todo-app --previous/);

    const oom = byReason('OOMKilled', 'mcp');
    assert.ok(oom, `mcp OOMKilled not named:\n${r.stdout}`);
    assert.match(oom.remedy ?? '', /mcp\.resources\.limits\.memory/);

    const image = byReason('ErrImageNeverPull', 'frontend');
    assert.ok(image, `frontend ErrImageNeverPull not named:\n${r.stdout}`);
    assert.equal(image.status, 'fail');
    assert.match(image.remedy ?? '', /npx zx runbooks\/02-load\.mjs/);
    assert.match(image.remedy ?? '', /minikube image ls/);

    const metrics = check(r, 'DIAG-METRICSUNAVAILABLE');
    assert.equal(metrics.status, 'skip');
    assert.match(metrics.remedy ?? '', /minikube addons enable metrics-server/);

    assert.equal(check(r, 'DIAG-SUMMARY').status, 'fail');
    // What the user sees on screen: the causes and the first remedy.
    assert.match(r.stdout, /CrashLoopBackOff/);
    assert.match(r.stdout, /OOMKilled/);
    assert.match(r.stdout, /ErrImageNeverPull/);
    // Log tails of the crashing containers are evidence.
    assert.match(r.markdown, /### logs of pod\/todo-chatbot-backend-\S+, container backend, previous run/);

    // Every kubectl-ai call: read-only (--quiet, never --skip-permissions), bounded (an iteration
    // cap; stdin closed — the simulated kubectl-ai hangs on an open stdin — and it returned).
    const aiCalls = newCalls(r, start).filter((c) => c.argv[0] === 'kubectl-ai' && c.argv[1] !== 'version');
    assert.ok(aiCalls.length >= 2, `expected the namespace question and at least one explanation, got ${aiCalls.length}`);
    for (const c of aiCalls) {
      assert.ok(c.argv.includes('--quiet') && !c.argv.includes('--skip-permissions'), c.argv.join(' '));
      assert.equal(c.argv[c.argv.indexOf('--max-iterations') + 1], '10');
      assert.ok(Number.isFinite(c.ms) && c.ms < 180_000, `kubectl-ai ran ${c.ms} ms`);
    }
    // The AI answers are advisory: whatever they said, the verdict is the analyzers'.
    for (const c of checks(r).filter((x) => x.id.startsWith('DIAG-AI-'))) assert.notEqual(c.status, 'fail', `${c.id}: ${c.measured}`);
  });
});
