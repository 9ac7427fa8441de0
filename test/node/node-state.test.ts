/**
 * The state script's output parsed: every section typed, and a malformed text one error naming
 * its line, whatever part is wrong (the filter tables included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeStateError, parseFilterTable, parseNodeState, TableSyntaxError } from '../../src/node/index.js';
import { BUSY_V4, EMPTY_TABLE, familyLine, stateText } from './states.js';

test('node state: a busy node, parsed', () => {
  const s = parseNodeState(stateText({ v4: BUSY_V4, sets: ['set KNP-4P-0123456789abcdef 2'], bridge: 'missing' }));
  assert.equal(s.backend, 'nft');
  assert.equal(s.detected, true);
  assert.equal(s.v4.restore, 'iptables-nft-restore');
  assert.equal(s.v4.wait, true);
  assert.equal(s.v4.bridge, 'missing');
  assert.equal(s.v4.table.kind, 'present');
  if (s.v4.table.kind === 'present') {
    assert.equal(s.v4.table.table.chains.length, 9);
    assert.deepEqual(s.v4.table.table.chains[1], { name: 'FORWARD', policy: 'DROP' });
    assert.equal(s.v4.table.table.rules.filter((r) => r.chain === 'FORWARD').map((r) => r.position).join(','), '1,2,3,4,5');
  }
  assert.deepEqual(s.ipset, { kind: 'yes', sets: new Map([['KNP-4P-0123456789abcdef', 2]]) });
  assert.equal(s.text, stateText({ v4: BUSY_V4, sets: ['set KNP-4P-0123456789abcdef 2'], bridge: 'missing' }).trimEnd());
});

test('node state: tables absent, unread (no tools) or unreadable; ipset missing or failing', () => {
  const text = [
    'knp-state 1',
    'backend legacy env',
    familyLine(4, 'absent'),
    familyLine(6, 'error'),
    "error 6 ip6tables-legacy-save -t filter failed: can't initialize ip6tables table 'filter'",
    'error 6 second line',
    'ipset error',
    'error ipset ipset list -t failed: Kernel error received: Operation not supported',
    'end',
  ].join('\n');
  const s = parseNodeState(text);
  assert.equal(s.detected, false);
  assert.deepEqual(s.v4.table, { kind: 'absent' });
  assert.deepEqual(s.v6.table, { kind: 'error', message: "ip6tables-legacy-save -t filter failed: can't initialize ip6tables table 'filter'\nsecond line" });
  assert.deepEqual(s.ipset, { kind: 'error', message: 'ipset list -t failed: Kernel error received: Operation not supported' });
  const none = parseNodeState(['knp-state 1', 'backend plain detected', familyLine(4, 'unread'), familyLine(6, 'unread'), 'ipset no', 'end'].join('\n'));
  assert.equal(none.v4.tools, false);
  assert.deepEqual(none.ipset, { kind: 'no' });
});

const malformed: { name: string; text: string; line: number; why: RegExp }[] = [
  { name: 'empty', text: '', line: 1, why: /want "knp-state 1"/ },
  { name: 'another program\'s output', text: 'IPv4: 3 chains added\n', line: 1, why: /want "knp-state 1" \(the output of the state script\)/ },
  { name: 'a bad backend', text: 'knp-state 1\nbackend iptables detected\n', line: 2, why: /want "backend nft\|legacy\|plain detected\|env"/ },
  { name: 'cut short', text: stateText().split('\n').slice(0, 6).join('\n'), line: 7, why: /the text ends where end table 4 should be/ },
  { name: 'families out of order', text: stateText().replace('family 4', 'family 9'), line: 3, why: /want "family 4 / },
  { name: 'a table without its section', text: stateText().replace('table 4\n*filter', 'tabel 4\n*filter'), line: 4, why: /want "table 4" after a family with table=present/ },
  { name: 'a table with a line iptables-save never prints', text: stateText({ v4: EMPTY_TABLE.replace('COMMIT', '-X FOO\nCOMMIT') }), line: 9, why: /IPv4 filter table: not an iptables-save line: -X FOO/ },
  { name: 'a rule of an undeclared chain', text: stateText({ v6: EMPTY_TABLE.replace('COMMIT', '-A NOPE -j ACCEPT\nCOMMIT') }), line: 17, why: /IPv6 filter table: rule of undeclared chain NOPE/ },
  { name: 'nft-save cannot show the table', text: stateText({ v4: "*filter\n# Table `filter' is incompatible, use 'nft' tool.\nCOMMIT" }), line: 6, why: /cannot show this table as iptables rules: # Table `filter' is incompatible/ },
  { name: 'a set not of ours', text: stateText({ sets: ['set KNP-blocklist 3'] }), line: 20, why: /set KNP-blocklist is not one of ours/ },
  { name: 'a set listed twice', text: stateText({ sets: ['set KNP-4P-0123456789abcdef 2', 'set KNP-4P-0123456789abcdef 2'] }), line: 21, why: /listed twice/ },
  { name: 'text after the end', text: `${stateText()}more\n`, line: 21, why: /text after "end"/ },
];

for (const c of malformed) {
  test(`node state, malformed: ${c.name}`, () => {
    assert.throws(
      () => parseNodeState(c.text),
      (err: unknown) => err instanceof NodeStateError && err.line === c.line && c.why.test(err.why),
    );
  });
}

const badTables: { name: string; text: string; why: RegExp }[] = [
  { name: 'no *filter', text: ':INPUT ACCEPT\nCOMMIT', why: /want \*filter/ },
  { name: 'no COMMIT', text: '*filter\n:INPUT ACCEPT', why: /no COMMIT at the end/ },
  { name: 'a chain declared twice', text: '*filter\n:A - [0:0]\n:A - [0:0]\nCOMMIT', why: /declared twice/ },
  { name: 'a declaration after the rules', text: '*filter\n:A - [0:0]\n-A A -j RETURN\n:B - [0:0]\nCOMMIT', why: /declared after the rules/ },
  { name: 'lines after COMMIT', text: '*filter\nCOMMIT\n*nat', why: /text after COMMIT/ },
];

for (const c of badTables) {
  test(`filter table, malformed: ${c.name}`, () => {
    assert.throws(() => parseFilterTable(c.text), (err: unknown) => err instanceof TableSyntaxError && c.why.test(err.why));
  });
}
