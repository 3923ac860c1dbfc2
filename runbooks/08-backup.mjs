#!/usr/bin/env -S npx zx
// Runbook 08 — backup of the database to a local file with a manifest. Run: npx zx runbooks/08-backup.mjs [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { backup } = await import('../src/runbooks/08-backup.ts');
await main(backup, import.meta.url);
