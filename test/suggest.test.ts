import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, didYouMean, editDistance } from '../src/suggest.js';

const distanceCases: { a: string; b: string; want: number }[] = [
  { a: 'cidr', b: 'cidr', want: 0 },
  { a: 'cdir', b: 'cidr', want: 1 }, // a swap is one edit
  { a: 'podSelecter', b: 'podSelector', want: 1 },
  { a: 'podselector', b: 'podSelector', want: 1 },
  { a: 'ingres', b: 'ingress', want: 1 },
  { a: 'prot', b: 'protocol', want: 4 },
  { a: '', b: 'to', want: 2 },
];
for (const c of distanceCases) {
  test(`editDistance(${c.a}, ${c.b}) is ${c.want}`, () => assert.equal(editDistance(c.a, c.b), c.want));
}

test('editDistance stops past its limit', () => assert.equal(editDistance('namespaceSelector', 'x', 2), 3));

const KNOWN = ['podSelector', 'namespaceSelector', 'ipBlock', 'to', 'ports'];
const suggestCases: { word: string; want: string | undefined }[] = [
  { word: 'podSelecter', want: 'podSelector' },
  { word: 'ipblock', want: 'ipBlock' },
  { word: 'port', want: 'ports' },
  { word: 'too', want: 'to' },
  { word: 'ip', want: undefined }, // short names allow one edit only
  { word: 'selector', want: undefined },
];
for (const c of suggestCases) {
  test(`closestName(${c.word}) is ${String(c.want)}`, () => assert.equal(closestName(c.word, KNOWN), c.want));
}

const phraseCases: { word: string; known: readonly string[]; want: string }[] = [
  { word: 'matirx', known: ['explain', 'can-reach', 'matrix', 'apply-node'], want: ' (did you mean "matrix"?)' },
  { word: 'frobnicate', known: ['explain', 'can-reach', 'matrix', 'apply-node'], want: '' },
  { word: '--prot', known: ['--port', '--ip-family', '--filename'], want: ' (did you mean "--port"?)' },
];
for (const c of phraseCases) {
  test(`didYouMean(${c.word}) is ${JSON.stringify(c.want)}`, () => assert.equal(didYouMean(c.word, c.known), c.want));
}

test('didYouMean writes the name as asked: flags go bare', () => assert.equal(didYouMean('--selecter', ['--selector'], (s) => s), ' (did you mean --selector?)'));
