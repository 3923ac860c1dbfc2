// The wrappers' contract for the operations that change things (helm, minikube, docker) and for
// output a wrapper cannot read: each returns its value or throws CommandFailed (UnreadableOutput
// for unreadable output) with the command, the exit code, the reason and a remedy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingExec, instantClock } from './helpers/fake-exec.ts';
import { Docker } from '../../src/tools/docker.ts';
import { Helm } from '../../src/tools/helm.ts';
import { Kubectl } from '../../src/tools/kubectl.ts';
import { Minikube } from '../../src/tools/minikube.ts';
import { CommandFailed, UnreadableOutput, attempt } from '../../src/errors.ts';
import { executeWithReport, type RunbookDefinition } from '../../src/runbook.ts';
import { clearSecrets, registerSecret } from '../../src/redact.ts';

const H = ['--kube-context', 'dev'];

/** Runs `operation`, expects a CommandFailed and returns it for further checks. */
async function failure(operation: Promise<unknown>): Promise<CommandFailed> {
  const outcome = await attempt(operation);
  assert.ok(!outcome.ok, 'expected the operation to throw CommandFailed');
  return outcome.error;
}

function helm(exec: RecordingExec): Helm {
  return new Helm(exec.on(['helm', 'version'], { stdout: 'v3.16.2' }), { kubeContext: 'dev', clock: instantClock });
}

const UPGRADE = { release: 'todo-chatbot', chart: 'helm/todo-chatbot', namespace: 'todo-app', timeoutMs: 60_000 };

test("helm contract: upgrade, rollback and test return nothing on success and throw CommandFailed with helm's reason and a remedy", async () => {
  const ok = helm(new RecordingExec());
  assert.equal(await ok.upgrade(UPGRADE), undefined);
  assert.equal(await ok.rollback('todo-chatbot', 1, 'todo-app', 60_000), undefined);
  assert.equal(await ok.test('todo-chatbot', 'todo-app', 60_000), undefined);

  const atomic =
    'Error: UPGRADE FAILED: release todo-chatbot failed, and has been rolled back due to atomic being set: context deadline exceeded';
  const bad = helm(
    new RecordingExec()
      .on(['helm', 'upgrade'], { exitCode: 1, stdout: 'Release "todo-chatbot" does not exist. Installing it now.\n', stderr: atomic })
      .on(['helm', 'rollback'], { exitCode: 1, stderr: 'Error: release has no 7 version' })
      .on(['helm', 'test'], { exitCode: 1, stderr: 'Error: 1 error occurred:\n\t* pod todo-chatbot-test failed' }),
  );
  const upgrade = await failure(bad.upgrade(UPGRADE));
  assert.equal(upgrade.tool, 'helm');
  assert.equal(upgrade.exitCode, 1);
  assert.equal(upgrade.reason, atomic);
  assert.match(upgrade.message, /^helm upgrade todo-chatbot … exited 1: Error: UPGRADE FAILED/);
  assert.match(upgrade.remedy, /helm status todo-chatbot -n todo-app --kube-context dev/);
  const rollback = await failure(bad.rollback('todo-chatbot', 7, 'todo-app', 60_000));
  assert.deepEqual(rollback.argv, ['helm', 'rollback', 'todo-chatbot', '7', '-n', 'todo-app', '--wait', '--timeout', '60s', ...H]);
  assert.match(rollback.remedy, /helm history todo-chatbot -n todo-app --kube-context dev/);
  const testRun = await failure(bad.test('todo-chatbot', 'todo-app', 60_000));
  assert.match(testRun.reason, /pod todo-chatbot-test failed/);
  assert.match(testRun.remedy, /helm test todo-chatbot -n todo-app --kube-context dev --logs/);
});

test('helm contract: uninstall — gone already is existed:false, uninstalled is existed:true, any other failure throws', async () => {
  assert.deepEqual(await helm(new RecordingExec()).uninstall('todo-chatbot', 'todo-app', 60_000), { existed: true });
  const gone = helm(
    new RecordingExec().on(['helm', 'uninstall'], {
      exitCode: 1,
      stderr: 'Error: uninstall: Release not loaded: todo-chatbot: release: not found',
    }),
  );
  assert.deepEqual(await gone.uninstall('todo-chatbot', 'todo-app', 60_000), { existed: false });
  const stuck = helm(
    new RecordingExec().on(['helm', 'uninstall'], {
      exitCode: 1,
      stderr: 'Error: Kubernetes cluster unreachable: Get "https://192.168.49.2:8443/version": dial tcp: connect: connection refused',
    }),
  );
  const e = await failure(stuck.uninstall('todo-chatbot', 'todo-app', 60_000));
  assert.match(e.reason, /cluster unreachable/);
  assert.match(e.remedy, /helm status todo-chatbot -n todo-app --kube-context dev; if it is stuck in pending-\*, helm rollback it first/);
});

// minikube's failure box as minikube prints it without a colour terminal: progress on stdout, the
// "Exiting due to" line and its advice on stderr, the cause not on the last line.
const START_FAILED = {
  exitCode: 80,
  stdout:
    '* [dev] minikube v1.37.0 on Debian 12\n* Using the docker driver based on user configuration\n* Starting "dev" primary control-plane node in "dev" cluster\n',
  stderr:
    '\nX Exiting due to GUEST_PROVISION: error provisioning guest: Failed to start host: driver start: start: docker start dev: exit status 1\n\n╭──────────────────────────────────╮\n│    If the above advice does not help, please let us know:    │\n│    https://github.com/kubernetes/minikube/issues/new/choose    │\n╰──────────────────────────────────╯\n',
};

test('minikube contract: start, stop, delete, image load and addon enable throw CommandFailed whose reason is the "Exiting due to" line', async () => {
  const exec = new RecordingExec()
    .on(['minikube', 'start'], START_FAILED)
    .on(['minikube', 'stop'], { exitCode: 82, stderr: 'X Exiting due to GUEST_STOP_TIMEOUT: Unable to stop VM: timeout\n' })
    .on(['minikube', 'delete'], { exitCode: 80, stderr: 'X Exiting due to GUEST_DELETION: docker rm -f dev: exit status 1\n' })
    .on(['minikube', 'image', 'load'], {
      exitCode: 80,
      stderr: 'X Exiting due to GUEST_IMAGE_LOAD: Failed to load image: no space left on device\n',
    })
    .on(['minikube', 'addons', 'enable'], {
      exitCode: 11,
      stderr: 'X Exiting due to MK_ADDON_ENABLE: run callbacks: running callbacks: [sudo KUBECONFIG=… apply: exit status 1]\n',
    });
  const m = new Minikube(exec, 'dev');
  const start = await failure(m.start({ cpus: 2, memoryMb: 4096, driver: 'docker', timeoutMs: 1000 }));
  assert.equal(start.exitCode, 80);
  assert.equal(
    start.reason,
    'Exiting due to GUEST_PROVISION: error provisioning guest: Failed to start host: driver start: start: docker start dev: exit status 1',
  );
  assert.match(start.message, /^minikube start -p … exited 80: Exiting due to GUEST_PROVISION/);
  assert.match(start.stderr, /Starting "dev" primary control-plane node/, 'the evidence keeps the progress on stdout');
  assert.match(start.stderr, /please let us know/, 'and the advice on stderr');
  assert.equal((await failure(m.stop(1000))).reason, 'Exiting due to GUEST_STOP_TIMEOUT: Unable to stop VM: timeout');
  const del = await failure(m.delete(1000));
  assert.match(del.remedy, /never --all/);
  const load = await failure(m.imageLoad('todo-backend:1a2b', 1000));
  assert.match(load.stderr, /no space left on device/);
  assert.match(load.remedy, /minikube image load todo-backend:1a2b -p dev --alsologtostderr/);
  assert.match((await failure(m.enableAddon('metrics-server'))).reason, /^Exiting due to MK_ADDON_ENABLE/);
  const fine = new Minikube(new RecordingExec(), 'dev');
  assert.equal(await fine.start({ cpus: 2, memoryMb: 4096, driver: '', timeoutMs: 1000 }), undefined);
  assert.equal(await fine.stop(1000), undefined);
});

test('minikube contract: a start killed at its deadline is a CommandFailed marked timedOut', async () => {
  const m = new Minikube(
    new RecordingExec().on(['minikube', 'start'], { exitCode: 124, timedOut: true, stdout: '* Pulling base image ...\n' }),
    'dev',
  );
  const e = await failure(m.start({ cpus: 2, memoryMb: 4096, driver: '', timeoutMs: 1000 }));
  assert.equal(e.timedOut, true);
  assert.equal(e.reason, 'timed out: killed at its deadline');
});

test('minikube contract: status answers with its bitmask (0–7) and 85; any other exit, a timeout or broken JSON throws', async () => {
  const status = (canned: Parameters<RecordingExec['on']>[1]) =>
    new Minikube(new RecordingExec().on(['minikube', 'status'], canned), 'dev').status();
  const stopped = await status({
    exitCode: 7,
    stdout: '{"Name":"dev","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped","Kubeconfig":"Stopped"}',
  });
  assert.equal(stopped.host, 'Stopped');
  assert.equal((await status({ exitCode: 7, stdout: 'null' })).unreadable, true);
  assert.equal(
    (await status({ exitCode: 85, stdout: '{"specversion":"1.0","data":{"message":"Profile \\"dev\\" not found."}}' })).exists,
    false,
  );
  const usage = await failure(
    status({ exitCode: 14, stderr: "X Exiting due to MK_USAGE: invalid output format: yaml. Valid values: 'text', 'json'\n" }),
  );
  assert.match(usage.reason, /^Exiting due to MK_USAGE/);
  assert.match(usage.remedy, /minikube status -p dev/);
  assert.equal((await failure(status({ exitCode: 124, timedOut: true }))).timedOut, true);
  const broken = await failure(status({ exitCode: 0, stdout: '{"Name":"dev","Host":' }));
  assert.ok(broken instanceof UnreadableOutput, broken.name);
  assert.match(broken.message, /^minikube status -p … printed "\{"Name":"dev","Host":", not the JSON of minikube status/);
});

test('docker contract: a failed build keeps the last 60 lines of its output; inspect is undefined only for "No such image"', async () => {
  const steps = Array.from({ length: 80 }, (_, i) => `#${i} step ${i}`).join('\n');
  const exec = new RecordingExec()
    .on(['docker', 'build'], {
      exitCode: 1,
      stderr: `${steps}\nERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1`,
    })
    .on(['docker', 'image', 'inspect', '--format', '{{json .}}', 'absent:1'], {
      exitCode: 1,
      stderr: 'Error response from daemon: No such image: absent:1',
    })
    .on(['docker', 'image', 'inspect', '--format', '{{json .}}', 'down:1'], {
      exitCode: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  const docker = new Docker(exec);
  const build = await failure(
    docker.build({ image: 'todo-backend:1', dockerfile: 'docker/backend.Dockerfile', context: 'app', timeoutMs: 1000 }),
  );
  assert.equal(build.stderr.split('\n').length, 60);
  assert.match(build.reason, /^ERROR: failed to solve: .*npm ci/);
  assert.match(build.remedy, /fix docker\/backend\.Dockerfile or the sources in app/);
  assert.equal(await docker.inspectImage('absent:1'), undefined);
  const down = await failure(docker.inspectImage('down:1'));
  assert.match(down.remedy, /start Docker Desktop/);
  assert.equal(await new Docker(new RecordingExec()).build({ image: 'x:1', dockerfile: 'f', context: '.', timeoutMs: 1000 }), undefined);
});

test('docker contract: history output that is not JSON lines is an UnreadableOutput naming the command', async () => {
  const docker = new Docker(
    new RecordingExec().on(['docker', 'history'], { stdout: 'IMAGE          CREATED BY\nsha256:0f     /bin/sh -c npm ci\n' }),
  );
  const e = await failure(docker.history('todo-backend:1'));
  assert.ok(e instanceof UnreadableOutput);
  assert.match(e.message, /^docker history --no-trunc … printed "IMAGE CREATED BY", not the JSON of docker history/);
});

test('parseJson: output that is not JSON is an UnreadableOutput with the command, what came out and a remedy', async () => {
  const k = new Kubectl(new RecordingExec().on(['kubectl', 'get'], { stdout: '<html>502 Bad Gateway</html>' }), {
    context: 'dev',
    requestTimeoutS: 20,
    clock: instantClock,
  });
  const e = await failure(k.list('pods', 'todo-app'));
  assert.ok(e instanceof UnreadableOutput, e.name);
  assert.equal(e.tool, 'kubectl');
  assert.equal(e.exitCode, 0);
  assert.match(e.message, /^kubectl get pods … printed "<html>502 Bad Gateway<\/html>", not the JSON of kubectl get pods$/);
  assert.match(e.remedy, /run kubectl get pods … yourself.*00-setup/);
  const empty = await failure(helm(new RecordingExec().on(['helm', 'list'], { stdout: '' })).list('todo-app'));
  assert.match(empty.message, /printed nothing, not the JSON of helm list/);
});

test('a runbook shows an UnreadableOutput as a one-line failure with its remedy (exit 1), never as an unexpected error', async () => {
  const reports = mkdtempSync(join(tmpdir(), 'contract-report-'));
  const kubectl = new Kubectl(new RecordingExec().on(['kubectl', 'get'], { stdout: 'not json' }), {
    context: 'dev',
    requestTimeoutS: 20,
    clock: instantClock,
  });
  const definition: RunbookDefinition = {
    id: '00-setup',
    title: 'contract test',
    summary: 'reads output it cannot parse',
    run: async () => {
      await kubectl.list('pods', 'todo-app');
    },
  };
  try {
    const outcome = await executeWithReport(definition, ['--yes', '--report-dir', reports]);
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.report?.result, 'failed');
    assert.equal(outcome.report?.reason, 'kubectl get pods … printed "not json", not the JSON of kubectl get pods');
    assert.doesNotMatch(outcome.report?.reason ?? '', /unexpected error/);
    assert.match(outcome.report?.remedy ?? '', /00-setup/);
    assert.doesNotMatch(outcome.report?.remedy ?? '', /report it/);
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
});

test('attempt: a CommandFailed becomes { ok: false }, a value { ok: true }, anything else is thrown on', async () => {
  assert.deepEqual(await attempt(Promise.resolve(3)), { ok: true, value: 3 });
  const failed = new CommandFailed(['helm', 'test'], 1, 'Error: x', 'r');
  assert.deepEqual(await attempt(Promise.reject(failed)), { ok: false, error: failed });
  await assert.rejects(attempt(Promise.reject(new TypeError('a bug'))), TypeError);
});

test('kubectl contract: pod metrics — an absent or unready metrics API is available:false, an unreachable cluster throws', async () => {
  const metrics = (canned: Parameters<RecordingExec['on']>[1]) =>
    new Kubectl(new RecordingExec().on(['kubectl', 'get', '--raw'], canned), {
      context: 'dev',
      requestTimeoutS: 20,
      clock: instantClock,
    }).podMetrics('todo-app');
  const absent = await metrics({ exitCode: 1, stderr: 'Error from server (NotFound): the server could not find the requested resource' });
  assert.deepEqual(absent, {
    available: false,
    items: [],
    error: 'Error from server (NotFound): the server could not find the requested resource',
  });
  const warming = await metrics({
    exitCode: 1,
    stderr: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
  });
  assert.equal(warming.available, false);
  const refused = await failure(
    metrics({
      exitCode: 1,
      stderr: 'The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?',
    }),
  );
  assert.match(refused.reason, /was refused/);
});

test('kubectl contract: changes return nothing, execIn returns what the command printed (not a raw result)', async () => {
  const k = new Kubectl(new RecordingExec().on(['kubectl', 'exec'], { stdout: 'pg_dump (PostgreSQL) 16.4\n' }), {
    context: 'dev',
    requestTimeoutS: 20,
    clock: instantClock,
  });
  assert.equal(await k.scale('todo-chatbot-frontend', 2, 'todo-app'), undefined);
  assert.equal(await k.deletePods('app=x', 'todo-app'), undefined);
  assert.equal(await k.rolloutStatus('todo-chatbot-backend', 'todo-app', 60_000), undefined);
  const target = { pod: 'db-0', container: 'postgresql', namespace: 'todo-app' };
  assert.equal(await k.execIn(target, ['pg_dump', '--version'], { timeoutMs: 1000, why: 'w', remedy: 'r' }), 'pg_dump (PostgreSQL) 16.4\n');
});

test('UnreadableOutput masks a registered secret before it cuts the output to a snippet', () => {
  registerSecret('sk-unreadable-Qw3Er5Ty7Ui9');
  try {
    const e = new UnreadableOutput(['kagent', 'invoke'], 'an A2A answer', `${'x'.repeat(110)} sk-unreadable-Qw3Er5Ty7Ui9 tail`, 'r');
    assert.ok(!e.message.includes('sk-unreadable') && !e.reason.includes('sk-unr'), e.message);
  } finally {
    clearSecrets();
  }
});
