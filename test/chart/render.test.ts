// What the chart renders with its defaults (plus the one required value): objects, names,
// labels, ports, probes, resources, env wiring - the contract other parts of the project rely on.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { APP_COMPONENTS, cpuMillis, memoryBytes, NAMESPACE, RELEASE, render, renderDefault, type Rendered } from './helm.ts';

const CONTRACT = {
  frontend: { port: 3000, servicePort: 3000, type: 'NodePort', nodePort: 30080, probes: ['/healthz', '/healthz', '/healthz'] },
  backend: { port: 8000, servicePort: 8000, type: 'NodePort', nodePort: 30081, probes: ['/health', '/health', '/ready'] },
  mcp: { port: 8001, servicePort: 8001, type: 'ClusterIP', nodePort: undefined, probes: ['/health', '/health', '/health'] },
} as const;

// Exactly what each demo app reads from its environment (the demo-app env contract).
const ENV_CONTRACT: Record<string, { plain: string[]; secret: string[] }> = {
  frontend: {
    plain: ['BACKEND_URL', 'BETTER_AUTH_URL', 'NEXT_PUBLIC_API_URL', 'NEXT_PUBLIC_APP_URL', 'NEXT_TELEMETRY_DISABLED', 'PORT'],
    secret: ['BETTER_AUTH_SECRET'],
  },
  backend: {
    plain: ['CORS_ORIGINS', 'LOG_LEVEL', 'MAX_CONVERSATION_HISTORY', 'MCP_SERVER_URL', 'PORT'],
    secret: ['BETTER_AUTH_SECRET', 'DATABASE_URL', 'OPENAI_API_KEY'],
  },
  mcp: { plain: ['LOG_LEVEL', 'MCP_SERVER_PORT', 'PORT'], secret: ['DATABASE_URL'] },
  postgresql: { plain: ['PGDATA', 'POSTGRES_DB', 'POSTGRES_USER'], secret: ['POSTGRES_PASSWORD'] },
};

const SELECTOR_KEYS = ['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name'];

describe('default render', () => {
  let r: Rendered;
  before(() => {
    r = renderDefault();
  });

  it('renders exactly the expected objects, named from the release', () => {
    const names = r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    assert.deepEqual(names, [
      'ConfigMap/todo-chatbot-config',
      'Deployment/todo-chatbot-backend',
      'Deployment/todo-chatbot-frontend',
      'Deployment/todo-chatbot-mcp',
      'Pod/todo-chatbot-test',
      'Secret/todo-chatbot-secrets',
      'Service/todo-chatbot-backend',
      'Service/todo-chatbot-frontend',
      'Service/todo-chatbot-mcp',
      'Service/todo-chatbot-postgresql',
      'StatefulSet/todo-chatbot-postgresql',
    ]);
  });

  it('puts every object in the release namespace', () => {
    for (const o of r.objects) assert.equal(o.metadata.namespace, NAMESPACE, `${o.kind}/${o.metadata.name}`);
  });

  it('labels every object with name, instance, component, chart, managed-by and version', () => {
    const expectedComponent: Record<string, string> = {
      'ConfigMap/todo-chatbot-config': 'config',
      'Secret/todo-chatbot-secrets': 'secrets',
      'Pod/todo-chatbot-test': 'test',
      'Service/todo-chatbot-postgresql': 'postgresql',
      'StatefulSet/todo-chatbot-postgresql': 'postgresql',
    };
    for (const c of APP_COMPONENTS) {
      expectedComponent[`Deployment/todo-chatbot-${c}`] = c;
      expectedComponent[`Service/todo-chatbot-${c}`] = c;
    }
    assert.equal(r.objects.length, Object.keys(expectedComponent).length);
    for (const o of r.objects) {
      const id = `${o.kind}/${o.metadata.name}`;
      const labels = o.metadata.labels ?? {};
      assert.equal(labels['app.kubernetes.io/name'], 'todo-chatbot', id);
      assert.equal(labels['app.kubernetes.io/instance'], RELEASE, id);
      assert.equal(labels['app.kubernetes.io/component'], expectedComponent[id], id);
      assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', id);
      assert.match(labels['helm.sh/chart'] ?? '', /^todo-chatbot-\d+\.\d+\.\d+/, id);
      assert.match(labels['app.kubernetes.io/version'] ?? '', /^\d+\.\d+\.\d+/, id);
    }
  });

  it('selects pods by name, instance and component only, and the pod templates carry those labels', () => {
    const workloads = [...r.all('Deployment'), ...r.all('StatefulSet')];
    assert.equal(workloads.length, 4);
    for (const w of workloads) {
      const selector = w.spec.selector.matchLabels;
      assert.deepEqual(Object.keys(selector).sort(), SELECTOR_KEYS, w.metadata.name);
      const podLabels = w.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, `${w.metadata.name} pod label ${k}`);
      assert.equal(selector['app.kubernetes.io/component'], w.metadata.labels?.['app.kubernetes.io/component']);
    }
  });

  it('points each Service at its own component with the contract ports', () => {
    for (const c of APP_COMPONENTS) {
      const svc = r.get('Service', `todo-chatbot-${c}`);
      assert.deepEqual(Object.keys(svc.spec.selector).sort(), SELECTOR_KEYS);
      assert.equal(svc.spec.selector['app.kubernetes.io/component'], c);
      assert.deepEqual(svc.spec.selector, r.deployment(c).spec.selector.matchLabels);
      assert.equal(svc.spec.type, CONTRACT[c].type, `${c} service type`);
      assert.equal(svc.spec.ports.length, 1);
      const [port] = svc.spec.ports;
      assert.equal(port.port, CONTRACT[c].servicePort, `${c} service port`);
      assert.equal(port.targetPort, 'http');
      assert.equal(port.nodePort, CONTRACT[c].nodePort, `${c} nodePort`);
      const containerPort = r.container(c).ports.find((p: any) => p.name === 'http');
      assert.equal(containerPort?.containerPort, CONTRACT[c].port, `${c} container port`);
    }
    const pg = r.get('Service', 'todo-chatbot-postgresql');
    assert.equal(pg.spec.type, 'ClusterIP');
    assert.equal(pg.spec.ports[0].port, 5432);
    assert.equal(pg.spec.selector['app.kubernetes.io/component'], 'postgresql');
    assert.equal(r.container('postgresql').ports[0].containerPort, 5432);
  });

  it('names each container after its component', () => {
    for (const c of APP_COMPONENTS) {
      const names = r.deployment(c).spec.template.spec.containers.map((x: any) => x.name);
      assert.deepEqual(names, [c]);
    }
    const pgNames = r.get('StatefulSet', 'todo-chatbot-postgresql').spec.template.spec.containers.map((x: any) => x.name);
    assert.deepEqual(pgNames, ['postgresql']);
  });

  it('gives every app container startup, liveness and readiness probes on the contract paths', () => {
    for (const c of APP_COMPONENTS) {
      const container = r.container(c);
      const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
      assert.deepEqual(
        probes.map((p) => p?.httpGet?.path),
        [...CONTRACT[c].probes],
        `${c} probe paths`,
      );
      for (const p of probes) {
        assert.equal(p.httpGet.port, 'http');
        assert.ok(p.periodSeconds >= 1 && p.timeoutSeconds >= 1 && p.failureThreshold >= 1, `${c} probe timings`);
      }
      // The startup probe must allow a slow first start (≥ 30 s) before liveness can kill the pod.
      assert.ok(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold >= 30, `${c} startup budget`);
    }
    const pg = r.container('postgresql');
    for (const p of [pg.startupProbe, pg.livenessProbe, pg.readinessProbe]) {
      assert.equal(p.exec.command[0], 'pg_isready');
      assert.ok(p.exec.command.includes('127.0.0.1'), 'pg_isready checks TCP, not the init-time socket');
    }
  });

  it('sets requests and limits on every container, small enough for a 2-CPU / 4 GiB minikube', () => {
    let cpu = 0;
    let memory = 0;
    const workloads = [...r.all('Deployment'), ...r.all('StatefulSet')];
    assert.equal(workloads.length, 4);
    for (const w of workloads) {
      for (const c of w.spec.template.spec.containers) {
        const { requests, limits } = c.resources;
        assert.ok(cpuMillis(limits.cpu) >= cpuMillis(requests.cpu), `${c.name} cpu limit >= request`);
        assert.ok(memoryBytes(limits.memory) >= memoryBytes(requests.memory), `${c.name} memory limit >= request`);
        cpu += cpuMillis(requests.cpu) * (w.spec.replicas ?? 1);
        memory += memoryBytes(requests.memory) * (w.spec.replicas ?? 1);
      }
    }
    assert.ok(cpu > 0 && cpu < 1500, `default CPU requests ${cpu}m must stay well under 1.5 CPU`);
    assert.ok(memory > 0 && memory < 2 * 1024 ** 3, `default memory requests ${memory} must stay under 2 GiB`);
  });

  it('rolls Deployments one extra pod at a time and never below the asked count', () => {
    for (const c of APP_COMPONENTS) {
      const d = r.deployment(c);
      assert.equal(d.spec.replicas, 1);
      assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    }
  });

  it('uses the local images with a fixed tag and pullPolicy Never, and the official postgres image', () => {
    for (const c of APP_COMPONENTS) {
      const container = r.container(c);
      assert.equal(container.image, `todo-${c}:0.1.0`);
      assert.equal(container.imagePullPolicy, 'Never');
    }
    assert.equal(r.container('postgresql').image, 'postgres:16-alpine');
  });

  it('hands each app exactly the settings of the env contract: plain ones from the ConfigMap, secrets by secretKeyRef', () => {
    for (const c of [...APP_COMPONENTS, 'postgresql'] as const) {
      const container = r.container(c);
      assert.equal(container.envFrom, undefined, `${c} uses no envFrom`);
      const env: any[] = container.env;
      const plain = env
        .filter((e) => e.valueFrom?.configMapKeyRef)
        .map((e) => e.name)
        .sort();
      const secret = env
        .filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => e.name)
        .sort();
      assert.deepEqual(plain, ENV_CONTRACT[c].plain, `${c} plain settings`);
      assert.deepEqual(secret, ENV_CONTRACT[c].secret, `${c} secret settings`);
      assert.equal(env.length, plain.length + secret.length, `${c}: no literal env values`);
      for (const e of env) {
        if (e.valueFrom.configMapKeyRef) {
          assert.equal(e.valueFrom.configMapKeyRef.name, 'todo-chatbot-config');
          assert.equal(e.valueFrom.configMapKeyRef.key, `${c}.${e.name}`);
        } else {
          assert.equal(e.valueFrom.secretKeyRef.name, 'todo-chatbot-secrets');
          assert.equal(e.valueFrom.secretKeyRef.key, e.name);
          assert.equal(e.valueFrom.secretKeyRef.optional, undefined, 'a missing key must stop the pod');
        }
      }
    }
  });

  it('resolves every configMapKeyRef and secretKeyRef to a key that is rendered', () => {
    const config = r.get('ConfigMap', 'todo-chatbot-config').data ?? {};
    const secret = r.get('Secret', 'todo-chatbot-secrets').data ?? {};
    let refs = 0;
    for (const { owner, spec } of r.podSpecs()) {
      for (const c of spec.containers) {
        for (const e of c.env ?? []) {
          const cm = e.valueFrom?.configMapKeyRef;
          const sk = e.valueFrom?.secretKeyRef;
          if (cm) assert.ok(cm.key in config, `${owner} ${e.name}: ConfigMap key ${cm.key} missing`);
          if (sk) assert.ok(sk.key in secret, `${owner} ${e.name}: Secret key ${sk.key} missing`);
          if (cm || sk) refs++;
        }
      }
    }
    assert.equal(refs, 23);
    // And nothing in the ConfigMap is left unread.
    const used = new Set(
      r
        .podSpecs()
        .flatMap(({ spec }) => spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.valueFrom?.configMapKeyRef?.key))),
    );
    for (const key of Object.keys(config)) assert.ok(used.has(key), `ConfigMap key ${key} is read by no container`);
  });

  it('derives the in-cluster and browser wiring', () => {
    assert.equal(r.envValue('frontend', 'PORT'), '3000');
    assert.equal(r.envValue('backend', 'PORT'), '8000');
    assert.equal(r.envValue('mcp', 'PORT'), '8001');
    assert.equal(r.envValue('mcp', 'MCP_SERVER_PORT'), '8001');
    assert.equal(r.envValue('frontend', 'BACKEND_URL'), 'http://todo-chatbot-backend:8000');
    assert.equal(r.envValue('backend', 'MCP_SERVER_URL'), 'http://todo-chatbot-mcp:8001/mcp');
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_APP_URL'), 'http://localhost:30080');
    assert.equal(r.envValue('frontend', 'BETTER_AUTH_URL'), 'http://localhost:30080');
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_API_URL'), 'http://localhost:30081');
    assert.equal(r.envValue('backend', 'CORS_ORIGINS'), 'http://localhost:30080');
    assert.equal(r.envValue('backend', 'LOG_LEVEL'), 'info');
    assert.equal(r.envValue('backend', 'MAX_CONVERSATION_HISTORY'), '20');
  });

  it('keeps the ConfigMap to the documented non-secret settings', () => {
    const keys = Object.keys(r.get('ConfigMap', 'todo-chatbot-config').data ?? {}).sort();
    const expected = Object.entries(ENV_CONTRACT)
      .flatMap(([c, { plain }]) => plain.map((k) => `${c}.${k}`))
      .sort();
    assert.deepEqual(keys, expected);
  });

  it('puts config and secret checksums on every pod template', () => {
    const templates = [...r.all('Deployment'), ...r.all('StatefulSet')];
    assert.equal(templates.length, 4);
    for (const w of templates) {
      const a = w.spec.template.metadata.annotations ?? {};
      assert.match(a['checksum/config'] ?? '', /^[0-9a-f]{64}$/, `${w.metadata.name} checksum/config`);
      assert.match(a['checksum/secret'] ?? '', /^[0-9a-f]{64}$/, `${w.metadata.name} checksum/secret`);
    }
  });

  it('runs PostgreSQL as the image user 70 on a claim sized by persistence.size', () => {
    const sts = r.get('StatefulSet', 'todo-chatbot-postgresql');
    assert.equal(sts.spec.replicas, 1);
    assert.equal(sts.spec.serviceName, 'todo-chatbot-postgresql');
    const pod = sts.spec.template.spec;
    assert.equal(pod.securityContext.runAsUser, 70);
    assert.equal(pod.securityContext.runAsGroup, 70);
    assert.equal(pod.securityContext.fsGroup, 70);
    const [claim] = sts.spec.volumeClaimTemplates;
    assert.equal(sts.spec.volumeClaimTemplates.length, 1);
    assert.equal(claim.metadata.name, 'data');
    assert.equal(claim.spec.resources.requests.storage, '1Gi');
    assert.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
    // Claim labels are immutable: only the stable selector labels, so chart upgrades never break.
    assert.deepEqual(Object.keys(claim.metadata.labels).sort(), SELECTOR_KEYS);
    const mounts = Object.fromEntries(r.container('postgresql').volumeMounts.map((m: any) => [m.mountPath, m.name]));
    assert.equal(mounts['/var/lib/postgresql/data'], 'data');
    const emptyDirs = new Set(pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name));
    assert.ok(emptyDirs.has(mounts['/var/run/postgresql']), '/var/run/postgresql is an emptyDir');
    assert.ok(emptyDirs.has(mounts['/tmp']), '/tmp is an emptyDir');
    assert.equal(r.envValue('backend', 'DATABASE_URL'), 'postgresql://todo:test-postgres-password@todo-chatbot-postgresql:5432/todo');
  });

  it('has a helm test pod that calls the backend health endpoint', () => {
    const pod = r.get('Pod', 'todo-chatbot-test');
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    // Gone once it passes (no Completed pod under the release's selector), kept when it fails.
    assert.equal(pod.metadata.annotations?.['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded');
    assert.equal(pod.spec.restartPolicy, 'Never');
    const [container] = pod.spec.containers;
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    assert.equal(env.BACKEND_HEALTH_URL, 'http://todo-chatbot-backend:8000/health');
    assert.equal(env.BACKEND_READY_URL, 'http://todo-chatbot-backend:8000/ready');
    assert.equal(env.MCP_HEALTH_URL, 'http://todo-chatbot-mcp:8001/health');
    assert.equal(env.FRONTEND_HEALTH_URL, 'http://todo-chatbot-frontend:3000/healthz');
    const script = container.command.join(' ');
    assert.match(script, /wget [^\n]*"\$2"/);
    assert.match(script, /check "backend health *" "\$BACKEND_HEALTH_URL"/);
    assert.match(script, /exit "\$failed"/);
  });

  it('keeps other Services out of the pods environment', () => {
    for (const { owner, spec } of r.podSpecs()) assert.equal(spec.enableServiceLinks, false, owner);
  });
});

describe('derived DATABASE_URL', () => {
  it('URL-encodes the PostgreSQL password and keeps the raw one for the server', () => {
    const password = 'p@ss:w/rd?#&%+ x';
    const r = render({ values: [{ secrets: { POSTGRES_PASSWORD: password } }] });
    assert.equal(
      r.envValue('backend', 'DATABASE_URL'),
      'postgresql://todo:p%40ss%3Aw%2Frd%3F%23%26%25%2B+x@todo-chatbot-postgresql:5432/todo',
    );
    assert.equal(r.envValue('mcp', 'DATABASE_URL'), r.envValue('backend', 'DATABASE_URL'));
    const secret = r.get('Secret', 'todo-chatbot-secrets').data ?? {};
    assert.equal(Buffer.from(secret.POSTGRES_PASSWORD, 'base64').toString(), password);
  });

  it('follows the database name, user and port', () => {
    const r = render({
      values: [
        {
          secrets: { POSTGRES_PASSWORD: 'pw' },
          postgresql: { auth: { username: 'app_user', database: 'tasks' }, service: { port: 5433 } },
        },
      ],
    });
    assert.equal(r.envValue('backend', 'DATABASE_URL'), 'postgresql://app_user:pw@todo-chatbot-postgresql:5433/tasks');
    assert.equal(r.get('Service', 'todo-chatbot-postgresql').spec.ports[0].port, 5433);
    const cm = r.get('ConfigMap', 'todo-chatbot-config').data ?? {};
    assert.equal(cm['postgresql.POSTGRES_USER'], 'app_user');
    assert.equal(cm['postgresql.POSTGRES_DB'], 'tasks');
  });
});
