// Entry point of the demo backend: `node dist/server.js` in the image, tsx in the tests.
import pg from 'pg';
import { createBackendHandler } from './app.js';
import { loadBackendConfig } from './config.js';
import { serve, startService } from '../../shared/service.js';
import { startDatabase } from '../../shared/todos.js';

const { config, log, version, startedAt } = startService('todo-backend', 'backend', import.meta.url, () => loadBackendConfig(process.env));
const { store, state, onStopping, onDrained } = startDatabase(pg.Pool, config.database, 'todo-backend', log);

await serve({
  program: 'todo-backend',
  log,
  port: config.port,
  handler: createBackendHandler({ config, log, store, state, version, startedAt }),
  onStopping,
  onDrained,
  listening: {
    version,
    database: config.database.target,
    logLevel: config.logLevel,
    corsOrigins: config.corsOrigins,
    mcpServerUrl: config.mcpServerUrl?.href,
    openaiApiKeyConfigured: Boolean(config.openaiApiKey),
    betterAuthSecretConfigured: Boolean(config.betterAuthSecret),
  },
});
if (config.betterAuthSecret && config.betterAuthSecret.length < 32) {
  log.warn('BETTER_AUTH_SECRET is shorter than 32 characters; Better Auth requires at least 32 in production');
}
