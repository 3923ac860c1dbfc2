// The lane's last file: the node:20-alpine stand-in it made for the demo Dockerfiles is removed,
// so a later real build on this machine cannot mistake it for the real image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { missingPrerequisite, releaseNodeBase } from './harness.ts';

test('the node:20-alpine stand-in the lane made is gone', { skip: missingPrerequisite() }, () => {
  const made = releaseNodeBase();
  if (made) assert.notEqual(spawnSync('docker', ['image', 'inspect', 'node:20-alpine'], { stdio: 'ignore' }).status, 0);
});
