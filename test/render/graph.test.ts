// The pictures' text forms: the DOT that matrix and diff write is accepted by Graphviz's own
// grammar (the WebAssembly build -o svg lays out with), which refuses a broken one; every pod and
// namespace is a node in its box; Mermaid's text has a node per end and an edge per connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixGraph, renderDot, renderMermaid, type Graph } from '../../src/render/graph.js';
import type { MatrixView } from '../../src/render/matrix.js';
import { layOut } from '../../src/cli/picture.js';

const view: MatrixView = {
  pods: ['a/web', 'a/api', 'b/"odd\\name'],
  grids: [
    {
      column: '80/TCP',
      cells: [true, true, false, false, true, null, true, false, true].map((allowed, i) => ({ from: `p${Math.floor(i / 3)}`, to: `p${i % 3}`, allowed, reason: '' })),
    },
  ],
};

test('matrix as a graph: an edge for each allowed pair of distinct pods; denied ones only when asked', () => {
  const g = matrixGraph(view, false);
  assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.kind]), [['a/web', 'a/api', 'allowed'], ['b/"odd\\name', 'a/web', 'allowed']]);
  const withDenied = matrixGraph(view, true);
  assert.deepEqual(withDenied.edges.filter((e) => e.kind === 'denied').map((e) => [e.from, e.to]), [['a/web', 'b/"odd\\name'], ['a/api', 'a/web'], ['b/"odd\\name', 'a/api']]);
});

test('DOT: Graphviz parses it and lays out every node, quotes and backslashes included', async () => {
  const dot = renderDot(matrixGraph(view, true));
  const r = await layOut(dot);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
  for (const label of ['web', 'api', '"odd\\name', 'namespace a', 'namespace b']) {
    const escaped = label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    assert.ok(r.svg.includes(`>${escaped}</text>`), `${label} drawn`);
  }
});

test('DOT: the check can fail: Graphviz refuses a broken text', async () => {
  const r = await layOut('digraph { "a" -> }');
  assert.equal(r.ok, false);
});

test('Mermaid: a box per namespace, a node per pod, an edge per connection, quotes as entities', () => {
  const g: Graph = matrixGraph(view, false);
  const text = renderMermaid(g);
  assert.match(text, /^flowchart LR\n/);
  assert.equal((text.match(/^ {2}subgraph /gm) ?? []).length, 2);
  assert.equal((text.match(/^ {4}n\d+\["/gm) ?? []).length, 3);
  assert.equal((text.match(/ -->\|/g) ?? []).length, 2);
  assert.ok(text.includes('n2["#34;odd\\name"]'), text);
});
