// Runbook 03: install or upgrade the release and prove it is healthy: secrets validated before
// anything changes, helm upgrade --install --atomic --wait with secrets only in a 0600 values
// file, every pod Ready with its time, smoke checks with response times, access URLs, secret
// hygiene, and on failure a built-in diagnosis with events and log tails.
// With IMAGE_REGISTRY the images come from the registry 01 pushed to, pulled with a pull secret
// (src/registry/install.ts). The steps live in steps/install-*.ts; this file is their sequence.
import { join, resolve } from 'node:path';
import type { RunbookDefinition } from '../runbook.ts';
import { PROJECT_ROOT } from '../runbook.ts';
import { planImages } from '../images.ts';
import { requireCluster } from '../cluster/prereq-checks.ts';
import { clusterKind, minikubeDriver, requireRegistryFor } from '../cluster/cluster-kind.ts';
import { registryCredentials } from '../registry/session.ts';
import { pullSecretFor, registryValues, requireImagesForInstall } from '../registry/install.ts';
import { establishAccess, publicAddress } from '../cluster/access.ts';
import { nameValues } from '../cluster/release-values.ts';
import { findChromium, screenshot } from '../cluster/screenshot.ts';
import { formatDuration } from '../clock.ts';
import { reportStamp } from '../report/write.ts';
import { drawSystem } from './steps/system-picture.ts';
import { requireServiceMonitorCrd, serviceMonitorEnabled } from './steps/service-monitor.ts';
import { showKubectlAiPrompt } from './steps/ai-prompt.ts';
import { checkInstallTime, checkStartupLogs, proveRunningImages } from '../cluster/install-criteria.ts';
import { checkSecretHygiene, gatherSecrets, writeSecretValues } from './steps/install-secrets.ts';
import { checkPodsReady, imageOverrides, installRelease, POD_READY_TARGET_MS, reproducibility } from './steps/install-release.ts';
import { chatSmokeCheck, smokeChecks } from './steps/install-smoke.ts';

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
    requireRegistryFor(ctx, await clusterKind(ctx));
    const { values: secrets, externalDatabase } = await ctx.step(
      'Gather and validate the secrets',
      'checked before anything changes; they will travel only in a 0600 values file',
      () => gatherSecrets(ctx),
    );
    const registry = ctx.settings.imageRegistry;
    const registryLogin = registry
      ? await ctx.step('Read the registry credentials', 'the pull secret is made from them', () => registryCredentials(ctx, registry))
      : undefined;
    await ctx.step('Check the cluster', 'the release goes into the running minikube profile', () => requireCluster(ctx));
    if (serviceMonitorEnabled(ctx))
      await ctx.step(
        'Check the cluster serves ServiceMonitor',
        "metrics.serviceMonitor.enabled: without the Prometheus Operator's CRD helm would leave it out without a word",
        () => requireServiceMonitorCrd(ctx),
      );
    const address = await publicAddress(ctx);
    const images = planImages(ctx.settings, PROJECT_ROOT, address);
    await ctx.step(
      registry ? 'Check the images in the registry' : 'Check the images on the node',
      registry ? 'the kubelet pulls what 01 pushed' : 'pods with pullPolicy Never start only from images already on the node',
      () => requireImagesForInstall(ctx, images),
    );
    const pullSecret = registry
      ? await ctx.step('Create the pull secret', 'a docker-registry Secret from the same credentials, on stdin', () =>
          pullSecretFor(ctx, registry, registryLogin),
        )
      : undefined;
    const valuesFile = writeSecretValues(ctx, secrets, externalDatabase);
    if (ctx.settings.valuesFiles.length)
      ctx.fact('your values files', `${ctx.settings.valuesFiles.join(', ')} (applied before the secrets file and the image tags)`);
    const set = { ...imageOverrides(images, address), ...registryValues(images, pullSecret) };
    const { revision, installStart } = await ctx.step(
      'Install or upgrade the release',
      `helm upgrade --install --atomic --wait --timeout ${formatDuration(ctx.settings.timeoutMs)}`,
      () => installRelease(ctx, valuesFile, set),
    );
    ctx.fact('release', `${ctx.settings.release} revision ${revision} in ${ctx.settings.namespace}`);
    const pods = await ctx.step(
      'Check every pod is Ready',
      `target: Ready ≤ ${formatDuration(POD_READY_TARGET_MS)} after creation, from the pods' own timestamps`,
      () => checkPodsReady(ctx),
    );
    checkInstallTime(ctx, installStart, pods);
    await ctx.step('Check the start-up logs', 'a Ready pod can still have logged that something it needs is broken', () =>
      checkStartupLogs(ctx, pods, installStart),
    );
    await ctx.step('Prove the pods run the built images', "each pod's imageID against the id of the image built with its tag", () =>
      proveRunningImages(ctx, images),
    );
    const driver = await minikubeDriver(ctx);
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
