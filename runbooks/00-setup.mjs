#!/usr/bin/env -S npx zx
// Runbook 00 — setup. Run: npx zx runbooks/00-setup.mjs [--help]
// The logic lives in src/runbooks/00-setup.ts; tsx lets this entry point load it without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { setup } = await import('../src/runbooks/00-setup.ts');
await main(setup, import.meta.url);
