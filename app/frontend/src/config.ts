// The frontend's settings, from the environment only.
import { httpUrlSetting, logLevelSetting, optionalSetting, portSetting, type Env, type LogLevel } from '../../shared/runtime.js';

export interface FrontendConfig {
  port: number;
  /** Where /api/* is proxied to: the backend Service inside the cluster. */
  backendUrl: URL;
  logLevel: LogLevel;
  /** Public URLs (the names a Next.js frontend uses); shown on the page, never secret. */
  publicApiUrl?: URL;
  publicAppUrl?: URL;
  betterAuthUrl?: URL;
  /** Accepted for parity with the real frontend; the demo has no sign-in. */
  betterAuthSecret?: string;
  secrets: string[];
}

export function loadFrontendConfig(env: Env): FrontendConfig {
  const betterAuthSecret = optionalSetting(env, 'BETTER_AUTH_SECRET');
  return {
    port: portSetting(env, 'PORT', 3000),
    backendUrl: httpUrlSetting(env, 'BACKEND_URL', 'http://todo-chatbot-backend:8000', true),
    logLevel: logLevelSetting(env),
    publicApiUrl: httpUrlSetting(env, 'NEXT_PUBLIC_API_URL', 'http://localhost:30081'),
    publicAppUrl: httpUrlSetting(env, 'NEXT_PUBLIC_APP_URL', 'http://localhost:30080'),
    betterAuthUrl: httpUrlSetting(env, 'BETTER_AUTH_URL', 'http://localhost:30080'),
    betterAuthSecret,
    secrets: betterAuthSecret ? [betterAuthSecret] : [],
  };
}
