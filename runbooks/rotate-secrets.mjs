#!/usr/bin/env -S npx zx
// Secret rotation — BETTER_AUTH_SECRET, OPENAI_API_KEY and the PostgreSQL password, with proof. Run: npx zx runbooks/rotate-secrets.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { rotateSecrets } = await import('../src/runbooks/rotate-secrets.ts');
await main(rotateSecrets, import.meta.url);
