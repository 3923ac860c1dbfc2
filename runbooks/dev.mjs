#!/usr/bin/env -S npx zx
// Runbook dev — rebuild and roll one component on every save. Run: npx zx runbooks/dev.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { dev } = await import('../src/runbooks/dev.ts');
await main(dev, import.meta.url);
