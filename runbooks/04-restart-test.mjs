#!/usr/bin/env -S npx zx
// Runbook 04 — restart resilience and statelessness drill. Run: npx zx runbooks/04-restart-test.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { restartTest } = await import('../src/runbooks/04-restart-test.ts');
await main(restartTest, import.meta.url);
