// decode-pod reads the usual shapes of container ports and pod IPs without building field paths,
// and leaves everything else to the field-by-field reading. Over random mixes of valid and invalid
// fields, in strict and ignore modes, the outcome must be what the API's rules say: the ports and
// addresses as written (defaulted, deduplicated), or an error naming the first entry at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CliError } from '../../src/errors.js';
import type { Pod } from '../../src/model/index.js';
import { decodeEntry } from '../../src/sources/decode.js';
import { checkIp } from '../../src/sources/ip.js';
import { checkPortName } from '../../src/sources/validate-names.js';

type Raw = Record<string, unknown> | null | string | undefined;

const absent = undefined;
const portEntry: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<Raw>(null, 'http', absent) },
  {
    weight: 9,
    arbitrary: fc
      .record({
        containerPort: fc.constantFrom<unknown>(80, 8080, 1, 65535, 0, 65536, 1.5, '80', null, absent),
        protocol: fc.constantFrom<unknown>(absent, absent, null, 'TCP', 'UDP', 'SCTP', 'udp', 5),
        name: fc.constantFrom<unknown>(absent, null, 'http', 'dns', 'metrics', 'Web_Port', '', 'a-very-long-port-name', 7),
        extra: fc.constantFrom<Record<string, unknown>>({}, {}, { hostPort: 8080 }, { bogus: 1 }),
      })
      .map(({ extra, ...fields }) => ({ ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== absent)), ...extra })),
  },
);
const ipEntry = fc.constantFrom<Raw>({ ip: '10.0.0.1' }, { ip: 'fd00::1' }, { ip: 'FD00:0::1' }, { ip: '' }, { ip: null }, {}, { ip: '10.0.0.2', bogus: 1 }, null, { ip: 5 }, { ip: '010.0.0.1' }, 'x');

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** What the rules say of one port: its model form, or why it is refused (no message: only the entry matters). */
function expectPort(p: Raw, strict: boolean, names: Set<string>): { containerPort: number; protocol: string; name?: string } | 'error' {
  if (typeof p !== 'object' || p === null) return 'error';
  if (strict && Object.keys(p).some((k) => !['name', 'containerPort', 'protocol', 'hostPort', 'hostIP'].includes(k))) return 'error';
  const n = p['containerPort'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) return 'error';
  const protocol = p['protocol'] ?? 'TCP';
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) return 'error';
  const name = p['name'] ?? undefined;
  if (name === undefined) return { containerPort: n, protocol };
  if (typeof name !== 'string' || checkPortName(name) !== undefined || names.has(name)) return 'error';
  names.add(name);
  return { name, containerPort: n, protocol };
}

function decodePod(raw: Record<string, unknown>, strict: boolean): Pod | string {
  try {
    const d = decodeEntry(raw, { source: 'x' }, { fieldValidation: strict ? 'strict' : 'ignore' });
    assert.ok(d !== undefined && d.object.kind === 'Pod');
    return d.object.value;
  } catch (e) {
    assert.ok(e instanceof CliError, String(e));
    return e.message;
  }
}

test('container ports: read as the rules say, or refused naming the first port at fault', () => {
  fc.assert(
    fc.property(fc.array(fc.array(portEntry, { maxLength: 3 }), { minLength: 1, maxLength: 2 }), fc.boolean(), (containers, strict) => {
      const raw = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { containers: containers.map((ports) => ({ name: 'c', ports })) } };
      const got = decodePod(raw, strict);
      const want: { containerPort: number; protocol: string; name?: string }[] = [];
      for (const [ci, ports] of containers.entries()) {
        const names = new Set<string>();
        for (const [pi, p] of ports.entries()) {
          const w = expectPort(p, strict, names);
          if (w === 'error') {
            assert.equal(typeof got, 'string', JSON.stringify(raw));
            assert.match(got as string, new RegExp(`^x: Pod default/p: spec\\.containers\\[${ci}\\]\\.ports\\[${pi}\\]`), JSON.stringify(raw));
            return;
          }
          want.push(w);
        }
      }
      assert.notEqual(typeof got, 'string', String(got));
      assert.deepEqual((got as Pod).ports, want);
    }),
    { numRuns: 3000 },
  );
});

test('pod IPs: every entry checked before any address, duplicates dropped, podIP last', () => {
  fc.assert(
    fc.property(fc.array(ipEntry, { maxLength: 3 }), fc.constantFrom<unknown>(absent, '10.0.0.1', 'fd00::1', 'bad', ''), fc.boolean(), (podIPs, podIP, strict) => {
      const status = { podIPs, ...(podIP === absent ? {} : { podIP }) };
      const got = decodePod({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, status }, strict);
      const texts: [string, string][] = [];
      for (const [i, e] of podIPs.entries()) {
        const p = `status\\.podIPs\\[${i}\\]`;
        const bad = typeof e !== 'object' || e === null || (strict && Object.keys(e).some((k) => k !== 'ip')) || (e['ip'] !== undefined && e['ip'] !== null && typeof e['ip'] !== 'string');
        if (bad) return assert.match(String(got), new RegExp(`: ${p}`));
        if (typeof e['ip'] === 'string' && e['ip'] !== '') texts.push([e['ip'], `${p}\\.ip`]);
      }
      if (typeof podIP === 'string' && podIP !== '') texts.push([podIP, 'status\\.podIP']);
      const want: { family: number; value: bigint; text: string }[] = [];
      for (const [text, path] of texts) {
        const ip = checkIp(text);
        if (typeof ip === 'string') return assert.match(String(got), new RegExp(`: ${path}: `));
        if (!want.some((w) => w.family === ip.family && w.value === ip.value)) want.push(ip);
      }
      assert.notEqual(typeof got, 'string', String(got));
      assert.deepEqual((got as Pod).ips, want);
    }),
    { numRuns: 3000 },
  );
});

test('labels: a valid map is read as written; an invalid one names its key', () => {
  // As JSON text, so that `__proto__` is a key, as JSON.parse makes it.
  const cases: { labels: string; want: Record<string, string> | RegExp }[] = [
    { labels: '{"app": "web", "k8s.io/part-of": "shop", "empty": ""}', want: { app: 'web', 'k8s.io/part-of': 'shop', empty: '' } },
    { labels: '{"app": null}', want: { app: '' } },
    { labels: '{"app": 1.1}', want: /metadata\.labels\.app: must be a string \(got a number; quote it in YAML\)$/ },
    { labels: '{"a/b/c": "x"}', want: /metadata\.labels\["a\/b\/c"\]: key "a\/b\/c" may contain at most one '\/'$/ },
    { labels: '{"/x": "x"}', want: /has an empty prefix before '\/'$/ },
    { labels: '{"x/": "x"}', want: /has an empty name$/ },
    { labels: '{"__proto__": "x"}', want: /metadata\.labels\.__proto__: key "__proto__": the name part must consist/ },
  ];
  for (const c of cases) {
    const raw = JSON.parse(`{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "labels": ${c.labels}}}`) as Record<string, unknown>;
    const got = decodePod(raw, true);
    if (c.want instanceof RegExp) assert.match(String(got), c.want);
    else assert.deepEqual({ ...(got as Pod).labels }, c.want);
  }
});
