#!/usr/bin/env -S npx zx
// Runbook 02 — load the images onto the node. Run: npx zx runbooks/02-load.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { load } = await import('../src/runbooks/02-load.ts');
await main(load, import.meta.url);
