#!/usr/bin/env -S npx zx
// Runbook 05 — scaling, self-healing, Helm overrides and rollback. Run: npx zx runbooks/05-scaling.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { scaling } = await import('../src/runbooks/05-scaling.ts');
await main(scaling, import.meta.url);
