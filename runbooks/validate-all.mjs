#!/usr/bin/env -S npx zx
// validate-all — runs 00 → 06 and writes one consolidated report. Run: npx zx runbooks/validate-all.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { validateAll } = await import('../src/runbooks/validate-all.ts');
await main(validateAll, import.meta.url);
