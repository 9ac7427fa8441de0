import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/errors.js';
import { checkYamlLimits, MAX_ALIAS_COUNT, MAX_NESTING, YAML_LIMITS, type YamlLimits } from '../../src/sources/files-yaml.js';
import { readManifests } from '../../src/sources/files.js';
import { escapeRegExp, rejectsCliError, withFile, yamlPod } from './manifest-helpers.js';

const TOKENS = `more than ${YAML_LIMITS.tokens} YAML tokens \\(values, keys, brackets, indicators\\) in one file; split it into smaller files, or give it as JSON, which is read faster$`;

/**
 * Big hostile files, at the real limits. Before the limits each of these ran for 30 s or more, and
 * the first ones died of V8 heap exhaustion (exit 134) at 4.4 GB.
 */
const hostile: { name: string; content: () => string; want: RegExp }[] = [
  { name: '15 MB of {} in one flow sequence', content: () => `a: [${'{},'.repeat(5_000_000)}]\n`, want: new RegExp(`\\(document 1, line 1\\): ${TOKENS}`) },
  { name: '15 MB of commas', content: () => `a: [${','.repeat(15_000_000)}]\n`, want: new RegExp(`\\(document 1, line 1\\): ${TOKENS}`) },
  { name: '5M anchors on one value', content: () => `a: ${'&a '.repeat(5_000_000)}x\n`, want: new RegExp(`\\(document 1, line 1\\): ${TOKENS}`) },
  { name: '8M null sequence entries', content: () => `a:\n${'-\n'.repeat(8_000_000)}`, want: new RegExp(`\\(document 1, line 2000000\\): ${TOKENS}`) },
  { name: '8M lines of ":"', content: () => ':\n'.repeat(8_000_000), want: new RegExp(`\\(document 1, line 2000001\\): ${TOKENS}`) },
  {
    name: '8M "---" lines (32 MB)',
    content: () => '---\n'.repeat(8_000_000),
    want: new RegExp(`\\(document 100001, line 100001\\): more than ${YAML_LIMITS.documents} documents in one file; split it into smaller files$`),
  },
  {
    name: '30 MB of blank lines',
    content: () => '\n'.repeat(30_000_000),
    want: new RegExp(`\\(document 1, line 2000001\\): more than ${YAML_LIMITS.lines} lines in one file; split it into smaller files$`),
  },
  {
    name: '15M comment lines',
    content: () => '#\n'.repeat(15_000_000),
    want: new RegExp(`\\(document 1, line 2000001\\): more than ${YAML_LIMITS.lines} lines in one file; split it into smaller files$`),
  },
  {
    // Composed first, these took 6 s and 1.5 GB before the alias limit said no.
    name: 'a million aliases',
    content: () => `a: &a x\nb: [${'*a,'.repeat(1_000_000)}]\n`,
    want: new RegExp(`\\(document 1, line 2\\): more than ${MAX_ALIAS_COUNT} aliases in one document$`),
  },
  {
    name: '10M-deep flow sequence after a first document',
    content: () => `kind: Namespace\n---\nx: ${'['.repeat(10_000_000)}`,
    want: new RegExp(`\\(document 2, line 3\\): nesting deeper than ${MAX_NESTING} levels$`),
  },
];

for (const c of hostile) {
  test(`big hostile YAML ends in a CliError within 5 s: ${c.name}`, async () => {
    await withFile('input.yaml', c.content(), async (path) => {
      await rejectsCliError(() => readManifests([path]), new RegExp(`^${escapeRegExp(path)} ${c.want.source}`));
    });
  });
}

test('a legitimate 10k-pod manifest (one document per pod) still loads', async () => {
  const text = Array.from({ length: 10_000 }, (_, i) => yamlPod(i)).join('---\n');
  await withFile('pods.yaml', text, async (path) => {
    const set = await readManifests([path]);
    assert.equal(set.pods.length, 10_000);
    assert.equal(set.pods[9_999]?.name, 'web-9999');
  });
});

test('a 10k-pod List, the shape of kubectl get pods -o yaml, is within the limits', () => {
  const text = `apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: 10_000 }, (_, i) => yamlPod(i, '  ')).join('')}`;
  assert.ok(text.length > 3_000_000, `only ${text.length} characters`);
  checkYamlLimits(text, 'pods.yaml');
});

const LIMITS: YamlLimits = { tokens: 1000, lines: 1000, documents: 1000 };

/** How the limits count: each case is within `limits` and one less of the counted thing is over it. */
const countCases: { name: string; text: string; limits: Partial<YamlLimits>; want: string }[] = [
  // a : [ 1 , 2 ] -> 7 tokens
  { name: 'scalars, indicators and brackets are tokens', text: 'a: [1, 2]\n', limits: { tokens: 7 }, want: '(document 1, line 1): more than 6 YAML tokens' },
  { name: 'comments, blank lines and spaces are not', text: '# c\n\n  a:    b   # c\n\n', limits: { tokens: 3 }, want: '(document 1, line 3): more than 2 YAML tokens' },
  {
    name: 'the text of a block scalar is one token, whatever it holds',
    text: 'a: |\n  - [ { , : ? &x *y\n  - - -\nb: c\n',
    limits: { tokens: 7 },
    want: '(document 1, line 4): more than 6 YAML tokens',
  },
  { name: 'a quoted scalar is one token', text: 'a: "[{,:"\n', limits: { tokens: 3 }, want: '(document 1, line 1): more than 2 YAML tokens' },
  { name: 'lines are counted by their newlines', text: 'a: 1\n\n# c\nb: 2\n', limits: { lines: 4 }, want: '(document 1, line 4): more than 3 lines' },
  {
    name: 'documents: content before the first ---, each ---, content after ...',
    text: 'a: 1\n--- b\n---\n...\nc: 2\n...\n# only a comment\n',
    limits: { documents: 4 },
    want: '(document 4, line 5): more than 3 documents',
  },
  { name: 'a lone --- is a document', text: '---\n---\n', limits: { documents: 2 }, want: '(document 2, line 2): more than 1 documents' },
];

for (const c of countCases) {
  test(`checkYamlLimits: ${c.name}`, () => {
    const limits = { ...LIMITS, ...c.limits };
    checkYamlLimits(c.text, 'x.yaml', limits);
    const key = Object.keys(c.limits)[0] as keyof YamlLimits;
    const lower = { ...limits, [key]: limits[key] - 1 };
    assert.throws(
      () => checkYamlLimits(c.text, 'x.yaml', lower),
      (e: unknown) => e instanceof CliError && e.message.startsWith(`x.yaml ${c.want}`) && e.message.includes(' in one file; split it into smaller files'),
    );
  });
}
