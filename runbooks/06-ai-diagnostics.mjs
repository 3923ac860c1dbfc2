#!/usr/bin/env -S npx zx
// Runbook 06 — AI diagnostics. Run: npx zx runbooks/06-ai-diagnostics.mjs [--help]
// The logic lives in src/runbooks/06-ai-diagnostics.ts; tsx lets this entry point load it without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { aiDiagnostics } = await import('../src/runbooks/06-ai-diagnostics.ts');
await main(aiDiagnostics, import.meta.url);
