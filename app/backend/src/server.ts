// Entry point of the demo backend: `node dist/server.js` in the image, tsx in the tests.
import { createServer } from 'node:http';
import { createBackendHandler, type BackendState } from './app.js';
import { loadBackendConfig } from './config.js';
import { createLogger, handleCrashes, handleShutdown, listen, loadConfigOrExit, packageVersion } from './lib/runtime.js';
import { createPool, ensureSchemaInBackground, TodoStore } from './lib/todos.js';

const config = loadConfigOrExit('todo-backend', () => loadBackendConfig(process.env));
const log = createLogger('backend', config.logLevel, config.secrets);
handleCrashes(log);

const version = packageVersion(import.meta.url);
const pool = createPool(config.database, 'todo-backend', log);
const store = new TodoStore(pool);
const state: BackendState = { schemaReady: false, stopping: false };
const stopSchemaRetries = ensureSchemaInBackground(pool, log, () => {
  state.schemaReady = true;
});

const server = createServer(createBackendHandler({ config, log, store, state, version, startedAt: Date.now() }));
handleShutdown({
  server,
  log,
  onStopping: () => {
    state.stopping = true;
    stopSchemaRetries();
  },
  onDrained: () => pool.end(),
});

await listen(server, config.port, '0.0.0.0', 'todo-backend');
log.info('listening', {
  port: config.port,
  version,
  database: config.database.target,
  logLevel: config.logLevel,
  corsOrigins: config.corsOrigins,
  mcpServerUrl: config.mcpServerUrl?.href,
  openaiApiKeyConfigured: Boolean(config.openaiApiKey),
  betterAuthSecretConfigured: Boolean(config.betterAuthSecret),
});
if (config.betterAuthSecret && config.betterAuthSecret.length < 32) {
  log.warn('BETTER_AUTH_SECRET is shorter than 32 characters; Better Auth requires at least 32 in production');
}
