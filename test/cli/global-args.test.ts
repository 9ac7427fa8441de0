// --request-timeout is read with the flags: its number (parseDuration's, test/duration.test.ts),
// how messages name it, and its wording when it is not a duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestTimeout, toGlobalArgs } from '../../src/cli/global-args.js';
import { CliError } from '../../src/errors.js';

const timeoutCases: { text: string; want: { ms: number; label: string } | RegExp }[] = [
  { text: '0', want: { ms: 0, label: '0s' } },
  { text: '5', want: { ms: 5000, label: '5s' } },
  { text: '1m30s', want: { ms: 90000, label: '1m30s' } },
  { text: 'abc', want: /^invalid --request-timeout "abc": timeout must be a single integer in seconds/ },
  { text: '-1s', want: /invalid --request-timeout/ },
  { text: '10 s', want: /invalid --request-timeout/ },
  { text: '', want: /invalid --request-timeout/ },
];
for (const c of timeoutCases) {
  test(`parseRequestTimeout(${JSON.stringify(c.text)})`, () => {
    if (c.want instanceof RegExp) {
      const re = c.want;
      assert.throws(() => parseRequestTimeout(c.text), (e: unknown) => e instanceof CliError && re.test(e.message));
    } else assert.deepEqual(parseRequestTimeout(c.text), c.want);
  });
}

test('toGlobalArgs reads --request-timeout (the last one given), and refuses a bad one', () => {
  assert.deepEqual(toGlobalArgs({ requestTimeout: ['1s', '2s'] as unknown as string }).requestTimeout, { ms: 2000, label: '2s' });
  assert.equal(toGlobalArgs({}).requestTimeout, undefined);
  assert.throws(() => toGlobalArgs({ requestTimeout: 'soon' }), CliError);
});
