// Where runbooks 08 and 09 run PostgreSQL's client programs: inside the chart's own PostgreSQL pod
// (which has pg_dump/pg_restore of the server's own version, and the credentials in its
// environment), or, when the release uses an external DATABASE_URL, inside a short-lived client
// pod that gets DATABASE_URL from the release's Secret (secretKeyRef) and is deleted afterwards.
import type { RunbookContext } from '../runbook.ts';
import { podState } from './pods.ts';
import { componentName } from './names.ts';
import { objectName, releaseNameValues, requireRelease } from '../runbooks/steps/release.ts';
import { requireCluster } from './prereq-checks.ts';
import type { DatabaseSource } from './backup-commands.ts';

export interface DatabaseTarget {
  source: DatabaseSource;
  pod: string;
  container: string;
  namespace: string;
  /** "PostgreSQL pod todo-chatbot-postgresql-0 (the chart's database, …)" */
  describe: string;
}

const CLIENT_COMPONENT = 'backup-client';
/** Names the one client pod of a run, so the wait cannot pick up a left-over one. */
const CLIENT_LABEL = 'todo-chatbot.backup/client';
/** The client pod ends itself after this long even if the runbook is killed and never deletes it. */
const CLIENT_DEADLINE_S = 1800;

interface ChartValues {
  existingSecret?: string;
  postgresql?: { enabled?: boolean; image?: { repository?: string; tag?: string | number; pullPolicy?: string } };
}

/** The client pod of an external database: PostgreSQL's image from the release's values, DATABASE_URL from its Secret. */
export function clientPodManifest(o: { name: string; namespace: string; image: string; pullPolicy: string; secret: string }): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      // Not the release's instance label: the drills and analyzers count the release's pods by it.
      labels: { 'app.kubernetes.io/name': 'todo-chatbot', 'app.kubernetes.io/component': CLIENT_COMPONENT, [CLIENT_LABEL]: o.name },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: CLIENT_DEADLINE_S,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'pg-client',
          image: o.image,
          imagePullPolicy: o.pullPolicy,
          command: ['sleep', String(CLIENT_DEADLINE_S)],
          env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: o.secret, key: 'DATABASE_URL' } } }],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

async function inChart(ctx: RunbookContext): Promise<DatabaseTarget> {
  const { namespace } = ctx.settings;
  const pod = `${objectName(ctx, 'postgresql')}-0`;
  const found = await ctx.tools.kubectl.get('pod', pod, namespace);
  const state = found && podState(found);
  ctx.require({
    id: 'DB-POD',
    title: 'the PostgreSQL pod is Ready',
    expected: `pod ${pod} Running and Ready`,
    measured: !state
      ? 'no such pod'
      : `${state.phase}${state.ready ? ', Ready' : `, not Ready${state.reason ? ` (${state.reason})` : ''}`}`,
    pass: Boolean(state?.ready),
    remedy: `see why: kubectl describe pod ${pod} -n ${namespace} --context ${ctx.tools.kubectl.context}; or run npx zx runbooks/06-ai-diagnostics.mjs`,
  });
  return {
    source: 'in-chart',
    pod,
    container: 'postgresql',
    namespace,
    describe: `PostgreSQL pod ${pod} (the chart's database, its own credentials)`,
  };
}

async function external(ctx: RunbookContext, values: ChartValues): Promise<DatabaseTarget> {
  const { namespace, release } = ctx.settings;
  const names = releaseNameValues(ctx);
  const image = values.postgresql?.image ?? {};
  const name = `${componentName(release, CLIENT_COMPONENT, names)}-${Math.floor(ctx.clock.now() / 1000) % 100000}`;
  const manifest = clientPodManifest({
    name,
    namespace,
    image: `${image.repository ?? 'postgres'}:${image.tag ?? '16-alpine'}`,
    pullPolicy: image.pullPolicy ?? 'IfNotPresent',
    secret: values.existingSecret || componentName(release, 'secrets', names),
  });
  await ctx.tools.kubectl.apply(
    JSON.stringify(manifest),
    namespace,
    `a short-lived pod with pg_dump/pg_restore that reads DATABASE_URL from the release's Secret`,
  );
  ctx.onCleanup(`delete the client pod ${name}`, async () => {
    await ctx.tools.kubectl.deletePod(name, namespace);
  });
  await ctx.tools.kubectl.waitPodsReady(namespace, `${CLIENT_LABEL}=${name}`, 120_000);
  return {
    source: 'external',
    pod: name,
    container: 'pg-client',
    namespace,
    describe: `the external DATABASE_URL, through the client pod ${name}`,
  };
}

/** The chart's PostgreSQL (postgresql.enabled, the default) or the release's external DATABASE_URL. */
export async function findDatabase(ctx: RunbookContext): Promise<DatabaseTarget> {
  const values = (await ctx.tools.helm.values(ctx.settings.release, ctx.settings.namespace, true)) as ChartValues;
  return values.postgresql?.enabled === false ? external(ctx, values) : inChart(ctx);
}

/** The first two steps of 08 and 09: the cluster and the release are there; the database is found. */
export async function releaseDatabase(ctx: RunbookContext, tool: 'pg_dump' | 'pg_restore'): Promise<DatabaseTarget> {
  await ctx.step('Check the cluster and the release', `${tool} needs the release and its database running`, async () => {
    await requireCluster(ctx);
    const status = await requireRelease(ctx);
    ctx.fact('release', `${status.name} revision ${status.version} (${status.status}) in ${status.namespace}`);
  });
  const db = await ctx.step('Find the database', `${tool} runs where the database and its credentials are`, () => findDatabase(ctx));
  ctx.fact('database', db.describe);
  return db;
}
