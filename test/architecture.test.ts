// Layers point one way: cli -> sources, render, node, exec -> engine -> model. The engine and the
// model stay pure (no node: modules, no other src folder), and nothing but the cluster source
// imports @kubernetes/client-node, so offline commands start without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

const allowed: Record<string, (spec: string) => boolean> = {
  model: (s) => s.startsWith('./'),
  engine: (s) => s.startsWith('./') || s.startsWith('../model/'),
  render: (s) => s.startsWith('./') || s.startsWith('../model/') || s.startsWith('../engine/') || s === 'yaml',
  node: (s) => s.startsWith('./') || s.startsWith('../model/') || s.startsWith('../engine/'),
};

const cases = Object.keys(allowed).flatMap((layer) => files(join(src, layer)).map((f) => ({ layer, file: f })));

for (const c of cases) {
  test(`architecture: ${relative(src, c.file)} imports only what ${c.layer}/ may`, () => {
    const bad = imports(c.file).filter((s) => !(allowed[c.layer] ?? (() => false))(s));
    assert.deepEqual(bad, []);
  });
}

test('architecture: only sources/cluster*, kube*, api-* and exec/ import @kubernetes/client-node', () => {
  const offenders = files(src)
    .filter((f) => imports(f).includes('@kubernetes/client-node'))
    .map((f) => relative(src, f))
    .filter((f) => !/^sources\/(cluster|kube|api-)/.test(f) && !f.startsWith('exec/'));
  assert.deepEqual(offenders, []);
});
