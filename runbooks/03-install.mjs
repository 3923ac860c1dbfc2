#!/usr/bin/env -S npx zx
// Runbook 03 — install the release. Run: npx zx runbooks/03-install.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { install } = await import('../src/runbooks/03-install.ts');
await main(install, import.meta.url);
