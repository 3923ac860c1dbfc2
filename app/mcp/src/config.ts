// The MCP server's settings, from the environment only.
import { ConfigError, logLevelSetting, optionalSetting, parsePort, type Env, type LogLevel } from '../../shared/runtime.js';
import { databaseSetting, type DatabaseSettings } from '../../shared/todos.js';

export interface McpConfig {
  port: number;
  database: DatabaseSettings;
  logLevel: LogLevel;
  secrets: string[];
}

/** PORT (what platforms set) or MCP_SERVER_PORT (the app's own name), default 8001. When
 *  both are set they must agree: silently preferring one would hide a broken chart value. */
function portFromEnv(env: Env): number {
  const generic = optionalSetting(env, 'PORT');
  const specific = optionalSetting(env, 'MCP_SERVER_PORT');
  const port = generic === undefined ? undefined : parsePort(generic, 'PORT');
  const mcpPort = specific === undefined ? undefined : parsePort(specific, 'MCP_SERVER_PORT');
  if (port !== undefined && mcpPort !== undefined && port !== mcpPort) {
    throw new ConfigError(`PORT (${port}) and MCP_SERVER_PORT (${mcpPort}) disagree; set one of them, or both to the same port`);
  }
  return port ?? mcpPort ?? 8001;
}

export function loadMcpConfig(env: Env): McpConfig {
  const database = databaseSetting(env);
  return {
    port: portFromEnv(env),
    database,
    logLevel: logLevelSetting(env),
    secrets: database.secrets,
  };
}
