#!/usr/bin/env -S npx zx
// Runbook 01 — build the images. Run: npx zx runbooks/01-build.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { build } = await import('../src/runbooks/01-build.ts');
await main(build, import.meta.url);
