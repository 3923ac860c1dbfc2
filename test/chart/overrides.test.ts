// Every override a user (or runbook 05) makes, checked on what helm renders: replicas, image,
// resources, env through the ConfigMap and the resulting rollout, external database,
// existingSecret, services, autoscaling, ingress, naming.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_COMPONENTS, BASE_SECRETS, componentName, render, renderDefault, renderError, type Rendered } from './helm.ts';

function checksums(r: Rendered): Record<string, { config: string; secret: string }> {
  const out: Record<string, { config: string; secret: string }> = {};
  for (const w of [...r.all('Deployment'), ...r.all('StatefulSet')]) {
    const a = w.spec.template.metadata.annotations ?? {};
    out[w.metadata.labels?.['app.kubernetes.io/component'] ?? '?'] = { config: a['checksum/config'], secret: a['checksum/secret'] };
  }
  return out;
}

describe('replicas, images and resources', () => {
  it('sets the replica count of each component on its own (--set, as a user types it)', () => {
    const r = renderDefault({ set: ['frontend.replicaCount=3', 'backend.replicaCount=2', 'mcp.replicaCount=0'] });
    assert.equal(r.deployment('frontend').spec.replicas, 3);
    assert.equal(r.deployment('backend').spec.replicas, 2);
    assert.equal(r.deployment('mcp').spec.replicas, 0);
    const onlyBackend = renderDefault({ set: ['backend.replicaCount=2'] });
    assert.equal(onlyBackend.deployment('backend').spec.replicas, 2);
    assert.equal(onlyBackend.deployment('frontend').spec.replicas, 1);
    assert.equal(onlyBackend.deployment('mcp').spec.replicas, 1);
  });

  it('sets the image tag per component, also an all-digit tag that --set reads as a number', () => {
    const r = renderDefault({ set: ['backend.image.tag=20240101', 'frontend.image.tag=3f9c2ab1d0e4'], setString: ['mcp.image.tag=0123'] });
    assert.equal(r.container('backend').image, 'todo-backend:20240101');
    assert.equal(r.container('frontend').image, 'todo-frontend:3f9c2ab1d0e4');
    assert.equal(r.container('mcp').image, 'todo-mcp:0123');
  });

  it('sets repository and pullPolicy per component', () => {
    const r = renderDefault({
      set: [
        'frontend.image.repository=registry.example.com/acme/web',
        'frontend.image.pullPolicy=IfNotPresent',
        'mcp.image.pullPolicy=Always',
      ],
    });
    assert.equal(r.container('frontend').image, 'registry.example.com/acme/web:0.1.0');
    assert.equal(r.container('frontend').imagePullPolicy, 'IfNotPresent');
    assert.equal(r.container('mcp').imagePullPolicy, 'Always');
    assert.equal(r.container('backend').imagePullPolicy, 'Never');
  });

  it('sets resource requests and limits per component', () => {
    const r = renderDefault({
      set: [
        'backend.resources.limits.cpu=1',
        'backend.resources.limits.memory=768Mi',
        'frontend.resources.requests.cpu=120m',
        'mcp.resources.requests.memory=80Mi',
      ],
    });
    assert.deepEqual(r.container('backend').resources.limits, { cpu: 1, memory: '768Mi' });
    assert.equal(r.container('frontend').resources.requests.cpu, '120m');
    assert.equal(r.container('mcp').resources.requests.memory, '80Mi');
    assert.equal(r.container('mcp').resources.limits.memory, '256Mi', 'untouched values keep their defaults');
  });
});

describe('env values through the ConfigMap', () => {
  it('puts backend.env.MAX_CONVERSATION_HISTORY=100 into the ConfigMap and the backend container', () => {
    const r = renderDefault({ set: ['backend.env.MAX_CONVERSATION_HISTORY=100'] });
    const cm = r.get('ConfigMap', 'todo-chatbot-config').data ?? {};
    assert.equal(cm['backend.MAX_CONVERSATION_HISTORY'], '100');
    assert.equal(r.envValue('backend', 'MAX_CONVERSATION_HISTORY'), '100');
    assert.equal(r.envValue('frontend', 'MAX_CONVERSATION_HISTORY'), undefined);
  });

  it('changes the checksum of the pods that read the value, and only theirs', () => {
    const before = checksums(renderDefault());
    const after = checksums(renderDefault({ set: ['backend.env.MAX_CONVERSATION_HISTORY=100'] }));
    assert.deepEqual(Object.keys(before).sort(), ['backend', 'frontend', 'mcp', 'postgresql']);
    assert.notEqual(after.backend.config, before.backend.config, 'backend pods must roll');
    assert.equal(after.frontend.config, before.frontend.config);
    assert.equal(after.mcp.config, before.mcp.config);
    assert.equal(after.postgresql.config, before.postgresql.config);
    for (const c of Object.keys(before)) assert.equal(after[c].secret, before[c].secret, `${c} secret checksum`);
    // The same value again renders the same checksum: no needless rollouts on a no-op upgrade.
    const again = checksums(renderDefault({ set: ['backend.env.MAX_CONVERSATION_HISTORY=100'] }));
    assert.deepEqual(again, after);
  });

  it('adds new keys for one component only, and lets LOG_LEVEL differ between components', () => {
    const r = renderDefault({ set: ['frontend.env.FEATURE_CHAT=on', 'backend.env.LOG_LEVEL=debug', 'mcp.env.LOG_LEVEL=warning'] });
    assert.equal(r.envValue('frontend', 'FEATURE_CHAT'), 'on');
    assert.equal(r.envValue('backend', 'FEATURE_CHAT'), undefined);
    assert.equal(r.envValue('backend', 'LOG_LEVEL'), 'debug');
    assert.equal(r.envValue('mcp', 'LOG_LEVEL'), 'warning');
  });

  it('drops a default entry set to null', () => {
    const r = renderDefault({ set: ['backend.env.LOG_LEVEL=null'] });
    assert.equal(r.envValue('backend', 'LOG_LEVEL'), undefined);
    assert.equal(r.get('ConfigMap', 'todo-chatbot-config').data?.['backend.LOG_LEVEL'], undefined);
    assert.equal(r.envValue('mcp', 'LOG_LEVEL'), 'info');
  });

  it('lets env override the derived wiring, e.g. the public URLs', () => {
    const r = renderDefault({
      set: ['backend.env.CORS_ORIGINS=http://192.168.49.2:30080', 'frontend.env.NEXT_PUBLIC_API_URL=http://192.168.49.2:30081'],
    });
    assert.equal(r.envValue('backend', 'CORS_ORIGINS'), 'http://192.168.49.2:30080');
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_API_URL'), 'http://192.168.49.2:30081');
    const urls = renderDefault({
      values: [{ publicUrls: { frontend: 'http://192.168.49.2:30080/', backend: 'http://192.168.49.2:30081' } }],
    });
    assert.equal(urls.envValue('frontend', 'NEXT_PUBLIC_APP_URL'), 'http://192.168.49.2:30080');
    assert.equal(urls.envValue('frontend', 'BETTER_AUTH_URL'), 'http://192.168.49.2:30080');
    assert.equal(urls.envValue('backend', 'CORS_ORIGINS'), 'http://192.168.49.2:30080');
    assert.equal(urls.envValue('frontend', 'NEXT_PUBLIC_API_URL'), 'http://192.168.49.2:30081');
  });

  it('refuses a secret or PORT under env, naming the fix', () => {
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['backend.env.OPENAI_API_KEY=sk-x'] }),
      /backend\.env\.OPENAI_API_KEY: .*set secrets\.OPENAI_API_KEY/,
    );
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['mcp.env.DATABASE_URL=postgresql://a@b/c'] }),
      /mcp\.env\.DATABASE_URL: .*secret/,
    );
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['frontend.env.PORT=4000'] }),
      /frontend\.env\.PORT: set frontend\.containerPort instead/,
    );
  });

  it('moves PORT, probes and the Service target with containerPort', () => {
    const r = renderDefault({ set: ['backend.containerPort=8080'] });
    assert.equal(r.envValue('backend', 'PORT'), '8080');
    assert.equal(r.container('backend').ports[0].containerPort, 8080);
    assert.equal(r.container('backend').livenessProbe.httpGet.port, 'http');
    assert.equal(r.get('Service', 'todo-chatbot-backend').spec.ports[0].targetPort, 'http');
  });

  it('makes probe paths configurable', () => {
    const r = renderDefault({
      set: [
        'backend.probes.readiness.path=/readyz',
        'frontend.probes.liveness.path=/api/health',
        'backend.probes.startup.failureThreshold=60',
      ],
    });
    assert.equal(r.container('backend').readinessProbe.httpGet.path, '/readyz');
    assert.equal(r.container('backend').startupProbe.failureThreshold, 60);
    assert.equal(r.container('frontend').livenessProbe.httpGet.path, '/api/health');
    const testPod = r.get('Pod', 'todo-chatbot-test');
    const env = Object.fromEntries(testPod.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    assert.equal(env.BACKEND_READY_URL, 'http://todo-chatbot-backend:8000/readyz', 'helm test follows the probe paths');
  });
});

describe('secrets and databases', () => {
  it('rolls only the pods that read a secret when its value changes', () => {
    const before = checksums(renderDefault({ values: [{ secrets: { OPENAI_API_KEY: 'sk-one' } }] }));
    const after = checksums(renderDefault({ values: [{ secrets: { OPENAI_API_KEY: 'sk-two' } }] }));
    assert.notEqual(after.backend.secret, before.backend.secret);
    assert.equal(after.frontend.secret, before.frontend.secret);
    assert.equal(after.mcp.secret, before.mcp.secret);
    assert.equal(after.postgresql.secret, before.postgresql.secret);
    const pw = checksums(render({ values: [{ secrets: { POSTGRES_PASSWORD: 'another' } }] }));
    assert.notEqual(pw.postgresql.secret, before.postgresql.secret);
    assert.notEqual(pw.backend.secret, before.backend.secret, 'the derived DATABASE_URL changed too');
  });

  it('uses an external DATABASE_URL with PostgreSQL off, and renders no database objects', () => {
    const url = 'postgresql://neon_user:pw@ep-cool-name.eu-central-1.aws.neon.tech/todo?sslmode=require';
    const r = render({ values: [{ postgresql: { enabled: false }, secrets: { DATABASE_URL: url } }] });
    assert.equal(r.all('StatefulSet').length, 0);
    assert.equal(r.has('Service', 'todo-chatbot-postgresql'), false);
    assert.equal(r.all('PersistentVolumeClaim').length, 0);
    assert.equal(r.envValue('backend', 'DATABASE_URL'), url);
    assert.equal(r.envValue('mcp', 'DATABASE_URL'), url);
    const secret = r.get('Secret', 'todo-chatbot-secrets').data ?? {};
    assert.equal(secret.POSTGRES_PASSWORD, undefined);
    const cmKeys = Object.keys(r.get('ConfigMap', 'todo-chatbot-config').data ?? {});
    assert.equal(cmKeys.filter((k) => k.startsWith('postgresql.')).length, 0);
  });

  it('refuses PostgreSQL off without a DATABASE_URL, saying what to set', () => {
    const err = renderError({ values: [{ postgresql: { enabled: false } }] });
    assert.match(err, /secrets\.DATABASE_URL is required when postgresql\.enabled=false/);
  });

  it('refuses the in-chart PostgreSQL without a password, saying what to set', () => {
    const err = renderError({});
    assert.match(err, /secrets\.POSTGRES_PASSWORD is required when postgresql\.enabled=true/);
  });

  it('reads every secret from existingSecret, renders no Secret and needs no secret value', () => {
    for (const postgresql of [true, false]) {
      const r = render({ values: [{ existingSecret: 'todo-secrets', postgresql: { enabled: postgresql } }] });
      assert.equal(r.all('Secret').length, 0);
      const refs = r
        .podSpecs()
        .flatMap(({ spec }) => spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef)))
        .filter(Boolean);
      assert.equal(refs.length, postgresql ? 6 : 5);
      for (const ref of refs) assert.equal(ref.name, 'todo-secrets');
      assert.equal(r.has('StatefulSet', 'todo-chatbot-postgresql'), postgresql);
    }
    const pgEnv = render({ values: [{ existingSecret: 'todo-secrets' }] }).container('postgresql').env;
    const password = pgEnv.find((e: any) => e.name === 'POSTGRES_PASSWORD');
    assert.deepEqual(password.valueFrom.secretKeyRef, { name: 'todo-secrets', key: 'POSTGRES_PASSWORD' });
  });

  it('changes the secret checksum when existingSecret names another Secret', () => {
    const a = checksums(render({ values: [{ existingSecret: 'secrets-a' }] }));
    const b = checksums(render({ values: [{ existingSecret: 'secrets-b' }] }));
    for (const c of ['frontend', 'backend', 'mcp', 'postgresql']) assert.notEqual(a[c].secret, b[c].secret, c);
  });

  it('wires extra secrets a user app needs through secretKeys', () => {
    const r = renderDefault({
      values: [{ secrets: { JWT_SECRET: 'jwt-value' }, backend: { secretKeys: ['DATABASE_URL', 'JWT_SECRET'] } }],
    });
    assert.equal(r.envValue('backend', 'JWT_SECRET'), 'jwt-value');
    assert.equal(r.envValue('backend', 'OPENAI_API_KEY'), undefined);
    assert.equal(r.envValue('frontend', 'JWT_SECRET'), undefined);
  });

  it('sizes the PostgreSQL claim from postgresql.persistence.size, or uses an emptyDir without persistence', () => {
    const sized = renderDefault({ set: ['postgresql.persistence.size=5Gi', 'postgresql.persistence.storageClass=fast'] });
    const claim = sized.get('StatefulSet', 'todo-chatbot-postgresql').spec.volumeClaimTemplates[0];
    assert.equal(claim.spec.resources.requests.storage, '5Gi');
    assert.equal(claim.spec.storageClassName, 'fast');
    const ephemeral = renderDefault({ set: ['postgresql.persistence.enabled=false'] });
    const sts = ephemeral.get('StatefulSet', 'todo-chatbot-postgresql');
    assert.equal(sts.spec.volumeClaimTemplates, undefined);
    assert.deepEqual(
      sts.spec.template.spec.volumes.find((v: any) => v.name === 'data'),
      { name: 'data', emptyDir: {} },
    );
  });
});

describe('services, scaling and ingress', () => {
  it('changes service type, port and nodePort; a ClusterIP Service drops the nodePort', () => {
    const r = renderDefault({
      set: [
        'frontend.service.type=ClusterIP',
        'backend.service.nodePort=30090',
        'mcp.service.type=NodePort',
        'mcp.service.nodePort=30091',
        'backend.service.port=80',
      ],
    });
    const frontend = r.get('Service', 'todo-chatbot-frontend');
    assert.equal(frontend.spec.type, 'ClusterIP');
    assert.equal(frontend.spec.ports[0].nodePort, undefined);
    assert.equal(r.get('Service', 'todo-chatbot-backend').spec.ports[0].nodePort, 30090);
    assert.equal(r.get('Service', 'todo-chatbot-backend').spec.ports[0].port, 80);
    assert.equal(r.envValue('frontend', 'BACKEND_URL'), 'http://todo-chatbot-backend:80', 'in-cluster URL follows the service port');
    assert.equal(r.get('Service', 'todo-chatbot-mcp').spec.type, 'NodePort');
    assert.equal(r.get('Service', 'todo-chatbot-mcp').spec.ports[0].nodePort, 30091);
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_APP_URL'), 'http://localhost:3000', 'ClusterIP: the port-forward URL');
  });

  it('refuses two Services on one nodePort', () => {
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['backend.service.nodePort=30080'] }),
      /frontend\.service\.nodePort and backend\.service\.nodePort are both 30080/,
    );
  });

  it('creates an HPA per component on request and leaves the replica count to it', () => {
    const r = renderDefault({
      set: ['backend.autoscaling.enabled=true', 'backend.autoscaling.minReplicas=2', 'backend.autoscaling.maxReplicas=5'],
    });
    const hpas = r.all('HorizontalPodAutoscaler');
    assert.equal(hpas.length, 1);
    const [hpa] = hpas;
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'todo-chatbot-backend' });
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 5);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 80);
    assert.equal(r.deployment('backend').spec.replicas, undefined);
    assert.equal(r.deployment('frontend').spec.replicas, 1);
    assert.match(
      renderError({
        values: [BASE_SECRETS],
        set: ['mcp.autoscaling.enabled=true', 'mcp.autoscaling.minReplicas=4', 'mcp.autoscaling.maxReplicas=2'],
      }),
      /mcp\.autoscaling\.minReplicas \(4\) is greater than maxReplicas \(2\)/,
    );
  });

  it('creates PodDisruptionBudgets on request, selecting their component', () => {
    const none = renderDefault();
    assert.equal(none.all('PodDisruptionBudget').length, 0);
    const r = renderDefault({
      values: [
        { frontend: { podDisruptionBudget: { enabled: true, minAvailable: '50%' } }, mcp: { podDisruptionBudget: { enabled: true } } },
      ],
    });
    const pdbs = r.all('PodDisruptionBudget');
    assert.equal(pdbs.length, 2);
    const frontend = r.get('PodDisruptionBudget', 'todo-chatbot-frontend');
    assert.equal(frontend.apiVersion, 'policy/v1');
    assert.equal(frontend.spec.minAvailable, '50%');
    assert.deepEqual(frontend.spec.selector.matchLabels, r.deployment('frontend').spec.selector.matchLabels);
    assert.equal(r.get('PodDisruptionBudget', 'todo-chatbot-mcp').spec.minAvailable, 1);
  });

  it('creates an Ingress for the frontend (and the backend on apiHost) and derives the public URLs from it', () => {
    const none = renderDefault();
    assert.equal(none.all('Ingress').length, 0);
    const r = renderDefault({
      values: [
        { ingress: { enabled: true, host: 'todo.local', apiHost: 'api.todo.local', tls: { enabled: true, secretName: 'todo-tls' } } },
      ],
    });
    const ing = r.get('Ingress', 'todo-chatbot');
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.deepEqual(ing.spec.tls, [{ secretName: 'todo-tls', hosts: ['todo.local', 'api.todo.local'] }]);
    const routes = ing.spec.rules.map((rule: any) => [
      rule.host,
      rule.http.paths[0].path,
      rule.http.paths[0].backend.service.name,
      rule.http.paths[0].backend.service.port.name,
    ]);
    assert.deepEqual(routes, [
      ['todo.local', '/', 'todo-chatbot-frontend', 'http'],
      ['api.todo.local', '/', 'todo-chatbot-backend', 'http'],
    ]);
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_APP_URL'), 'https://todo.local');
    assert.equal(r.envValue('frontend', 'NEXT_PUBLIC_API_URL'), 'https://api.todo.local');
    assert.equal(r.envValue('backend', 'CORS_ORIGINS'), 'https://todo.local');
    const single = renderDefault({ set: ['ingress.enabled=true'] });
    assert.equal(single.get('Ingress', 'todo-chatbot').spec.rules.length, 1);
    assert.equal(
      single.envValue('frontend', 'NEXT_PUBLIC_API_URL'),
      'http://todo-chatbot.local',
      'no apiHost: the API goes through the frontend',
    );
    assert.match(
      renderError({ values: [BASE_SECRETS], set: ['ingress.enabled=true', 'ingress.tls.enabled=true'] }),
      /ingress\.tls\.enabled needs ingress\.tls\.secretName/,
    );
  });

  it('turns the helm test pod off', () => {
    assert.equal(renderDefault({ set: ['tests.enabled=false'] }).all('Pod').length, 0);
  });
});

describe('naming', () => {
  it('names objects <release>-todo-chatbot-<component> for another release name, and still wires them', () => {
    const r = render({ release: 'demo', values: [BASE_SECRETS] });
    for (const c of APP_COMPONENTS) {
      assert.ok(r.has('Deployment', `demo-todo-chatbot-${c}`), c);
      assert.ok(r.has('Service', `demo-todo-chatbot-${c}`), c);
      assert.equal(r.container(c, 'demo').name, c);
    }
    assert.ok(r.has('StatefulSet', 'demo-todo-chatbot-postgresql'));
    assert.ok(r.has('ConfigMap', 'demo-todo-chatbot-config'));
    assert.ok(r.has('Secret', 'demo-todo-chatbot-secrets'));
    const backendEnv = r.container('backend', 'demo').env;
    const dbUrl = backendEnv.find((e: any) => e.name === 'DATABASE_URL');
    assert.equal(dbUrl.valueFrom.secretKeyRef.name, 'demo-todo-chatbot-secrets');
    const secret = r.get('Secret', 'demo-todo-chatbot-secrets').data ?? {};
    assert.match(Buffer.from(secret.DATABASE_URL, 'base64').toString(), /@demo-todo-chatbot-postgresql:5432\//);
    const labels = r.get('Deployment', 'demo-todo-chatbot-mcp').metadata.labels ?? {};
    assert.equal(labels['app.kubernetes.io/instance'], 'demo');
  });

  it('keeps names within 63 characters and distinct for a long release name', () => {
    const release = 'a-long-release-name-at-the-53-character-limit-of-helm';
    assert.equal(release.length, 53);
    const r = render({ release, values: [BASE_SECRETS] });
    const names = r.objects.map((o) => o.metadata.name);
    assert.equal(new Set(names.map((n, i) => `${r.objects[i].kind}/${n}`)).size, names.length);
    for (const n of names) assert.ok(n.length <= 63, `${n} is ${n.length} characters`);
    const sts = r.all('StatefulSet')[0];
    assert.ok(`${sts.metadata.name}-0`.length <= 63, 'the StatefulSet pod name fits a label value');
    assert.equal(componentName('backend', 'todo-chatbot-staging'), 'todo-chatbot-staging-backend');
    assert.ok(render({ release: 'todo-chatbot-staging', values: [BASE_SECRETS] }).has('Deployment', 'todo-chatbot-staging-backend'));
  });
});

describe('probes and command of your own app', () => {
  // An MCP server on the official Python SDK answers only POST /mcp: with HTTP-only probes it
  // fails its startup probe and crash-loops. TCP and exec probes, and a command override (seed
  // apps run the MCP server from the backend image), make such an app deployable.
  const probe = (extra: object) => ({ initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30, ...extra });

  it('renders a tcp probe on the container port and an exec probe with its command', () => {
    const r = render({
      values: [
        BASE_SECRETS,
        {
          mcp: {
            probes: {
              startup: probe({ type: 'tcp' }),
              liveness: probe({ type: 'tcp' }),
              readiness: probe({ type: 'exec', command: ['python', '-c', 'import socket'] }),
            },
          },
        },
      ],
    });
    const container = r.deployment('mcp').spec.template.spec.containers[0];
    assert.deepEqual(container.startupProbe.tcpSocket, { port: 'http' });
    assert.equal(container.startupProbe.httpGet, undefined);
    assert.deepEqual(container.livenessProbe.tcpSocket, { port: 'http' });
    assert.deepEqual(container.readinessProbe.exec, { command: ['python', '-c', 'import socket'] });
    assert.equal(container.readinessProbe.failureThreshold, 30);
    // The other components keep their HTTP probes.
    assert.equal(r.deployment('backend').spec.template.spec.containers[0].readinessProbe.httpGet.path, '/ready');
  });

  it('overrides the container command and args only when asked', () => {
    const r = render({ values: [BASE_SECRETS, { mcp: { command: ['python', '-m', 'mcp_server.run'], args: ['--log-level', 'debug'] } }] });
    const mcp = r.deployment('mcp').spec.template.spec.containers[0];
    assert.deepEqual(mcp.command, ['python', '-m', 'mcp_server.run']);
    assert.deepEqual(mcp.args, ['--log-level', 'debug']);
    const backend = r.deployment('backend').spec.template.spec.containers[0];
    assert.equal(backend.command, undefined);
    assert.equal(backend.args, undefined);
  });

  it('refuses an unknown probe type, an exec probe without a command and an http probe without a path', () => {
    assert.match(renderError({ values: [BASE_SECRETS, { mcp: { probes: { startup: probe({ type: 'grpc' }) } } }] }), /type/);
    assert.match(
      renderError({ values: [BASE_SECRETS, { mcp: { probes: { startup: probe({ type: 'exec' }) } } }] }),
      /exec probe needs a command/,
    );
    assert.match(
      renderError({ values: [BASE_SECRETS, { backend: { probes: { startup: probe({ path: null }) } } }] }),
      /http probe needs a path/,
    );
  });
});
