// The image a pod runs, read from its status in each runtime's form and compared with the build's id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bareId, proveImage, runningImageId, type NodeImage } from '../../src/cluster/image-proof.ts';

const ID = 'sha256:' + 'a1'.repeat(32);
const OLD = 'sha256:' + 'b2'.repeat(32);
const DIGEST = 'sha256:' + 'c3'.repeat(32);
const node: NodeImage[] = [
  { id: ID, repoDigests: [`docker.io/library/todo-backend@${DIGEST}`], repoTags: ['docker.io/library/todo-backend:new'] },
  { id: OLD.slice(7), repoDigests: [], repoTags: ['todo-backend:old'] },
];

test('every runtime form of an imageID names the same id', () => {
  assert.equal(bareId(`docker://${ID}`), ID.slice(7));
  assert.equal(runningImageId(`docker://${ID}`, []), ID.slice(7), 'cri-dockerd, no repo digest');
  assert.equal(runningImageId(ID, []), ID.slice(7), 'containerd, no repo digest');
  assert.equal(runningImageId(`docker.io/library/todo-backend@${DIGEST}`, node), ID.slice(7), 'containerd: first repo digest');
  assert.equal(
    runningImageId(`docker-pullable://docker.io/library/todo-backend@${DIGEST}`, node),
    ID.slice(7),
    'cri-dockerd with a digest',
  );
  assert.equal(runningImageId(`other@${'sha256:' + 'd4'.repeat(32)}`, node), undefined, 'a digest the node does not list');
  assert.equal(runningImageId('', node), undefined, 'not started yet');
});

test('the proof passes only when every pod runs the built image, and names the pods that do not', () => {
  assert.deepEqual(
    proveImage(
      ID,
      [
        { pod: 'b-1', imageID: `docker://${ID}` },
        { pod: 'b-2', imageID: ID },
      ],
      node,
    ),
    {
      pass: true,
      measured: `2 pod(s) run image ${'a1'.repeat(6)}`,
    },
  );
  const stale = proveImage(
    ID,
    [
      { pod: 'b-1', imageID: `docker://${ID}` },
      { pod: 'b-old', imageID: `docker://${OLD}` },
    ],
    node,
  );
  assert.equal(stale.pass, false);
  assert.equal(stale.measured, `b-old runs ${'b2'.repeat(6)}`);
  assert.equal(proveImage(ID, [], node).pass, false);
  assert.match(proveImage(ID, [{ pod: 'x', imageID: '' }], node).measured, /x runs an image not on the node's list \(no imageID\)/);
});
