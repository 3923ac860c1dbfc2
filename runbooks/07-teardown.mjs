#!/usr/bin/env -S npx zx
// Runbook 07 — teardown. Run: npx zx runbooks/07-teardown.mjs [--delete-cluster] [--help]
// The logic lives in src/runbooks/07-teardown.ts; tsx lets this entry point load it without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { teardown } = await import('../src/runbooks/07-teardown.ts');
await main(teardown, import.meta.url);
