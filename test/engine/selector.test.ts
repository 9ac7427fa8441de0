import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstUnmet, selectorMatches } from '../../src/engine/index.js';
import type { Labels, SelectorRequirement } from '../../src/model/index.js';
import { sel } from '../support/build.js';

const cases: { name: string; matchLabels?: Labels; exprs?: SelectorRequirement[]; labels: Labels; want: boolean }[] = [
  { name: 'empty selector matches everything', labels: { a: '1' }, want: true },
  { name: 'empty selector matches no labels', labels: {}, want: true },
  { name: 'matchLabels equal', matchLabels: { a: '1' }, labels: { a: '1', b: '2' }, want: true },
  { name: 'matchLabels other value', matchLabels: { a: '1' }, labels: { a: '2' }, want: false },
  { name: 'matchLabels missing key', matchLabels: { a: '1' }, labels: {}, want: false },
  { name: 'matchLabels ANDed', matchLabels: { a: '1', b: '2' }, labels: { a: '1' }, want: false },
  { name: 'In', exprs: [{ key: 'a', operator: 'In', values: ['1', '2'] }], labels: { a: '2' }, want: true },
  { name: 'In missing key', exprs: [{ key: 'a', operator: 'In', values: ['1'] }], labels: {}, want: false },
  { name: 'NotIn other value', exprs: [{ key: 'a', operator: 'NotIn', values: ['1'] }], labels: { a: '2' }, want: true },
  { name: 'NotIn absent key', exprs: [{ key: 'a', operator: 'NotIn', values: ['1'] }], labels: {}, want: true },
  { name: 'NotIn listed value', exprs: [{ key: 'a', operator: 'NotIn', values: ['1'] }], labels: { a: '1' }, want: false },
  { name: 'Exists', exprs: [{ key: 'a', operator: 'Exists', values: [] }], labels: { a: '' }, want: true },
  { name: 'Exists absent', exprs: [{ key: 'a', operator: 'Exists', values: [] }], labels: {}, want: false },
  { name: 'DoesNotExist', exprs: [{ key: 'a', operator: 'DoesNotExist', values: [] }], labels: {}, want: true },
  { name: 'DoesNotExist present', exprs: [{ key: 'a', operator: 'DoesNotExist', values: [] }], labels: { a: 'x' }, want: false },
  { name: 'matchLabels AND expressions', matchLabels: { a: '1' }, exprs: [{ key: 'b', operator: 'Exists', values: [] }], labels: { a: '1' }, want: false },
  { name: 'label named like an Object method is not inherited', matchLabels: {}, exprs: [{ key: 'toString', operator: 'Exists', values: [] }], labels: {}, want: false },
];

for (const c of cases) {
  test(`selector: ${c.name}`, () => {
    assert.equal(selectorMatches(sel(c.matchLabels ?? {}, c.exprs ?? []), c.labels), c.want);
  });
}

test('selector: firstUnmet is undefined exactly when the selector matches (property)', () => {
  const key = fc.constantFrom('a', 'b', 'c');
  const value = fc.constantFrom('1', '2', '');
  const req = fc.record({
    key,
    operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist') as fc.Arbitrary<SelectorRequirement['operator']>,
    values: fc.array(value, { minLength: 1, maxLength: 2 }),
  }).map((r) => (r.operator === 'Exists' || r.operator === 'DoesNotExist' ? { ...r, values: [] } : r));
  fc.assert(
    fc.property(fc.dictionary(key, value), fc.dictionary(key, value), fc.array(req, { maxLength: 3 }), (labels, ml, exprs) => {
      const s = sel(ml, exprs);
      const manual =
        Object.entries(ml).every(([k, v]) => labels[k] === v) &&
        exprs.every((e) =>
          e.operator === 'In' ? labels[e.key] !== undefined && (e.values as readonly string[]).includes(labels[e.key] as string)
          : e.operator === 'NotIn' ? labels[e.key] === undefined || !(e.values as readonly string[]).includes(labels[e.key] as string)
          : e.operator === 'Exists' ? labels[e.key] !== undefined
          : labels[e.key] === undefined,
        );
      assert.equal(selectorMatches(s, labels), manual);
      assert.equal(firstUnmet(s, labels) === undefined, manual);
    }),
  );
});
