// Settings parsing and the logger's scrubber, in process (the process-level behaviour is in
// lifecycle.test.ts and logs.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackendConfig } from '../../app/backend/src/config.ts';
import { loadMcpConfig } from '../../app/mcp/src/config.ts';
import { loadFrontendConfig } from '../../app/frontend/src/config.ts';
import { ConfigError, createLogger } from '../../app/shared/runtime.ts';
import { checkTitle, databaseSetting } from '../../app/shared/todos.ts';

const DB = 'postgres://todo:s3cret-pw@todo-chatbot-postgresql:5432/todo';

describe('backend settings', () => {
  test('defaults', () => {
    const c = loadBackendConfig({ DATABASE_URL: DB });
    assert.equal(c.port, 8000);
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.corsOrigins, []);
    assert.equal(c.maxConversationHistory, 20);
    assert.equal(c.mcpServerUrl, undefined);
    assert.deepEqual(c.database.target, { host: 'todo-chatbot-postgresql', port: 5432, database: 'todo', user: 'todo', ssl: false });
  });

  test('every contract variable is read', () => {
    const c = loadBackendConfig({
      DATABASE_URL: 'postgresql://neon_user:npg_abc123@ep-x.eu-central-1.aws.neon.tech/neondb?sslmode=require',
      PORT: '9000',
      BETTER_AUTH_SECRET: 'a'.repeat(40),
      OPENAI_API_KEY: 'sk-xyz-123456',
      CORS_ORIGINS: 'http://localhost:30080,http://127.0.0.1:3000/',
      LOG_LEVEL: 'WARNING',
      MAX_CONVERSATION_HISTORY: '50',
      MCP_SERVER_URL: 'http://todo-chatbot-mcp:8001/mcp',
    });
    assert.equal(c.port, 9000);
    assert.equal(c.logLevel, 'warn');
    assert.deepEqual(c.corsOrigins, ['http://localhost:30080', 'http://127.0.0.1:3000']);
    assert.equal(c.maxConversationHistory, 50);
    assert.equal(c.mcpServerUrl?.href, 'http://todo-chatbot-mcp:8001/mcp');
    assert.equal(c.database.target.ssl, true);
    assert.equal(c.database.target.port, 5432);
    for (const secret of ['npg_abc123', 'a'.repeat(40), 'sk-xyz-123456']) assert.ok(c.secrets.includes(secret));
  });

  test('blank values count as unset (Helm renders missing values as "")', () => {
    const c = loadBackendConfig({ DATABASE_URL: DB, PORT: '', LOG_LEVEL: ' ', CORS_ORIGINS: '', MCP_SERVER_URL: '' });
    assert.equal(c.port, 8000);
    assert.equal(c.logLevel, 'info');
  });

  test('malformed values are ConfigErrors naming the setting', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{}, /DATABASE_URL is required/],
      [{ DATABASE_URL: '   ' }, /DATABASE_URL is required/],
      [{ DATABASE_URL: 'postgres://u:p@h:99999/db' }, /DATABASE_URL is not a valid URL/],
      [{ DATABASE_URL: 'postgres://u:%E0%A4%A@h/db' }, /badly percent-encoded password/],
      [{ DATABASE_URL: DB, PORT: '0' }, /PORT must be a TCP port/],
      [{ DATABASE_URL: DB, PORT: '8000.5' }, /PORT must be a TCP port/],
      [{ DATABASE_URL: DB, CORS_ORIGINS: 'localhost:3000' }, /CORS_ORIGINS must be a comma-separated list/],
      [{ DATABASE_URL: DB, CORS_ORIGINS: 'http://a.example/path' }, /CORS_ORIGINS/],
      [{ DATABASE_URL: DB, MAX_CONVERSATION_HISTORY: 'abc' }, /MAX_CONVERSATION_HISTORY/],
      [{ DATABASE_URL: DB, MCP_SERVER_URL: 'todo-chatbot-mcp:8001' }, /MCP_SERVER_URL must be an http/],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadBackendConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
        JSON.stringify(env),
      );
    }
  });

  test('DATABASE_URL errors never repeat the value', () => {
    for (const raw of ['http://u:TOPSECRET@h/db', 'TOPSECRET', 'postgres://u:TOPSECRET@/db', 'TOPSECRET://x']) {
      assert.throws(
        () => databaseSetting({ DATABASE_URL: raw }),
        (err: Error) => !err.message.includes('TOPSECRET'),
      );
    }
  });

  test('a percent-encoded password is registered for scrubbing in both forms', () => {
    const s = databaseSetting({ DATABASE_URL: 'postgres://todo:p%40ss%2Fword@db/todo' });
    assert.ok(s.secrets.includes('p%40ss%2Fword'));
    assert.ok(s.secrets.includes('p@ss/word'));
  });
});

describe('mcp settings', () => {
  test('PORT or MCP_SERVER_PORT, default 8001', () => {
    assert.equal(loadMcpConfig({ DATABASE_URL: DB }).port, 8001);
    assert.equal(loadMcpConfig({ DATABASE_URL: DB, PORT: '8100' }).port, 8100);
    assert.equal(loadMcpConfig({ DATABASE_URL: DB, MCP_SERVER_PORT: '8200' }).port, 8200);
    assert.equal(loadMcpConfig({ DATABASE_URL: DB, PORT: '8300', MCP_SERVER_PORT: '8300' }).port, 8300);
    assert.throws(() => loadMcpConfig({ DATABASE_URL: DB, PORT: '1', MCP_SERVER_PORT: '2' }), /disagree/);
    assert.throws(() => loadMcpConfig({ DATABASE_URL: DB, MCP_SERVER_PORT: 'http' }), /MCP_SERVER_PORT must be a TCP port/);
  });
});

describe('frontend settings', () => {
  test('BACKEND_URL required; public URLs optional but checked', () => {
    const c = loadFrontendConfig({
      BACKEND_URL: 'http://todo-chatbot-backend:8000',
      NEXT_PUBLIC_API_URL: 'http://localhost:30081',
      NEXT_PUBLIC_APP_URL: 'http://localhost:30080',
      BETTER_AUTH_URL: 'http://localhost:30080',
      BETTER_AUTH_SECRET: 'x'.repeat(32),
    });
    assert.equal(c.port, 3000);
    assert.equal(c.backendUrl.host, 'todo-chatbot-backend:8000');
    assert.equal(c.publicAppUrl?.origin, 'http://localhost:30080');
    assert.deepEqual(c.secrets, ['x'.repeat(32)]);
    assert.throws(() => loadFrontendConfig({}), /BACKEND_URL is required/);
    assert.throws(
      () => loadFrontendConfig({ BACKEND_URL: 'http://b:8000', NEXT_PUBLIC_APP_URL: 'localhost:30080' }),
      /NEXT_PUBLIC_APP_URL/,
    );
  });
});

describe('logger', () => {
  test('one JSON object per line; level filter; errors without stacks', () => {
    const lines: string[] = [];
    const log = createLogger('backend', 'info', [], (l) => lines.push(l));
    log.debug('hidden');
    log.info('shown', { n: 1 });
    log.error('failed', { err: Object.assign(new Error('boom'), { code: 'ECONNREFUSED' }) });
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1));
    const [shown, failed] = lines.map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(shown).slice(0, 4), ['time', 'level', 'service', 'msg']);
    assert.equal(shown.n, 1);
    assert.deepEqual(failed.err, { name: 'Error', message: 'boom', code: 'ECONNREFUSED' });
  });

  test('registered secrets are scrubbed, also JSON-escaped; short ones are not registered', () => {
    const lines: string[] = [];
    const log = createLogger('backend', 'debug', ['pa"ss\\word!', 'sk-live-123456', 'todo', undefined], (l) => lines.push(l));
    log.info('leak sk-live-123456 here', { detail: 'pa"ss\\word!', word: 'todo' });
    const text = lines.join('');
    assert.ok(!text.includes('sk-live-123456'));
    assert.ok(!text.includes('pa\\"ss\\\\word!'));
    assert.match(text, /leak \*\*\* here/);
    assert.match(text, /"word":"todo"/, 'a 4-character secret is not scrubbed everywhere');
  });
});

describe('titles', () => {
  test('trimmed, 1..500 characters', () => {
    assert.equal(checkTitle('  a  '), 'a');
    assert.deepEqual(checkTitle(''), { error: 'title must not be empty' });
    assert.deepEqual(checkTitle(3), { error: 'title must be a string' });
    assert.equal(checkTitle('x'.repeat(500)), 'x'.repeat(500));
    assert.ok(typeof checkTitle('x'.repeat(501)) === 'object');
  });
});
