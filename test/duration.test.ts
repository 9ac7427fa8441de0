import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../src/duration.js';

const cases: { text: string; want: number | undefined }[] = [
  { text: '0', want: 0 },
  { text: '30', want: 30_000 },
  { text: '5', want: 5000 },
  { text: '30s', want: 30_000 },
  { text: '1m', want: 60_000 },
  { text: '1.5h', want: 5_400_000 },
  { text: '2m', want: 120_000 },
  { text: '1m30s', want: 90_000 },
  { text: '500ms', want: 500 },
  { text: '1.5s', want: 1500 },
  { text: '1h', want: 3_600_000 },
  { text: '10us', want: 1 },
  { text: ' 5s ', want: 5000 },
  { text: 'soon', want: undefined },
  { text: '', want: undefined },
  { text: '5x', want: undefined },
  { text: '-5s', want: undefined },
  { text: '-1s', want: undefined },
  { text: '10 s', want: undefined },
  { text: '5s extra', want: undefined },
];

for (const c of cases) {
  test(`parseDuration(${JSON.stringify(c.text)}) = ${c.want}`, () => {
    assert.equal(parseDuration(c.text), c.want);
  });
}
