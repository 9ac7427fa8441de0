// renderDataList, piece by piece, prints exactly what renderData prints for the whole object, in
// both formats: empty lists, one item, and items whose strings need quoting, escaping or a block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderData, renderDataList, type DataFormat } from '../../src/render/data.js';

const script = '#!/bin/sh\n# a "quoted" \\ line\n\n\tcat <<\'EOF\'\n  indented\nEOF\nexit $?\n';
const cases: { name: string; items: () => object[] }[] = [
  { name: 'no item', items: () => [] },
  { name: 'one item', items: () => [{ node: 'node-a', script }] },
  { name: 'three items, the same script in fresh objects', items: () => ['node-a', 'node-b', 'node-c'].map((node) => ({ node, script })) },
  {
    name: 'strings yaml must quote, blocks with leading spaces, no final newline, unicode, nested values',
    items: () => [
      { node: '007', script: ' leading space\n' },
      { node: 'a: b', script: 'no newline' },
      { node: 'ünï', script: '' },
      { node: 'true', script: 'x', extra: { list: [1, 'two', null], empty: {} } },
    ],
  },
  {
    name: 'flat records (a matrix result per pair): null, numbers, booleans, an empty object, a field left undefined',
    items: () => [
      { from: 'a/x', to: 'b/"y"', port: null, protocol: 'TCP', allowed: null, reason: 'not a connection: \u2028 ünï' },
      { from: 'a/x', to: 'b/y', port: 8080, portName: 'http', allowed: true, skipped: undefined },
      {},
    ],
  },
];

for (const c of cases) {
  for (const format of ['json', 'yaml'] as const satisfies readonly DataFormat[]) {
    test(`renderDataList ${format}: ${c.name} joins to renderData of the whole`, () => {
      const pieces = [...renderDataList('nodes', c.items(), format)];
      assert.equal(pieces.join(''), renderData({ nodes: c.items() }, format));
      assert.equal(pieces.length, Math.max(1, c.items().length + (format === 'json' ? 1 : 0)), 'one piece per item');
    });
  }
}

test('renderDataList reads its items one at a time, as it prints them', () => {
  const made: string[] = [];
  function* items(): Generator<object> {
    for (const node of ['a', 'b']) {
      made.push(node);
      yield { node };
    }
  }
  const pieces = renderDataList('nodes', items(), 'json');
  pieces.next();
  assert.deepEqual(made, ['a']);
});

const around = { before: { pods: ['a/x', 'b/y'], ipFamily: 'IPv4', empty: [] }, after: { expectations: { checked: 2, differing: [{ from: 'a/x', got: null }] }, includesLocalFiles: ['f.yaml'] } };
for (const c of cases) {
  for (const format of ['json', 'yaml'] as const satisfies readonly DataFormat[]) {
    test(`renderDataList ${format} with fields before and after the list: ${c.name}`, () => {
      const pieces = [...renderDataList('results', c.items(), format, around)];
      assert.equal(pieces.join(''), renderData({ ...around.before, results: c.items(), ...around.after }, format));
    });
  }
}
