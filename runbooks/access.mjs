#!/usr/bin/env -S npx zx
// Runbook access — the app on localhost through port-forwards that survive their pods. Run: npx zx runbooks/access.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { access } = await import('../src/runbooks/access.ts');
await main(access, import.meta.url);
