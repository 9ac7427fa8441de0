// The real executable, offline on the bundled example: every command in every output format,
// verdict exit codes, and one clear line with exit 2 for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCliCase, example, netpol, run, type CliCase } from './run.js';

interface Case extends CliCase {
  readonly stdin?: string;
}

const f = ['-f', example];
/** Two dual-stack pods; b admits only IPv6 sources; a finished pod. */
const DUAL = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
status: {phase: Running, podIPs: [{ip: 10.9.0.1}, {ip: 'fd09::1'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {containers: [{name: c, image: i}]}
status: {phase: Running, podIPs: [{ip: 10.9.0.2}, {ip: 'fd09::2'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: done, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
status: {phase: Succeeded, podIP: 10.9.0.3}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: v6-only, namespace: x}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{ipBlock: {cidr: 'fd09::/64'}}]}]
`;
/** A dual-stack pod whose egress admits 10.0.0.0/8 only, an IPv4-only pod, and a hostNetwork pod with a named port. */
const FAMILIES = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
status: {phase: Running, podIPs: [{ip: 10.9.0.1}, {ip: 'fd09::1'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: v4, namespace: x, labels: {app: v4}}
spec: {containers: [{name: c, image: i}]}
status: {phase: Running, podIPs: [{ip: 10.9.0.4}]}
---
apiVersion: v1
kind: Pod
metadata: {name: h, namespace: x, labels: {app: h}}
spec: {hostNetwork: true, containers: [{name: c, image: i, ports: [{name: metrics, containerPort: 9100}]}]}
status: {phase: Running, podIPs: [{ip: 192.168.0.5}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
`;
/** A pod whose port named dns is UDP. */
const UDP_NAMED = `apiVersion: v1
kind: Pod
metadata: {name: v4, namespace: x}
spec: {containers: [{name: c, image: i}]}
status: {phase: Running, podIP: 10.9.0.4}
---
apiVersion: v1
kind: Pod
metadata: {name: dns, namespace: x}
spec: {containers: [{name: c, image: i, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}
status: {phase: Running, podIP: 10.9.0.5}
`;
const cases: Case[] = [
  { name: 'explain all, table', args: ['explain', ...f], code: 0, stdout: [/NetworkPolicy default\/test-network-policy/, /Selects: pods in namespace default matching role=db: default\/db-0/, /addresses in 172\.17\.0\.0\/16 except 172\.17\.1\.0\/24/, /NetworkPolicy my-namespace\/deny-all-policy/, /either may match \(OR\)/] },
  { name: 'explain one policy by name across namespaces', args: ['explain', 'deny-all-policy', ...f], code: 0, stdout: [/my-namespace\/deny-all-policy/, /everything is denied/] },
  { name: 'explain networkpolicy/NAME', args: ['explain', 'networkpolicy/test-network-policy', '-n', 'default', ...f], code: 0, stdout: [/test-network-policy/] },
  { name: 'explain wide lists pods', args: ['explain', 'test-network-policy', '-o', 'wide', ...f], code: 0, stdout: [/myproject\/client-0/] },
  { name: 'explain pod', args: ['explain', 'pod/db-0', '-n', 'default', ...f], code: 0, stdout: [/Pod default\/db-0/, /Selected by: default\/test-network-policy/, /Ingress: isolated by/] },
  { name: 'explain json', args: ['explain', 'test-network-policy', '-o', 'json', ...f], code: 0, stdout: [/"selectedPods": \[\n\s+"default\/db-0"/] },
  { name: 'explain yaml', args: ['explain', 'test-network-policy', '-o', 'yaml', ...f], code: 0, stdout: [/policy: default\/test-network-policy/] },
  { name: 'can-reach allowed exits 0', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', ...f], code: 0, stdout: [/ALLOWED/, /ingress of default\/db-0: allowed by default\/test-network-policy ingress\[0\] \(from\[0\], ports\[0\]\)/] },
  { name: 'can-reach denied exits 1 with reasons', args: ['can-reach', 'default/db-0', 'default/frontend-0', '--port', '80', ...f], code: 1, stdout: [/DENIED/, /to\[0\]: 172\.17\.0\.11 is outside 10\.0\.0\.0\/24/] },
  { name: 'can-reach POD with -n', args: ['can-reach', 'frontend-0', 'db-0', '-n', 'default', '-p', '6379', ...f], code: 0, stdout: [/ALLOWED/] },
  { name: 'can-reach named port resolved on DST', args: ['can-reach', 'myproject/client-0', 'default/db-0', '--port', 'redis', ...f], code: 0, stdout: [/6379\/TCP: ALLOWED/] },
  { name: 'can-reach external IP in except', args: ['can-reach', '172.17.1.5', 'default/db-0', '--port', '6379', ...f], code: 1, stdout: [/inside its except 172\.17\.1\.0\/24/] },
  { name: 'can-reach wide', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-o', 'wide', ...f], code: 0, stdout: [/admits it/] },
  { name: 'can-reach yaml', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-o', 'yaml', ...f], code: 0, stdout: [/^allowed: true$/m, /^protocol: TCP$/m] },
  { name: 'matrix table', args: ['matrix', '-n', 'default', '--port', '6379', ...f], code: 0, stdout: [/PORT 6379\/TCP/, /default\/db-0 +✓ +✗ +✗/] },
  { name: 'matrix wide', args: ['matrix', '-n', 'default', '--port', '6379', '-o', 'wide', ...f], code: 0, stdout: [/FROM +TO +PORT +VERDICT +REASON/, /default\/db-0 +default\/frontend-0 +6379\/TCP +denied/] },
  { name: 'matrix yaml', args: ['matrix', '-n', 'default', '--port', '6379', '-o', 'yaml', ...f], code: 0, stdout: [/results:/] },
  { name: 'matrix label selector', args: ['matrix', '-l', 'role in (db,frontend)', '--port', '6379', '-o', 'wide', ...f], code: 0, stdout: [/default\/frontend-0 +default\/db-0/] },
  { name: 'stdin as -f -', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-f', '-'], code: 0, stdin: 'STDIN', stdout: [/ALLOWED/] },
  { name: 'DST given as a pod\'s address is that pod', args: ['can-reach', 'my-namespace/batch-0', '172.17.0.10', '--port', '6379', ...f], code: 1, stdout: [/-> default\/db-0 on 6379\/TCP: DENIED/] },
  { name: 'a bare pod name offline is found in any namespace', args: ['can-reach', 'frontend-0', 'client-0', '-p', '80', ...f], code: 0, stdout: [/default\/frontend-0 -> myproject\/client-0/] },
  { name: 'a repeated --port is refused: can-reach judges one connection', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '80', '--port', '6379', ...f], code: 2, stderr: /^error: --port given 2 times \(80, 6379\): can-reach judges one connection; use matrix for several ports\n$/ },
  { name: 'can-reach pod/NAME, as kubectl names a pod', args: ['can-reach', 'pod/frontend-0', 'pods/db-0', '-n', 'default', '-p', '6379', ...f], code: 0, stdout: [/^default\/frontend-0 -> default\/db-0 on 6379\/TCP: ALLOWED/] },
  { name: 'an IPv4-only pod and an IPv6 address are no connection', args: ['can-reach', 'x/v4', 'fd09::7', '-p', '80', '-f', '-'], stdin: FAMILIES, code: 2, stderr: /^error: x\/v4 -> fd09::7: no common address family: pod x\/v4 has only IPv4 addresses, fd09::7 is an IPv6 address: there is no such connection to judge\n$/ },
  { name: 'a Pending pod without an IP is judged, with a note saying so', args: ['can-reach', 'x/v4', 'x/pending', '-p', '80', '-f', '-'], stdin: `${FAMILIES}---\napiVersion: v1\nkind: Pod\nmetadata: {name: pending, namespace: x}\nspec: {containers: [{name: c, image: i}]}\nstatus: {phase: Pending}\n`, code: 0, stdout: [/ALLOWED/], stderr: /^note: 1 pod has no IP address yet: x\/pending \(Pending\); judged by labels, and no ipBlock matches it\n$/ },
  { name: 'dual-stack: judged over the first common family by default, and says so', args: ['can-reach', 'x/a', 'x/b', '-p', '80', '-f', '-'], stdin: DUAL, code: 1, stdout: [/over IPv4: DENIED/] },
  { name: 'dual-stack: --ip-family IPv6', args: ['can-reach', 'x/a', 'x/b', '-p', '80', '--ip-family', 'IPv6', '-f', '-'], stdin: DUAL, code: 0, stdout: [/over IPv6: ALLOWED/] },
  { name: 'matrix --ip-family IPv6', args: ['matrix', '-p', '80', '--ip-family', 'IPv6', '-o', 'wide', '-f', '-'], stdin: DUAL, code: 0, stdout: [/x\/a +x\/b +80\/TCP +allowed/] },
  { name: 'matrix: a pair over a family one end lacks is no connection, not a verdict over the other family', args: ['matrix', '-p', '80', '--ip-family', 'IPv6', '-o', 'wide', '-f', '-'], stdin: FAMILIES, code: 0, stdout: [/x\/a +x\/v4 +80\/TCP +n\/a +not a connection: no IPv6 connection: pod x\/v4 has no IPv6 address/] },
  { name: 'matrix: the same pair without --ip-family is judged over IPv4', args: ['matrix', '-p', '80', '-o', 'wide', '-f', '-'], stdin: FAMILIES, code: 0, stdout: [/x\/a +x\/v4 +80\/TCP +allowed/] },
  { name: 'a named --port resolves on a hostNetwork destination too', args: ['can-reach', 'x/v4', 'x/h', '-p', 'metrics', '-f', '-'], stdin: FAMILIES, code: 0, stdout: [/^x\/v4 -> x\/h on 9100\/TCP/] },
  { name: 'matrix: a named --port resolves on a hostNetwork destination too', args: ['matrix', '-p', 'metrics', '-o', 'json', '-f', '-'], stdin: FAMILIES, code: 0, stdout: [/"from": "x\/v4",\n\s+"to": "x\/h",\n\s+"port": 9100,/] },
  // Bad input: one line, exit 2, no stack trace.
  { name: 'a bad --request-timeout is refused offline too, as kubectl refuses a bad flag', args: ['explain', '--request-timeout', 'soon', ...f], code: 2, stderr: /^error: invalid --request-timeout "soon": timeout must be/ },
  { name: 'two addresses and no pod', args: ['can-reach', '1.2.3.4', '5.6.7.8', '-p', '80', ...f], code: 2, stderr: /^error: neither 1\.2\.3\.4 nor 5\.6\.7\.8 is a pod's address: NetworkPolicy governs only connections to or from pods\n$/ },
  { name: 'a finished pod takes no part', args: ['can-reach', 'x/done', 'x/b', '-p', '80', '-f', '-'], stdin: DUAL, code: 2, stderr: /^error: SRC: pod x\/done has finished \(phase Succeeded\): finished pods take no part in connections\n$/ },
  { name: 'a CIDR is not an endpoint', args: ['can-reach', '10.0.0.1/24', 'default/db-0', '-p', '80', ...f], code: 2, stderr: /^error: SRC "10\.0\.0\.1\/24": a network, not an address: name one address\n$/ },
  { name: 'a bare name in several namespaces', args: ['can-reach', 'a', 'b', '-p', '80', '-f', '-'], stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: one}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: two}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: two}\n', code: 2, stderr: /^error: SRC: pod "a" exists in several namespaces \(one, two\): write NAMESPACE\/POD\n$/ },
  { name: '-n without a value', args: ['explain', '-n', '-f', example], code: 2, stderr: /^error: flag needs an argument: --namespace\n$/ },
  { name: 'unknown -o value is one line', args: ['explain', '-o', 'foo', ...f], code: 2, stderr: /^error: Invalid values: Argument: output, Given: "foo", Choices: .*\n$/ },
  { name: 'unknown pod', args: ['can-reach', 'default/nope', 'default/db-0', '--port', '80', ...f], code: 2, stderr: /^error: SRC: pod "nope" not found in namespace default\n$/ },
  { name: 'unknown policy', args: ['explain', 'nope', ...f], code: 2, stderr: /^error: networkpolicy "nope" not found in the input\n$/ },
  { name: 'port 0', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '0', ...f], code: 2, stderr: /^error: --port "0": port must be between 1 and 65535\n$/ },
  { name: 'port 70000', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '70000', ...f], code: 2, stderr: /^error: --port "70000": port must be between 1 and 65535\n$/ },
  { name: 'unknown protocol', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '80/ICMP', ...f], code: 2, stderr: /^error: --port "80\/ICMP": unknown protocol "ICMP"/ },
  { name: 'named port unknown on DST', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', 'http', ...f], code: 2, stderr: /^error: --port "http": pod default\/db-0 declares no TCP container port named "http"\n$/ },
  { name: 'missing file', args: ['explain', '-f', '/no/such/file.yaml'], code: 2, stderr: /^error: .*\/no\/such\/file\.yaml.*\n$/ },
  { name: 'missing port flag, in kubectl\'s words', args: ['can-reach', 'a/b', 'c/d', ...f], code: 2, stderr: /^error: required flag\(s\) "port" not set\n$/ },
  { name: 'matrix without --port', args: ['matrix', ...f], code: 2, stderr: /^error: required flag\(s\) "port" not set\n$/ },
  { name: 'unknown flag', args: ['matrix', '--bogus', '--port', '80', ...f], code: 2, stderr: /^error: unknown flag: --bogus\n$/ },
  { name: 'an unknown flag is named before a missing required one, with the close match', args: ['can-reach', 'default/db-0', 'default/frontend-0', '--prot', '80', ...f], code: 2, stderr: /^error: unknown flag: --prot \(did you mean --port\?\)\n$/ },
  { name: 'an unknown flag=value is named without its value', args: ['matrix', '--selecter=app=a', '--port', '80', ...f], code: 2, stderr: /^error: unknown flag: --selecter \(did you mean --selector\?\)\n$/ },
  { name: 'a flag of another command is unknown here', args: ['explain', '--port', '80', ...f], code: 2, stderr: /^error: unknown flag: --port\n$/ },
  { name: 'an unknown shorthand, in kubectl\'s words', args: ['matrix', '-x', '--port', '80', ...f], code: 2, stderr: /^error: unknown shorthand flag: 'x' in -x\n$/ },
  { name: 'shorthands combine as in kubectl: -Ao json', args: ['matrix', '-Ao', 'json', '--port', '80', ...f], code: 0, stdout: [/^\{\n {2}"pods": \[/] },
  { name: 'boolean flags negate: --no-cluster', args: ['matrix', '--no-cluster', '--port', '80', ...f], code: 0, stdout: [/PORT 80\/TCP/] },
  { name: 'an unknown command suggests the close one', args: ['matirx', ...f], code: 2, stderr: /^error: unknown command "matirx" for "kubectl netpol" \(did you mean "matrix"\?\)\n$/ },
  { name: 'an unknown command far from any is named alone', args: ['frobnicate'], code: 2, stderr: /^error: unknown command "frobnicate" for "kubectl netpol"\n$/ },
  { name: '-f takes one value: the next word is the policy (the example\'s header)', args: ['explain', '-f', example, 'test-network-policy'], code: 0, stdout: [/^NetworkPolicy default\/test-network-policy\n/] },
  { name: '-f repeats, and takes comma-separated files, as kubectl', args: ['matrix', '-f', example, '-f', `${example.replace('seed-cluster', 'and-vs-or')}`, '--port', '80', '-o', 'json'], code: 0, stdout: [/"alice-ns\/client-0"/, /"default\/db-0"/] },
  { name: '-f a,b is two files', args: ['matrix', '-f', `${example},${example.replace('seed-cluster', 'and-vs-or')}`, '--port', '80', '-o', 'json'], code: 0, stdout: [/"alice-ns\/client-0"/, /"default\/db-0"/] },
  { name: 'matrix: a named port some pods lack is no connection there, left out of the count', args: ['matrix', '-n', 'default', '--port', 'redis', ...f], code: 0, stdout: [/^PORT redis  \(rows: from, columns: to; ✓ allowed, ✗ denied, - not a connection\)/m, /^default\/db-0 +✓ +- +-$/m, /^2 of 3 connections allowed \(6 pairs are not a connection\)$/m] },
  { name: 'matrix -o wide: such pairs are n/a', args: ['matrix', '-n', 'default', '--port', 'redis', '-o', 'wide', ...f], code: 0, stdout: [/default\/db-0 +default\/frontend-0 +redis +n\/a +not a connection: default\/frontend-0 declares no port named "redis"/] },
  { name: 'a named --port without a protocol takes the one DST declares', args: ['can-reach', 'x/v4', 'x/dns', '-p', 'dns', '-o', 'json', '-f', '-'], stdin: UDP_NAMED, code: 0, stdout: [/"port": 53,\n\s+"protocol": "UDP",/] },
  { name: 'a named --port with a protocol must match it', args: ['can-reach', 'x/v4', 'x/dns', '-p', 'dns/TCP', '-f', '-'], stdin: UDP_NAMED, code: 2, stderr: /^error: --port "dns": pod x\/dns declares no TCP container port named "dns"\n$/ },
  { name: 'a number without a protocol stays TCP', args: ['can-reach', 'x/v4', 'x/dns', '-p', '53', '-o', 'json', '-f', '-'], stdin: UDP_NAMED, code: 0, stdout: [/"protocol": "TCP"/] },
  { name: 'matrix: a named column without a protocol uses each destination\'s', args: ['matrix', '-p', 'dns', '-o', 'wide', '-f', '-'], stdin: UDP_NAMED, code: 0, stdout: [/x\/v4 +x\/dns +dns +allowed/, /x\/dns +x\/v4 +dns +n\/a +not a connection: x\/v4 declares no port named "dns"/] },
  { name: '-n with -A', args: ['matrix', '-n', 'x', '-A', '--port', '80', ...f], code: 2, stderr: /^error: -n\/--namespace and -A\/--all-namespaces cannot be used together\n$/ },
  { name: 'bad selector', args: ['matrix', '-l', 'a in b', '--port', '80', ...f], code: 2, stderr: /^error: -l "a in b"/ },
  { name: 'a selector with an empty set, as kubectl refuses it', args: ['matrix', '-l', 'app in ()', '--port', '80', ...f], code: 2, stderr: /^error: -l "app in \(\)": for 'in' and 'notin', the values set can't be empty\n$/ },
  { name: 'a bad except names its own line and quotes the value as written', args: ['explain', '-f', '-'], code: 2, stdin: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except: [10.0.0.0/4]\n', stderr: /^error: <stdin> \(document 1, line 10\): NetworkPolicy x\/bad: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: "10\.0\.0\.0\/4" must lie strictly inside cidr "10\.0\.0\.0\/8"\n$/ },
  { name: 'a bad cidr names its own line, not the document\'s', args: ['explain', '-f', '-'], code: 2, stdin: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/33\n', stderr: /^error: <stdin> \(document 1, line 9\): NetworkPolicy x\/bad: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: "10\.0\.0\.0\/33"/ },
  { name: 'a typo in a field is an error with its line and the close name', args: ['explain', '-f', '-'], code: 2, stdin: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingres:\n  - {}\n', stderr: /^error: <stdin> \(document 1, line 6\): NetworkPolicy x\/bad: spec\.ingres: unknown field "ingres" \(did you mean "ingress"\?\)\n$/ },
  { name: 'invalid manifest names file, object and field', args: ['explain', '-f', '-'], code: 2, stdin: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n', stderr: /^error: <stdin>.*NetworkPolicy x\/bad.*spec\.ingress\[0\]\.ports\[0\]\.port.*\n$/ },
];

for (const c of cases) {
  test(`cli: ${c.name}`, async () => {
    const stdin = c.stdin === 'STDIN' ? (await import('node:fs')).readFileSync(example, 'utf8') : c.stdin;
    assertCliCase(await netpol(c.args, stdin === undefined ? {} : { stdin }), c);
  });
}

test('cli: objects of kinds (or API versions) not evaluated get one warning a kind on stderr; the answer stands', async () => {
  const anp = 'apiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: deny-all}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
  const r = await netpol(['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', ...f, '-f', '-'], { stdin: anp });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr,
    'warning: skipped 1 ClusterNetworkPolicy (policy.networking.k8s.io/v1beta1) object: kubectl netpol does not evaluate it, and its answers leave it out\n' +
      'warning: skipped 1 ConfigMap object: kubectl netpol does not evaluate it, and its answers leave it out\n',
  );
});

test('cli: can-reach -o json has the fields scripts rely on', async () => {
  const r = await netpol(['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-o', 'json', '-f', example]);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual([j['allowed'], j['from'], j['to'], j['port'], j['protocol']], [true, 'default/frontend-0', 'default/db-0', 6379, 'TCP']);
  assert.equal((j['egress'] as { kind: string }).kind, 'not-isolated');
  assert.equal((j['ingress'] as { kind: string }).kind, 'allowed');
});

test('cli: matrix -o json lists every ordered pair, self pairs included', async () => {
  const r = await netpol(['matrix', '-n', 'default', '--port', '6379', '--port', '53/UDP', '-o', 'json', '-f', example]);
  const j = JSON.parse(r.stdout) as { results: { from: string; to: string; port: number; protocol: string; allowed: boolean }[] };
  assert.equal(j.results.length, 3 * 3 * 2);
  assert.ok(j.results.some((x) => x.from === 'default/db-0' && x.to === 'default/db-0' && x.allowed));
  const row = j.results.find((x) => x.from === 'default/db-0' && x.to === 'default/frontend-0' && x.port === 6379);
  assert.deepEqual(row && [row.protocol, row.allowed], ['TCP', false]);
});

test('cli: a named port in matrix -o json is a number in port, as in can-reach, and its name in portName', async () => {
  const args = ['--port', 'redis', '-o', 'json', '-f', example];
  const m = JSON.parse((await netpol(['matrix', '-n', 'default', ...args])).stdout) as { results: { from: string; to: string; port: unknown; portName?: string }[] };
  const toDb = m.results.find((x) => x.from === 'default/frontend-0' && x.to === 'default/db-0');
  const reach = JSON.parse((await netpol(['can-reach', 'default/frontend-0', 'default/db-0', ...args])).stdout) as { port: unknown; portName?: string };
  assert.deepEqual(toDb && [toDb.port, toDb.portName], [6379, 'redis']);
  assert.deepEqual([reach.port, reach.portName], [6379, 'redis']);
  // frontend-0 declares no port named redis: no number to give.
  const toFrontend = m.results.find((x) => x.to === 'default/frontend-0');
  assert.deepEqual(toFrontend && [toFrontend.port, toFrontend.portName], [null, 'redis']);
  // ...and no connection to judge: neither allowed nor denied.
  assert.equal((toFrontend as { allowed?: unknown } | undefined)?.allowed, null);
});

test('cli: the matrix agrees with can-reach on every cell', async () => {
  const m = JSON.parse((await netpol(['matrix', '--port', '6379', '-o', 'json', '-f', example])).stdout) as { results: { from: string; to: string; allowed: boolean }[] };
  for (const cell of m.results.slice(0, 12)) {
    const r = await netpol(['can-reach', cell.from, cell.to, '--port', '6379', '-f', example]);
    assert.equal(r.code, cell.allowed ? 0 : 1, `${cell.from} -> ${cell.to}`);
  }
});

test('cli: kubectl netpol --help works through the real kubectl', async () => {
  const r = await run('kubectl', ['netpol', '--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const cmd of ['explain', 'can-reach', 'matrix', 'apply-node']) assert.match(r.stdout, new RegExp(cmd));
  const plugins = await run('kubectl', ['plugin', 'list']);
  assert.match(plugins.stdout, /kubectl-netpol/);
});

test('cli: kubectl completes the plugin\'s subcommands and flags', async () => {
  const r = await run('kubectl', ['__complete', 'netpol', 'can']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^can-reach\t/m);
  assert.match(r.stdout, /^:4$/m);
  const flags = await run('kubectl', ['__complete', 'netpol', 'matrix', '--p']);
  assert.match(flags.stdout, /^--port$/m);
  const out = await run('kubectl', ['__complete', 'netpol', 'explain', '-o', '']);
  assert.match(out.stdout, /^json$/m);
});

test('cli: --version prints the package version', async () => {
  const r = await netpol(['--version']);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('cli: a misspelt field in a file is one error naming file, line and field, not a deny-all', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-cli-'));
  try {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  podSelecter:\n    matchLabels: {app: web}\n');
    const r = await netpol(['explain', '-f', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `error: ${file} (document 1, line 5): NetworkPolicy shop/web: spec.podSelecter: unknown field "podSelecter" (did you mean "podSelector"?)\n`,
    );
    assert.equal(r.stdout, '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cli: -o yaml repeats shared values instead of printing YAML anchors and aliases', async () => {
  const multi = new URL('../../../test/fixtures/multi-namespace/cluster', import.meta.url).pathname;
  for (const args of [['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-f', example], ['explain', '-A', '-f', multi]]) {
    const r = await netpol([...args, '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /(?:^|\s)[&*]a\d+(?:\s|$)/m, args.join(' '));
  }
});

test('cli: can-reach -o json carries exactly the record render/verdict-record names', async () => {
  const r = await netpol(['can-reach', 'my-namespace/batch-0', 'default/db-0', '--port', '6379', '-o', 'json', '-f', example]);
  const j = JSON.parse(r.stdout) as Record<string, unknown> & { ingress: { policies: { rules: Record<string, unknown>[] }[] } };
  assert.deepEqual(Object.keys(j), ['allowed', 'from', 'to', 'port', 'protocol', 'ipFamily', 'egress', 'ingress']);
  assert.deepEqual(Object.keys(j.ingress.policies[0]?.rules[0] ?? {}), ['policy', 'direction', 'rule', 'admitted', 'peerMisses', 'portMisses', 'matchedPort']);
});
