// The JSON pre-scan against an oracle that is obviously right: random documents are built as trees
// whose objects are lists of (key, value) pairs, so keys may repeat, and are written out with
// random spacing, newlines and escaped keys. The writer notes where each key and List item lands,
// and a walk of the tree in text order names the first repeated key; the scan must agree on both.
// Objects grow past the scan's linear key comparison (LINEAR_KEYS), so its Set is tried too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanJson } from '../../src/sources/json-scan.js';
import { parseJsonDocument } from '../../src/sources/files-json.js';
import { CliError } from '../../src/errors.js';

type Tree = { readonly kind: 'object'; readonly pairs: readonly (readonly [string, Tree])[] } | { readonly kind: 'array'; readonly items: readonly Tree[] } | { readonly kind: 'scalar'; readonly text: string };

const KEYS = ['items', 'kind', 'name', 'a', 'b', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'x"y', 'é', 'a\\b'];

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Tree>({ kind: 'scalar', text: '1' }, { kind: 'scalar', text: '"s,]}"' }, { kind: 'scalar', text: 'null' }, { kind: 'scalar', text: '"\\"{["' }),
    fc.record({ kind: fc.constant('array' as const), items: fc.array(tie('tree'), { maxLength: 5 }) }),
    fc.record({ kind: fc.constant('object' as const), pairs: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('tree')), { maxLength: 24 }) }),
  ),
})).tree;

/** A document: a List at the root half of the time, so that item lines are found. */
const document: fc.Arbitrary<Tree> = fc.oneof(
  tree,
  fc.array(tree, { maxLength: 6 }).map((items): Tree => ({ kind: 'object', pairs: [['kind', { kind: 'scalar', text: '"List"' }], ['items', { kind: 'array', items }]] })),
);

interface Written {
  readonly text: string;
  /** The first key its object already has, and the line of that second occurrence. */
  readonly duplicate: { readonly key: string; readonly line: number } | undefined;
  /** Lines of the root List's items, when the root is one. */
  readonly itemLines: readonly number[] | undefined;
}

/** Writes `doc`, spacing it by `spaces` (0: none, 1: blanks, 2: newlines), some keys escaped. */
function write(doc: Tree, spaces: readonly number[], escapes: readonly boolean[]): Written {
  let text = '';
  let line = 1;
  let n = 0;
  let duplicate: Written['duplicate'];
  let itemLines: number[] | undefined;
  const gap = (): void => {
    const s = spaces[n++ % spaces.length] ?? 0;
    if (s === 1) text += ' \t';
    if (s === 2) {
      text += '\n  ';
      line++;
    }
  };
  const key = (k: string): string => {
    const plain = JSON.stringify(k);
    if (!(escapes[n++ % escapes.length] ?? false)) return plain;
    return `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
  };
  const emit = (t: Tree, listItems: number[] | undefined): void => {
    gap();
    listItems?.push(line);
    switch (t.kind) {
      case 'scalar':
        text += t.text;
        break;
      case 'array':
        text += '[';
        t.items.forEach((item, i) => {
          if (i > 0) text += ',';
          emit(item, undefined);
        });
        gap();
        text += ']';
        break;
      case 'object': {
        text += '{';
        const seen = new Set<string>();
        t.pairs.forEach(([k, v], i) => {
          if (i > 0) text += ',';
          gap();
          if (seen.has(k)) duplicate ??= { key: k, line };
          seen.add(k);
          text += `${key(k)}:`;
          const lines = t === doc && k === 'items' && v.kind === 'array' ? (itemLines = []) : undefined;
          if (lines !== undefined && v.kind === 'array') {
            gap();
            text += '[';
            v.items.forEach((item, j) => {
              if (j > 0) text += ',';
              emit(item, lines);
            });
            text += ']';
          } else emit(v, undefined);
        });
        gap();
        text += '}';
        break;
      }
    }
  };
  emit(doc, undefined);
  return { text, duplicate, itemLines };
}

test('json-scan: finds the first repeated key, and the line of each List item, as the oracle does', () => {
  fc.assert(
    fc.property(document, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 7 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (doc, spaces, escapes) => {
      const w = write(doc, spaces, escapes);
      assert.doesNotThrow(() => JSON.parse(w.text), w.text);
      const scan = scanJson(w.text, 1_000_000);
      assert.equal(scan.duplicate?.key, w.duplicate?.key, w.text);
      if (w.duplicate === undefined) {
        if (w.itemLines !== undefined) assert.deepEqual(scan.itemLines.get('items'), w.itemLines, w.text);
        return;
      }
      // The error names the line of the second occurrence.
      assert.throws(
        () => parseJsonDocument(w.text, 'x.json'),
        (e: unknown) => e instanceof CliError && e.message === `x.json (document 1, line ${w.duplicate!.line}): invalid JSON: duplicate key ${JSON.stringify(w.duplicate!.key)}`,
      );
    }),
    { numRuns: 400 },
  );
});

const duplicateCases: { name: string; text: string; want: string | undefined }[] = [
  { name: 'a key repeated after many others (the Set)', text: `{${Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(', ')}, "k7": 0}`, want: 'k7' },
  { name: 'forty different keys', text: `{${Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(', ')}}`, want: undefined },
  { name: 'an escaped key first, the plain one after', text: '{"kin\\u0064": 1, "kind": 2}', want: 'kind' },
  { name: 'keys of one length that differ only at the end', text: '{"abcd": 1, "abce": 2}', want: undefined },
  { name: 'a backslash before a quote inside a key', text: '{"a\\"b": 1, "a\\"b": 2}', want: 'a"b' },
  { name: 'an escaped backslash ending a key', text: '{"a\\\\": 1, "a\\\\": 2}', want: 'a\\' },
  { name: 'the same key in a nested object and its parent', text: '{"a": {"a": 1, "b": {"a": 2}}, "b": 3}', want: undefined },
  { name: 'a parent key repeated after a nested object closed', text: '{"a": {"x": 1, "y": 2}, "b": 1, "a": 3}', want: 'a' },
];
for (const c of duplicateCases) {
  test(`json-scan: ${c.name}`, () => assert.equal(scanJson(c.text, 1000).duplicate?.key, c.want));
}
