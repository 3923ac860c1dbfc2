// NOTES.txt prints access commands a user can paste, for each Service type, and names (never
// shows) the secrets that need attention.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_SECRETS, renderNotes } from './helm.ts';

const ALL_SECRETS = { secrets: { POSTGRES_PASSWORD: 'pw', BETTER_AUTH_SECRET: 'x'.repeat(32), OPENAI_API_KEY: 'sk-test' } };

describe('NOTES.txt', () => {
  it('gives NodePort, minikube service and port-forward commands for the default NodePort Services', () => {
    const notes = renderNotes({ values: [BASE_SECRETS] });
    for (const line of [
      'kubectl get pods -n todo-app -l app.kubernetes.io/instance=todo-chatbot -w',
      'echo "http://$(minikube ip):30080/"',
      'minikube service todo-chatbot-frontend -n todo-app --url',
      'kubectl port-forward -n todo-app svc/todo-chatbot-frontend 3000:3000',
      'echo "http://$(minikube ip):30081/health"',
      'minikube service todo-chatbot-backend -n todo-app --url',
      'kubectl port-forward -n todo-app svc/todo-chatbot-backend 8000:8000',
      'kubectl port-forward -n todo-app svc/todo-chatbot-mcp 8001:8001',
      'http://todo-chatbot-mcp:8001/mcp',
      'helm test todo-chatbot -n todo-app',
    ]) {
      assert.ok(notes.includes(line), `NOTES lacks: ${line}\n---\n${notes}`);
    }
    assert.doesNotMatch(notes, /minikube service todo-chatbot-mcp/, 'MCP is ClusterIP: no minikube service line');
  });

  it('gives only port-forward for a ClusterIP frontend, and the tunnel hint for a LoadBalancer', () => {
    const notes = renderNotes({ values: [BASE_SECRETS], set: ['frontend.service.type=ClusterIP', 'backend.service.type=LoadBalancer'] });
    assert.doesNotMatch(notes, /minikube service todo-chatbot-frontend/);
    assert.doesNotMatch(notes, /:30080/);
    assert.ok(notes.includes('kubectl port-forward -n todo-app svc/todo-chatbot-frontend 3000:3000'));
    assert.ok(notes.includes('minikube tunnel'));
    assert.ok(notes.includes('kubectl get svc todo-chatbot-backend -n todo-app -w'));
  });

  it('prints the Ingress URLs when the Ingress is on', () => {
    const notes = renderNotes({ values: [BASE_SECRETS, { ingress: { enabled: true, host: 'todo.local', apiHost: 'api.todo.local' } }] });
    assert.ok(notes.includes('minikube addons enable ingress'));
    assert.ok(notes.includes('http://todo.local/'));
    assert.ok(notes.includes('http://api.todo.local/health'));
  });

  it('follows the release name and namespace', () => {
    const notes = renderNotes({ release: 'demo', namespace: 'other', values: [BASE_SECRETS] });
    assert.ok(notes.includes('minikube service demo-todo-chatbot-frontend -n other --url'));
    assert.ok(notes.includes('helm test demo -n other'));
  });

  it('names empty secret keys, and says nothing when all are set', () => {
    const missing = renderNotes({ values: [BASE_SECRETS] });
    assert.match(missing, /WARNING: these Secret keys are empty[^\n]*\n\s+BETTER_AUTH_SECRET, OPENAI_API_KEY\n/);
    const complete = renderNotes({ values: [ALL_SECRETS] });
    assert.doesNotMatch(complete, /WARNING/);
  });

  it('lists the keys an existingSecret must hold and where DATABASE_URL comes from', () => {
    const withPg = renderNotes({ values: [{ existingSecret: 'mine' }] });
    assert.match(
      withPg,
      /Secret "mine" \(made outside Helm\)\. It must hold:\n\s+BETTER_AUTH_SECRET, DATABASE_URL, OPENAI_API_KEY, POSTGRES_PASSWORD\n/,
    );
    const external = renderNotes({ values: [{ existingSecret: 'mine', postgresql: { enabled: false } }] });
    assert.match(external, /It must hold:\n\s+BETTER_AUTH_SECRET, DATABASE_URL, OPENAI_API_KEY\n/);
    assert.ok(external.includes('PostgreSQL is off'));
  });

  it('says when secrets.DATABASE_URL is ignored because the in-chart database is on', () => {
    const notes = renderNotes({ values: [ALL_SECRETS, { secrets: { DATABASE_URL: 'postgresql://a:b@c/d' } }] });
    assert.match(notes, /secrets\.DATABASE_URL is ignored while postgresql\.enabled=true/);
    assert.doesNotMatch(renderNotes({ values: [ALL_SECRETS] }), /is ignored/);
  });

  it('tells where the PostgreSQL data lives and how to delete it', () => {
    const notes = renderNotes({ values: [BASE_SECRETS] });
    assert.ok(notes.includes('kubectl delete pvc -n todo-app -l app.kubernetes.io/instance=todo-chatbot'));
    const ephemeral = renderNotes({ values: [BASE_SECRETS], set: ['postgresql.persistence.enabled=false'] });
    assert.match(ephemeral, /data is lost when the pod goes/);
  });
});
