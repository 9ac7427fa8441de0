// The family a connection runs over: --ip-family is honoured only where both ends can use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionFamily, lacksFamily, type Endpoint } from '../../src/engine/index.js';
import type { IpFamily } from '../../src/model/index.js';
import { ip, pod } from '../support/build.js';

const dual: Endpoint = { kind: 'pod', pod: pod('x', 'dual', {}, { ips: ['10.0.0.1', 'fd00::1'] }) };
const v4: Endpoint = { kind: 'pod', pod: pod('x', 'v4', {}, { ips: ['10.0.0.2'] }) };
const v6: Endpoint = { kind: 'pod', pod: pod('x', 'v6', {}, { ips: ['fd00::3'] }) };
const template: Endpoint = { kind: 'pod', pod: pod('x', 'template') };
const ext6: Endpoint = { kind: 'ip', ip: ip('2001:db8::1') };

const cases: { name: string; src: Endpoint; dst: Endpoint; preferred?: IpFamily; want: IpFamily | undefined }[] = [
  { name: 'dual to dual, no preference: the first common family', src: dual, dst: dual, want: 4 },
  { name: 'dual to dual, IPv6 asked', src: dual, dst: dual, preferred: 6, want: 6 },
  { name: 'dual to IPv4-only, IPv6 asked: the destination cannot, so IPv4', src: dual, dst: v4, preferred: 6, want: 4 },
  { name: 'IPv4-only to dual, IPv6 asked: the source cannot, so IPv4', src: v4, dst: dual, preferred: 6, want: 4 },
  { name: 'dual to an IPv6 address, IPv4 asked: the address cannot, so IPv6', src: dual, dst: ext6, preferred: 4, want: 6 },
  { name: 'dual to a template pod (no address), IPv6 asked', src: dual, dst: template, preferred: 6, want: 6 },
  { name: 'template to template: no family at all', src: template, dst: template, preferred: 6, want: undefined },
  { name: 'IPv4-only to IPv6-only: no common family, the source\'s', src: v4, dst: v6, want: 4 },
];

for (const c of cases) {
  test(`connectionFamily: ${c.name}`, () => {
    assert.equal(connectionFamily(c.src, c.dst, c.preferred), c.want);
  });
}

test('lacksFamily: only an end with addresses, none in the family', () => {
  assert.deepEqual(
    [dual, v4, v6, template, ext6].map((e) => [lacksFamily(e, 4), lacksFamily(e, 6)]),
    [[false, false], [false, true], [true, false], [false, false], [true, false]],
  );
});
