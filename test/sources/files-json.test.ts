import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NESTING } from '../../src/sources/files-yaml.js';
import { looksLikeJson, MAX_JSON_VALUES, parseJsonDocument } from '../../src/sources/files-json.js';
import { readManifests } from '../../src/sources/files.js';
import { escapeRegExp, rejectsCliError, wirePod, withFile } from './manifest-helpers.js';

/** `kubectl get pods -A -o json`: one List, indented as kubectl indents it. */
function podList(count: number, indent?: number): string {
  const items = Array.from({ length: count }, (_, i) => wirePod(i));
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, indent)}\n`;
}

const pod = (name: string): string => `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "${name}"}}`;

const readCases: {
  name: string;
  file: string;
  content: () => string;
  /** Pods read, as namespace/name, or the error expected (after the file name). */
  want: { pods: string[] } | { count: number } | { error: RegExp };
}[] = [
  {
    // Through the YAML composer this took 9.7 s and 1.4 GB.
    name: '30k pods from kubectl get pods -A -o json (17 MB) load (npm run bench measures how fast)',
    file: 'pods.json',
    content: () => podList(30_000),
    want: { count: 30_000 },
  },
  {
    name: 'an error in a List item names the line of the field',
    file: 'list.json',
    content: () => `{\n  "kind": "List",\n  "items": [\n    ${pod('a')},\n    {\n      "kind": "Pod",\n      "metadata": {"name": "Not_Fine"}\n    }\n  ]\n}\n`,
    want: { error: /^ \(document 1, line 7\): Pod default\/Not_Fine: metadata\.name: / },
  },
  {
    name: 'lines stay right past strings holding brackets, quotes and escaped newlines',
    file: 'list.json',
    content: () =>
      `{"kind": "List", "items": [\n{"kind": "Pod", "metadata": {"name": "a", "annotations": {"x": "[\\"{\\\\", "n": "a\\nb ]]"}}},\n\n${pod('B')}]}`,
    want: { error: /^ \(document 1, line 4\): Pod default\/B: metadata\.name: / },
  },
  {
    name: 'the items of a List inside a List have their own lines',
    file: 'list.json',
    content: () => `{"kind": "List", "items": [\n${pod('a')},\n{"kind": "PodList", "items": [\n{"metadata": {"name": "b"}},\n{"metadata": {"name": "C"}}]}]}`,
    want: { error: /^ \(document 1, line 5\): Pod default\/C: metadata\.name: / },
  },
  {
    name: 'a repeated key is an error, as in the API server strict decoding',
    file: 'pod.json',
    content: () => '{"apiVersion": "v1", "kind": "Pod",\n "metadata": {"name": "a", "namespace": "x", "namespace": "y"}}',
    want: { error: /^ \(document 1, line 2\): invalid JSON: duplicate key "namespace"$/ },
  },
  {
    name: 'a key repeated through an escape is still repeated',
    file: 'pod.json',
    content: () => '{"kind": "Pod", "kin\\u0064": "Node", "metadata": {"name": "a"}}',
    want: { error: /^ \(document 1, line 1\): invalid JSON: duplicate key "kind"$/ },
  },
  {
    name: 'the same key in sibling objects is no repetition',
    file: 'list.json',
    content: () => `{"kind": "List", "items": [${pod('a')}, ${pod('b')}]}`,
    want: { pods: ['default/a', 'default/b'] },
  },
  {
    name: 'a YAML flow mapping that starts with { is read as YAML',
    file: 'pod.yaml',
    content: () => '{kind: Pod, apiVersion: v1, metadata: {name: a, namespace: shop}}\n',
    want: { pods: ['shop/a'] },
  },
  {
    name: 'a .json file holding YAML is read as YAML',
    file: 'pod.json',
    content: () => 'kind: Pod\napiVersion: v1\nmetadata:\n  name: a\n',
    want: { pods: ['default/a'] },
  },
  {
    name: 'JSON documents separated by --- are read as YAML',
    file: 'pods.yaml',
    content: () => `${pod('a')}\n---\n${pod('b')}\n`,
    want: { pods: ['default/a', 'default/b'] },
  },
  {
    name: 'invalid JSON is reported by the YAML reader, with its line',
    file: 'pod.json',
    content: () => '{"kind": "Pod",\n "metadata": {"name": "a"},,\n}',
    want: { error: /^ \(document 1, line 2\): invalid YAML: / },
  },
  {
    name: '100k-deep JSON ends with the nesting error',
    file: 'deep.json',
    content: () => '['.repeat(100_000) + ']'.repeat(100_000),
    want: { error: new RegExp(`^ \\(document 1, line 1\\): nesting deeper than ${MAX_NESTING} levels$`) },
  },
  {
    name: '16M-deep JSON (32 MB) ends with the nesting error',
    file: 'deep.json',
    content: () => '['.repeat(16_000_000) + ']'.repeat(16_000_000),
    want: { error: new RegExp(`^ \\(document 1, line 1\\): nesting deeper than ${MAX_NESTING} levels$`) },
  },
  {
    // Before the value limit, this went through the YAML composer: minutes and gigabytes.
    name: 'more values than MAX_JSON_VALUES is an error before anything is allocated',
    file: 'numbers.json',
    content: () => `{"kind": "List", "items": [${'0,'.repeat(MAX_JSON_VALUES)}0]}`,
    want: { error: new RegExp(`^ \\(document 1, line 1\\): more than ${MAX_JSON_VALUES} values in one file; split it into smaller files$`) },
  },
];

for (const c of readCases) {
  test(`JSON input: ${c.name}`, async () => {
    await withFile(c.file, c.content(), async (path) => {
      const want = c.want;
      if ('error' in want) {
        await rejectsCliError(() => readManifests([path]), new RegExp(`^${escapeRegExp(path)}${want.error.source.slice(1)}`));
        return;
      }
      const set = await readManifests([path]);
      if ('count' in want) assert.equal(set.pods.length, want.count);
      else assert.deepEqual(set.pods.map((p) => `${p.namespace}/${p.name}`), want.pods);
    });
  });
}

const sniffCases: { text: string; source: string; want: boolean }[] = [
  { text: '{"kind": "Pod"}', source: 'a.yaml', want: true },
  { text: ' \n\t[1]', source: '<stdin>', want: true },
  { text: 'kind: Pod', source: 'a.json', want: true },
  { text: 'kind: Pod', source: 'a.yaml', want: false },
  { text: '# {"kind": "Pod"}', source: 'a.yaml', want: false },
  { text: '', source: '<stdin>', want: false },
];
for (const c of sniffCases) {
  test(`looksLikeJson(${JSON.stringify(c.text)}, ${c.source}) is ${c.want}`, () => assert.equal(looksLikeJson(c.text, c.source), c.want));
}

test('parseJsonDocument: the line of each List item, at any depth of Lists, from the text kubectl prints', () => {
  const text = podList(3, 4);
  const doc = parseJsonDocument(text, 'pods.json');
  assert.ok(doc !== undefined);
  const lines = text.split('\n');
  const itemStarts = lines.flatMap((l, i) => (l === '        {' ? [i + 1] : []));
  assert.equal(itemStarts.length, 3);
  assert.deepEqual([0, 1, 2].map((i) => doc.lineAt(['items', i])), itemStarts);
  assert.equal(doc.lineAt(['items', 3]), undefined);
  assert.equal(doc.lineAt(['metadata']), lines.indexOf('    "metadata": {') + 1);
  assert.equal(doc.line, 1);
  assert.equal((doc.value as { items: unknown[] }).items.length, 3);
});

test('parseJsonDocument: undefined for what is not JSON, so that YAML reads it', () => {
  for (const text of ['{kind: Pod}', '{"a": 1} {"b": 2}', `${'['.repeat(MAX_NESTING + 1)}${']'.repeat(MAX_NESTING + 1)}`]) {
    assert.equal(parseJsonDocument(text, 'x.json'), undefined, text.slice(0, 20));
  }
  assert.deepEqual(parseJsonDocument(`${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`, 'x.json')?.index, 1);
});

test('parseJsonDocument: the value limit can be lowered, and counts every value', async () => {
  assert.equal((parseJsonDocument('[1, "a", {"k": null}]', 'x.json', 5)?.value as unknown[]).length, 3);
  await rejectsCliError(async () => parseJsonDocument('[1, "a", {"k": null}]', 'x.json', 4), 'x.json (document 1, line 1): more than 4 values in one file; split it into smaller files');
});
