/**
 * Helpers shared by the source tests: temporary files, and expecting a one-line CliError.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../src/errors.js';

export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-files-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `content` to `name` in a temporary directory and runs `fn` on its path. */
export async function withFile(name: string, content: string | Buffer, fn: (path: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, content);
    await fn(path);
  });
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs `fn`, expecting a one-line CliError whose message matches. How fast hostile input is
 * refused is a benchmark figure (npm run bench), not a test assertion; a hang still fails the run.
 */
export async function rejectsCliError(fn: Promise<unknown> | (() => Promise<unknown>), want: string | RegExp): Promise<void> {
  await assert.rejects(fn, isOneLineCliError(want));
}

/** For assert.throws and assert.rejects: a CliError (exit 2) of one line whose message is, or matches, `want`. */
export function isOneLineCliError(want: string | RegExp): (e: unknown) => true {
  return (e) => {
    assert.ok(e instanceof CliError, `not a CliError: ${String(e)}`);
    assert.equal(e.exitCode, 2);
    if (typeof want === 'string') assert.equal(e.message, want);
    else assert.match(e.message, want);
    assert.ok(!e.message.includes('\n'), `message has several lines: ${e.message}`);
    return true;
  };
}

/** One pod as `kubectl get pods -o json` shows it (trimmed), with a controller reference. */
export function wirePod(i: number): Record<string, unknown> {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${i}`,
      namespace: `ns-${i % 50}`,
      uid: `6f1c2a3b-0000-4000-8000-${String(i).padStart(12, '0')}`,
      labels: { app: `app-${i % 100}`, 'pod-template-hash': '5d8f7c9b4' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${i % 100}-5d8f7c9b4`, uid: 'x', controller: true }],
    },
    spec: { nodeName: `node-${i % 20}`, containers: [{ name: 'main', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/** The same pod as a YAML document. */
export function yamlPod(i: number, indent = ''): string {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: web-${i}`,
    `  namespace: ns-${i % 50}`,
    '  labels:',
    `    app: app-${i % 100}`,
    '    tier: web',
    'spec:',
    `  nodeName: node-${i % 20}`,
    '  containers:',
    '  - name: main',
    '    image: nginx:1.25',
    '    ports:',
    '    - name: http',
    '      containerPort: 8080',
    '      protocol: TCP',
    'status:',
    '  phase: Running',
    `  podIP: ${ip}`,
  ]
    .map((l, n) => (n === 0 && indent !== '' ? `${indent.slice(0, -2)}- ${l}` : `${indent}${l}`))
    .join('\n') + '\n';
}
