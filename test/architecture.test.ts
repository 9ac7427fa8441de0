// Layers point one way: cli -> sources, render, node, exec, control -> engine -> model, with the leaves at
// src/ root (errors.ts, duration.ts, ...) beneath them all. Every file of src/ obeys its folder's
// rule (support/import-graph RULES: the engine and the model stay pure, nothing imports cli/, and
// nothing but the cluster source and exec/ imports @kubernetes/client-node, so offline commands
// start without it), and no import cycle exists, type-only imports included. The checkers are
// tried on small made-up graphs first, so that a forbidden import or a cycle demonstrably fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findCycles, forbiddenImport, importsOf, resolveImport, type ImportGraph } from './support/import-graph.js';

const src = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** src/ path -> the specifiers it imports. */
const specs = new Map(files(src).map((f) => [relative(src, f), importsOf(readFileSync(f, 'utf8'), f).map((i) => i.spec)]));

/** The graph of src/ files, from the specifiers that name one. */
function graphOf(all: ReadonlyMap<string, readonly string[]>): ImportGraph {
  return new Map(
    [...all].map(([from, list]) => [from, list.flatMap((s) => { const t = resolveImport(from, s); return t.kind === 'src' ? [t.path] : []; })]),
  );
}

// ---- the checkers, on made-up input ----

test('architecture checker: importsOf reads every form of import, type-only ones too, and no lookalike', () => {
  const text = [
    "import type { A } from './a.js';",
    "import { type B, type C } from './b.js';",
    "import d, { e } from './d.js';",
    "export * from './e.js';",
    "export type { F } from './f.js';",
    "import './side-effect.js';",
    'const g = await import(\'./g.js\');',
    "type H = import('./h.js').H;",
    "// import { x } from './comment.js';",
    "const s = \"import { y } from './string.js'\";",
  ].join('\n');
  assert.deepEqual(importsOf(text), [
    { spec: './a.js', typeOnly: true },
    { spec: './b.js', typeOnly: true },
    { spec: './d.js', typeOnly: false },
    { spec: './e.js', typeOnly: false },
    { spec: './f.js', typeOnly: true },
    { spec: './side-effect.js', typeOnly: false },
    { spec: './g.js', typeOnly: false },
    { spec: './h.js', typeOnly: true },
  ]);
});

const resolveCases = [
  { name: 'a sibling', from: 'engine/compile.ts', spec: './resolve.js', want: { kind: 'src', path: 'engine/resolve.ts' } },
  { name: 'up two folders', from: 'cli/commands/apply-node.ts', spec: '../../node/index.js', want: { kind: 'src', path: 'node/index.ts' } },
  { name: 'a leaf at the root', from: 'engine/selector.ts', spec: '../assert-never.js', want: { kind: 'src', path: 'assert-never.ts' } },
  { name: 'a node: module', from: 'sources/files.ts', spec: 'node:fs/promises', want: { kind: 'builtin', name: 'node:fs/promises' } },
  { name: 'a bare builtin', from: 'sources/files.ts', spec: 'fs', want: { kind: 'builtin', name: 'fs' } },
  { name: 'a package subpath', from: 'cli/main.ts', spec: 'yargs/helpers', want: { kind: 'package', name: 'yargs' } },
  { name: 'a scoped package', from: 'exec/deliver.ts', spec: '@kubernetes/client-node', want: { kind: 'package', name: '@kubernetes/client-node' } },
] as const;

for (const c of resolveCases) {
  test(`architecture checker: resolveImport, ${c.name}`, () => assert.deepEqual(resolveImport(c.from, c.spec), c.want));
}

const importCases: readonly { name: string; from: string; spec: string; forbidden: boolean }[] = [
  { name: 'model imports its own file', from: 'model/index.ts', spec: './types.js', forbidden: false },
  { name: 'model imports the engine', from: 'model/types.ts', spec: '../engine/index.js', forbidden: true },
  { name: 'model imports a leaf', from: 'model/types.ts', spec: '../assert-never.js', forbidden: true },
  { name: 'engine imports the model', from: 'engine/peer.ts', spec: '../model/index.js', forbidden: false },
  { name: 'engine imports a pure leaf', from: 'engine/selector.ts', spec: '../assert-never.js', forbidden: false },
  { name: 'engine imports errors.ts', from: 'engine/verdict.ts', spec: '../errors.js', forbidden: true },
  { name: 'engine imports a node: module', from: 'engine/verdict.ts', spec: 'node:fs', forbidden: true },
  { name: 'engine imports node/', from: 'engine/verdict.ts', spec: '../node/index.js', forbidden: true },
  { name: 'engine imports cli/', from: 'engine/compile.ts', spec: '../cli/output.js', forbidden: true },
  { name: 'render imports yaml', from: 'render/data.ts', spec: 'yaml', forbidden: false },
  { name: 'render imports the engine', from: 'render/words.ts', spec: '../engine/index.js', forbidden: false },
  { name: 'render imports sources/', from: 'render/words.ts', spec: '../sources/ip.js', forbidden: true },
  { name: 'render imports a node: module', from: 'render/data.ts', spec: 'node:fs', forbidden: true },
  { name: 'node imports the engine', from: 'node/ruleset.ts', spec: '../engine/index.js', forbidden: false },
  { name: 'node imports render/', from: 'node/script.ts', spec: '../render/data.js', forbidden: true },
  { name: 'node imports yaml', from: 'node/script.ts', spec: 'yaml', forbidden: true },
  { name: 'sources imports the engine', from: 'sources/ip.ts', spec: '../engine/index.js', forbidden: true },
  { name: 'sources imports ipaddr.js', from: 'sources/ip.ts', spec: 'ipaddr.js', forbidden: false },
  { name: 'sources imports errors.ts', from: 'sources/files.ts', spec: '../errors.js', forbidden: false },
  { name: 'sources/cluster.ts imports client-node', from: 'sources/cluster.ts', spec: '@kubernetes/client-node', forbidden: false },
  { name: 'sources/files.ts imports client-node', from: 'sources/files.ts', spec: '@kubernetes/client-node', forbidden: true },
  { name: 'exec imports client-node', from: 'exec/deliver.ts', spec: '@kubernetes/client-node', forbidden: false },
  { name: 'exec imports the engine', from: 'exec/deliver.ts', spec: '../engine/index.js', forbidden: true },
  { name: 'exec imports yaml', from: 'exec/deliver.ts', spec: 'yaml', forbidden: true },
  { name: 'cli imports every layer', from: 'cli/commands/apply-node.ts', spec: '../../exec/helper-pod.js', forbidden: false },
  { name: 'cli imports client-node', from: 'cli/source.ts', spec: '@kubernetes/client-node', forbidden: true },
  { name: 'sources imports cli/', from: 'sources/cluster.ts', spec: '../cli/global-args.js', forbidden: true },
  { name: 'a leaf imports a leaf', from: 'suggest.ts', spec: './errors.js', forbidden: false },
  { name: 'a leaf imports the model', from: 'errors.ts', spec: './model/index.js', forbidden: true },
  { name: 'a folder without a rule', from: 'util/x.ts', spec: './y.js', forbidden: true },
  { name: 'an import of a folder without a rule', from: 'cli/main.ts', spec: '../util/x.js', forbidden: true },
];

for (const c of importCases) {
  test(`architecture checker: ${c.name} is ${c.forbidden ? 'forbidden' : 'allowed'}`, () => {
    const why = forbiddenImport(c.from, resolveImport(c.from, c.spec));
    assert.equal(why !== undefined, c.forbidden, why ?? 'allowed');
  });
}

const cycleCases: readonly { name: string; graph: Record<string, string[]>; want: string[][] }[] = [
  { name: 'a chain', graph: { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'] }, want: [] },
  { name: 'a diamond', graph: { 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['d.ts'], 'c.ts': ['d.ts'] }, want: [] },
  { name: 'two files', graph: { 'a.ts': ['b.ts'], 'b.ts': ['a.ts'] }, want: [['a.ts', 'b.ts', 'a.ts']] },
  { name: 'three files', graph: { 'x/c.ts': ['x/a.ts'], 'x/a.ts': ['x/b.ts'], 'x/b.ts': ['x/c.ts'], 'x/d.ts': ['x/a.ts'] }, want: [['x/a.ts', 'x/b.ts', 'x/c.ts', 'x/a.ts']] },
  { name: 'a file importing itself', graph: { 'a.ts': ['a.ts', 'b.ts'] }, want: [['a.ts', 'a.ts']] },
  { name: 'two separate cycles', graph: { 'a.ts': ['b.ts'], 'b.ts': ['a.ts', 'c.ts'], 'c.ts': ['d.ts'], 'd.ts': ['c.ts'] }, want: [['a.ts', 'b.ts', 'a.ts'], ['c.ts', 'd.ts', 'c.ts']] },
  { name: 'the shortest way round a tangle', graph: { 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'] }, want: [['a.ts', 'c.ts', 'a.ts']] },
];

for (const c of cycleCases) {
  test(`architecture checker: findCycles, ${c.name}`, () => assert.deepEqual(findCycles(new Map(Object.entries(c.graph))), c.want));
}

test('architecture checker: a cycle of type-only imports is a cycle', () => {
  const texts: Record<string, string> = {
    'engine/compile.ts': "import { peerPods } from './resolve.js';",
    'engine/resolve.ts': "import type { CompiledSnapshot } from './compile.js';",
  };
  const graph = graphOf(new Map(Object.entries(texts).map(([f, t]) => [f, importsOf(t).map((i) => i.spec)])));
  assert.deepEqual(findCycles(graph), [['engine/compile.ts', 'engine/resolve.ts', 'engine/compile.ts']]);
});

test('architecture checker: src/ with one import added back that closes a cycle fails', () => {
  const withCycle = new Map(specs);
  withCycle.set('engine/resolve.ts', [...(specs.get('engine/resolve.ts') ?? []), './compile.js']);
  assert.deepEqual(findCycles(graphOf(withCycle)), [['engine/compile.ts', 'engine/resolve.ts', 'engine/compile.ts']]);
});

// ---- src/ itself ----

for (const [file, list] of [...specs].sort(([a], [b]) => (a < b ? -1 : 1))) {
  test(`architecture: ${file} imports only what ${file.includes('/') ? `${file.split('/')[0]}/` : 'a leaf'} may`, () => {
    const bad = list.flatMap((s) => forbiddenImport(file, resolveImport(file, s)) ?? []);
    assert.deepEqual(bad, []);
  });
}

test('architecture: src/ has no import cycle, type-only imports included', () => {
  assert.deepEqual(findCycles(graphOf(specs)), []);
});

test('architecture: every src/ file that an import names exists', () => {
  const missing = [...graphOf(specs)].flatMap(([from, list]) => list.filter((to) => !specs.has(to)).map((to) => `${from} -> ${to}`));
  assert.deepEqual(missing, []);
});

test('architecture: only sources/cluster*, kube*, api-* and exec/ import @kubernetes/client-node', () => {
  const offenders = [...specs]
    .filter(([, list]) => list.includes('@kubernetes/client-node'))
    .map(([f]) => f)
    .filter((f) => !/^sources\/(cluster|kube|api-)/.test(f) && !f.startsWith('exec/'));
  assert.deepEqual(offenders, []);
});
