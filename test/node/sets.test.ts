import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SetRegistry, entryText, ipBlockEntries } from '../../src/node/index.js';
import { cidr, ip } from '../support/build.js';

const blockCases = [
  { name: 'cidr alone', cidr: '10.0.0.0/8', except: [], want: ['10.0.0.0/8'] },
  { name: 'excepts inside become nomatch', cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.0/24'], want: ['10.0.0.0/8', '10.1.0.0/16 nomatch', '10.2.3.0/24 nomatch'] },
  { name: 'nested excepts agree', cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.1.2.0/24'], want: ['10.0.0.0/8', '10.1.0.0/16 nomatch', '10.1.2.0/24 nomatch'] },
  { name: 'an except outside the cidr is dropped', cidr: '10.0.0.0/8', except: ['192.168.0.0/16'], want: ['10.0.0.0/8'] },
  { name: 'an except covering the cidr leaves nothing', cidr: '10.1.0.0/16', except: ['10.0.0.0/8'], want: [] },
  { name: 'an except equal to the cidr leaves nothing', cidr: '10.1.0.0/16', except: ['10.1.0.0/16'], want: [] },
  { name: '/0 is stored as two halves (hash:net has no /0)', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], want: ['0.0.0.0/1', '10.0.0.0/8 nomatch', '128.0.0.0/1'] },
  { name: '/0 minus one half is the other half', cidr: '0.0.0.0/0', except: ['0.0.0.0/1'], want: ['128.0.0.0/1'] },
  { name: 'IPv6 /0', cidr: '::/0', except: ['fd00::/8'], want: ['::/1', 'fd00::/8 nomatch', '8000::/1'] },
  { name: 'host route', cidr: '10.0.0.1/32', except: [], want: ['10.0.0.1/32'] },
];

for (const c of blockCases) {
  test(`ipBlockEntries: ${c.name}`, () => {
    const got = ipBlockEntries(cidr(c.cidr), c.except.map(cidr)).map(entryText).sort();
    assert.deepEqual(got, [...c.want].sort());
  });
}

test('identical sets are shared, empty ones are not made, families are kept apart', () => {
  const r = new SetRegistry(4);
  const a = r.addresses([ip('10.0.0.2'), ip('10.0.0.1')]);
  const b = r.addresses([ip('10.0.0.1'), ip('10.0.0.2'), ip('10.0.0.1')]);
  assert.equal(a, b);
  assert.equal(r.addresses([ip('fd00::1')]), undefined);
  assert.equal(r.ipBlock(cidr('fd00::/8'), []), undefined);
  assert.equal(r.ipBlock(cidr('10.1.0.0/16'), [cidr('10.0.0.0/8')]), undefined);
  assert.equal(r.namedPorts([]), undefined);
  const t = r.namedPorts([{ ip: ip('10.0.0.1'), protocol: 'SCTP', port: 80 }]);
  const sets = r.sets();
  assert.equal(sets.length, 2);
  assert.deepEqual(sets.find((s) => s.name === t)?.entries.map(entryText), ['10.0.0.1,sctp:80']);
  assert.deepEqual(sets.find((s) => s.name === a)?.entries.map(entryText), ['10.0.0.1', '10.0.0.2']);
});

test('a set with more entries than ipset allows by default declares a bigger maxelem', () => {
  const r = new SetRegistry(4);
  const many = Array.from({ length: 70000 }, (_, i) => ip(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  const name = r.addresses(many);
  const s = r.sets().find((x) => x.name === name);
  assert.equal(s?.entries.length, 70000);
  assert.equal(s?.maxelem, 131072);
});
