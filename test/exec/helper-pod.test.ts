import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { helperNamePrefix, helperPodManifest, helperPodName, MAX_LIFETIME_SECONDS, receiveAndRunCommand, TRUNCATED_EXIT, XTABLES_LOCK } from '../../src/exec/helper-pod.js';

test('helper pod: pinned, host network, privileged, tolerates every taint, shares the host xtables lock', () => {
  const pod = helperPodManifest({ name: 'netpol-helper-node-a-b2x4z', node: 'node-a', namespace: 'kube-system', image: 'img', lifetimeSeconds: 300 });
  assert.equal(pod.metadata.name, 'netpol-helper-node-a-b2x4z');
  assert.equal(pod.spec.nodeName, 'node-a');
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal(pod.spec.restartPolicy, 'Never');
  assert.deepEqual(pod.spec.tolerations, [{ operator: 'Exists' }]);
  assert.equal(pod.spec.containers[0]?.securityContext.privileged, true);
  assert.deepEqual(pod.spec.volumes, [{ name: 'xtables-lock', hostPath: { path: XTABLES_LOCK, type: 'FileOrCreate' } }]);
  assert.deepEqual(pod.spec.containers[0]?.volumeMounts, [{ name: 'xtables-lock', mountPath: XTABLES_LOCK }]);
  assert.equal(pod.spec.activeDeadlineSeconds, 300);
});

test('helper pod: a long --timeout does not make a long-lived privileged pod', () => {
  const pod = helperPodManifest({ name: 'netpol-helper-n-bbbbb', node: 'n', namespace: 'x', image: 'img', lifetimeSeconds: 48 * 3600 });
  assert.equal(pod.spec.activeDeadlineSeconds, MAX_LIFETIME_SECONDS);
  assert.deepEqual(pod.spec.containers[0]?.command, ['sleep', String(MAX_LIFETIME_SECONDS)]);
});

const prefixes: { node: string; want: string }[] = [
  { node: 'node-a', want: 'netpol-helper-node-a-' },
  { node: 'ip-10-0-0-1.ec2.internal', want: 'netpol-helper-ip-10-0-0-1-ec2-internal-' },
  { node: 'X'.repeat(100), want: `netpol-helper-${'x'.repeat(40)}-` },
];
for (const c of prefixes) {
  test(`helper pod name prefix for ${c.node.slice(0, 20)}`, () => assert.equal(helperNamePrefix(c.node), c.want));
}

const receiverCases: { name: string; stdin: string; code: number; stdout: string }[] = [
  { name: 'runs the script up to the sentinel, not past it', stdin: 'echo one\n#S-1\necho never\n', code: 0, stdout: 'one\n' },
  { name: 'passes the script\'s exit status through', stdin: 'echo two; exit 3\n#S-1\n', code: 3, stdout: 'two\n' },
  { name: 'a stream cut before the sentinel fails', stdin: 'echo three\n', code: TRUNCATED_EXIT, stdout: 'three\n' },
  { name: 'a script cut inside a function fails without running it', stdin: 'f() {\necho four\n', code: 2, stdout: '' },
];
for (const c of receiverCases) {
  test(`receiver (dash): ${c.name}`, () => {
    const argv = receiveAndRunCommand('#S-1');
    const r = spawnSync('dash', argv.slice(1), { input: c.stdin, encoding: 'utf8' });
    assert.equal(r.status, c.code, r.stderr);
    assert.equal(r.stdout, c.stdout);
  });
}

test('helper pod name: the prefix and five letters of the generateName alphabet, at most 63 characters', () => {
  assert.equal(helperPodName('node-a', Uint8Array.from([0, 1, 26, 27, 255])), 'netpol-helper-node-a-bc9bq');
  const long = helperPodName('X'.repeat(100), Uint8Array.from([9, 9, 9, 9, 9]));
  assert.match(long, /^netpol-helper-x{40}-[b-z2-9]{5}$/);
  assert.ok(long.length <= 63, String(long.length));
});
