#!/usr/bin/env -S npx zx
// Runbook 09 — restore a backup made by 08. Run: npx zx runbooks/09-restore.mjs --from backups/<file>.dump [--help]
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runbook.ts');
const { restore } = await import('../src/runbooks/09-restore.ts');
await main(restore, import.meta.url);
