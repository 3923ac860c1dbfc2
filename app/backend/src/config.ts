// The backend's settings, from the environment only. Names and defaults are the contract the
// Helm chart renders (ConfigMap for plain settings, Secret for DATABASE_URL and the keys).
import {
  ConfigError,
  httpUrlSetting,
  logLevelSetting,
  optionalSetting,
  portSetting,
  positiveIntSetting,
  type Env,
  type LogLevel,
} from '../../shared/runtime.js';
import { databaseSetting, type DatabaseSettings } from '../../shared/todos.js';

export interface BackendConfig {
  port: number;
  database: DatabaseSettings;
  logLevel: LogLevel;
  /** Origins allowed to call the API from a browser; empty = same origin only (via the frontend proxy). */
  corsOrigins: string[];
  maxConversationHistory: number;
  mcpServerUrl?: URL;
  /** Accepted so one chart serves the demo and a user's app; the demo has no sign-in or AI calls. */
  betterAuthSecret?: string;
  openaiApiKey?: string;
  /** Every secret value, for the logger's scrubber. */
  secrets: string[];
}

function corsOriginsSetting(env: Env): string[] {
  const raw = optionalSetting(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(
        `CORS_ORIGINS must be a comma-separated list of origins like http://localhost:3000, or * (bad entry "${origin}")`,
      );
    }
  }
  return origins.map((o) => (o === '*' ? o : new URL(o).origin));
}

export function loadBackendConfig(env: Env): BackendConfig {
  const database = databaseSetting(env);
  const betterAuthSecret = optionalSetting(env, 'BETTER_AUTH_SECRET');
  const openaiApiKey = optionalSetting(env, 'OPENAI_API_KEY');
  return {
    port: portSetting(env, 'PORT', 8000),
    database,
    logLevel: logLevelSetting(env),
    corsOrigins: corsOriginsSetting(env),
    maxConversationHistory: positiveIntSetting(env, 'MAX_CONVERSATION_HISTORY', 20),
    mcpServerUrl: httpUrlSetting(env, 'MCP_SERVER_URL', 'http://todo-chatbot-mcp:8001/mcp'),
    betterAuthSecret,
    openaiApiKey,
    secrets: [...database.secrets, betterAuthSecret, openaiApiKey].filter((s): s is string => !!s),
  };
}
