import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDns1123Label,
  checkDns1123Subdomain,
  checkLabelKey,
  checkLabelValue,
  checkPortName,
  checkPortNumber,
} from '../../src/sources/validate-names.js';

type Check = (text: string) => string | undefined;
const cases: { check: Check; label: string; text: string; ok: boolean }[] = [
  { check: checkDns1123Label, label: 'label', text: 'default', ok: true },
  { check: checkDns1123Label, label: 'label', text: 'my-namespace', ok: true },
  { check: checkDns1123Label, label: 'label', text: '0abc9', ok: true },
  { check: checkDns1123Label, label: 'label', text: 'a'.repeat(63), ok: true },
  { check: checkDns1123Label, label: 'label', text: 'a'.repeat(64), ok: false },
  { check: checkDns1123Label, label: 'label', text: '', ok: false },
  { check: checkDns1123Label, label: 'label', text: 'My-NS', ok: false },
  { check: checkDns1123Label, label: 'label', text: 'a.b', ok: false },
  { check: checkDns1123Label, label: 'label', text: '-a', ok: false },
  { check: checkDns1123Label, label: 'label', text: 'a-', ok: false },
  { check: checkDns1123Label, label: 'label', text: 'a_b', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'web', ok: true },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'db-0.redis.svc', ok: true },
  { check: checkDns1123Subdomain, label: 'subdomain', text: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, ok: true },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'a'.repeat(254), ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'a..b', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: '.a', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'a.', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'Web', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: 'a-.b', ok: false },
  { check: checkDns1123Subdomain, label: 'subdomain', text: '', ok: false },
  { check: checkLabelKey, label: 'key', text: 'role', ok: true },
  { check: checkLabelKey, label: 'key', text: 'app.kubernetes.io/name', ok: true },
  { check: checkLabelKey, label: 'key', text: 'kubernetes.io/metadata.name', ok: true },
  { check: checkLabelKey, label: 'key', text: 'Role_Name.x-y', ok: true },
  { check: checkLabelKey, label: 'key', text: 'a'.repeat(63), ok: true },
  { check: checkLabelKey, label: 'key', text: 'a'.repeat(64), ok: false },
  { check: checkLabelKey, label: 'key', text: '', ok: false },
  { check: checkLabelKey, label: 'key', text: 'a/b/c', ok: false },
  { check: checkLabelKey, label: 'key', text: '/name', ok: false },
  { check: checkLabelKey, label: 'key', text: 'example.com/', ok: false },
  { check: checkLabelKey, label: 'key', text: 'Example.com/name', ok: false },
  { check: checkLabelKey, label: 'key', text: '-role', ok: false },
  { check: checkLabelKey, label: 'key', text: 'role_', ok: false },
  { check: checkLabelKey, label: 'key', text: 'ro le', ok: false },
  { check: checkLabelValue, label: 'value', text: '', ok: true },
  { check: checkLabelValue, label: 'value', text: 'db', ok: true },
  { check: checkLabelValue, label: 'value', text: 'v1.2_3-x', ok: true },
  { check: checkLabelValue, label: 'value', text: 'a'.repeat(63), ok: true },
  { check: checkLabelValue, label: 'value', text: 'a'.repeat(64), ok: false },
  { check: checkLabelValue, label: 'value', text: '-db', ok: false },
  { check: checkLabelValue, label: 'value', text: 'db.', ok: false },
  { check: checkLabelValue, label: 'value', text: 'a/b', ok: false },
  { check: checkLabelValue, label: 'value', text: 'a b', ok: false },
  { check: checkPortName, label: 'port name', text: 'http', ok: true },
  { check: checkPortName, label: 'port name', text: 'redis', ok: true },
  { check: checkPortName, label: 'port name', text: 'h2c-8080', ok: true },
  { check: checkPortName, label: 'port name', text: 'a'.repeat(15), ok: true },
  { check: checkPortName, label: 'port name', text: 'a'.repeat(16), ok: false },
  { check: checkPortName, label: 'port name', text: '8080', ok: false },
  { check: checkPortName, label: 'port name', text: 'HTTP', ok: false },
  { check: checkPortName, label: 'port name', text: 'a--b', ok: false },
  { check: checkPortName, label: 'port name', text: '-http', ok: false },
  { check: checkPortName, label: 'port name', text: 'http-', ok: false },
  { check: checkPortName, label: 'port name', text: 'my_port', ok: false },
  { check: checkPortName, label: 'port name', text: '', ok: false },
];

for (const c of cases) {
  test(`${c.label} ${JSON.stringify(c.text.length > 20 ? `${c.text.slice(0, 10)}…(${c.text.length})` : c.text)} is ${c.ok ? 'valid' : 'invalid'}`, () => {
    const reason = c.check(c.text);
    if (c.ok) assert.equal(reason, undefined);
    else assert.equal(typeof reason, 'string');
  });
}

const ports: { n: number; ok: boolean }[] = [
  { n: 1, ok: true },
  { n: 65535, ok: true },
  { n: 0, ok: false },
  { n: 65536, ok: false },
  { n: -1, ok: false },
];
for (const c of ports) {
  test(`port number ${c.n} is ${c.ok ? 'valid' : 'invalid'}`, () => {
    assert.equal(checkPortNumber(c.n) === undefined, c.ok);
  });
}
