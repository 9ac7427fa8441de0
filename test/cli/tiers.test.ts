// The admin tiers through the real executable, offline, on examples/tiers.yaml: can-reach names the
// deciding tier, policy and rule (and what passed it on), exit codes follow the verdict, -o json
// carries the same, explain speaks of each kind, matrix agrees, lint has nothing to say of the
// example, and bad tier objects are one clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCliCase, netpol, repo, type CliCase } from './run.js';

const f = ['-f', `${repo}examples/tiers.yaml`];

const cases: CliCase[] = [
  {
    name: 'an admin Allow admits what the NetworkPolicy would not',
    args: ['can-reach', 'monitoring/prom-0', 'shop/db-0', '--port', '5432', ...f],
    code: 0,
    stdout: [/^monitoring\/prom-0 -> shop\/db-0 on 5432\/TCP: ALLOWED$/m, /^  ingress of shop\/db-0: allowed by AdminNetworkPolicy\/monitoring \(admin tier, priority 10\) ingress\[0\] "scrape" \(Allow: from\[0\], any port\)$/m],
  },
  {
    name: 'an admin Deny, after the Pass rule did not match',
    args: ['can-reach', 'shop/batch-0', 'shop/db-0', '--port', '5432', ...f],
    code: 1,
    stdout: [/^  ingress of shop\/db-0: DENIED by AdminNetworkPolicy\/db-guard \(admin tier, priority 20\) ingress\[1\] "no-one-else" \(Deny: from\[0\], any port\)$/m],
  },
  {
    name: 'Pass hands the decision to the NetworkPolicy, through a Service',
    args: ['can-reach', 'shop/web-0', 'svc/shop/db', '--port', '5432', ...f],
    code: 0,
    stdout: [
      /^  ingress of shop\/db-0: allowed by shop\/db-from-web ingress\[0\] \(from\[0\], ports\[0\]\)$/m,
      /^      admin tier passed it on: AdminNetworkPolicy\/db-guard \(admin tier, priority 20\) ingress\[0\] "web-is-the-teams-call" \(Pass: from\[0\], ports\[0\]\)$/m,
      /^      baseline tier not consulted: a NetworkPolicy isolates the pod \(BaselineAdminNetworkPolicy\/default\)$/m,
      /allowed to 1 of 1 backend/,
    ],
  },
  {
    name: 'the Pass rule names its port: on another port the Deny below it decides',
    args: ['can-reach', 'shop/web-0', 'shop/db-0', '--port', '22', ...f],
    code: 1,
    stdout: [/DENIED by AdminNetworkPolicy\/db-guard .* ingress\[1\] "no-one-else"/],
  },
  {
    name: 'a ClusterNetworkPolicy Deny to a network, on egress',
    args: ['can-reach', 'shop/web-0', '169.254.169.254', '--port', '80', ...f],
    code: 1,
    stdout: [/^  egress of shop\/web-0: DENIED by ClusterNetworkPolicy\/no-metadata \(admin tier, priority 5\) egress\[0\] "cloud-metadata" \(Deny: to\[0\], any port\)$/m],
  },
  {
    name: 'the baseline Deny where no NetworkPolicy isolates the pod',
    args: ['can-reach', 'dev/client-0', 'shop/web-0', '--port', '8080', ...f],
    code: 1,
    stdout: [/^  ingress of shop\/web-0: DENIED by BaselineAdminNetworkPolicy\/default \(baseline tier\) ingress\[0\] "same-namespace-only" \(Deny: from\[0\], any port\)$/m, /^      admin tier: no rule of AdminNetworkPolicy\/monitoring matches$/m],
  },
  {
    name: 'no tier rule decides: allowed',
    args: ['can-reach', 'shop/batch-0', 'shop/web-0', '--port', '8080', ...f],
    code: 0,
    stdout: [/^  ingress of shop\/web-0: allowed: no tier rule decides, and no NetworkPolicy selecting it has type Ingress$/m, /^      baseline tier: no rule of BaselineAdminNetworkPolicy\/default matches$/m],
  },
  {
    name: 'explain anp/NAME',
    args: ['explain', 'anp/db-guard', ...f],
    code: 0,
    stdout: [
      /^AdminNetworkPolicy db-guard \(admin tier, priority 20: before every NetworkPolicy, lower priorities first\)$/m,
      /^  Subject: pods matching app=db in namespaces matching team=shop: shop\/db-0 \(1 pod; hostNetwork pods never\)$/m,
      /^    Rule ingress\[0\] "web-is-the-teams-call" \(Pass\): handed on to the NetworkPolicies/m,
      /^      on port "postgres" \(named: resolves to 5432\/TCP on shop\/db-0\)$/m,
      /^    Rule ingress\[1\] "no-one-else" \(Deny\): denied, whatever the NetworkPolicies admit$/m,
    ],
  },
  {
    name: 'explain adminnetworkpolicy.policy.networking.k8s.io/NAME, banp/NAME and cnp/NAME',
    args: ['explain', 'adminnetworkpolicy.policy.networking.k8s.io/monitoring', ...f],
    code: 0,
    stdout: [/^AdminNetworkPolicy monitoring /m],
  },
  { name: 'explain banp/default', args: ['explain', 'banp/default', ...f], code: 0, stdout: [/^BaselineAdminNetworkPolicy default \(baseline tier: after the NetworkPolicies/m] },
  { name: 'explain cnp/no-metadata', args: ['explain', 'cnp/no-metadata', ...f], code: 0, stdout: [/^      to addresses in 169\.254\.169\.254\/32 \(pods with such an address: none\)$/m] },
  { name: 'explain anp/ of one that is not there', args: ['explain', 'anp/nope', ...f], code: 2, stderr: /^error: AdminNetworkPolicy "nope" not found$/m },
  {
    name: 'explain pod/NAME: the tier policies in evaluation order, and each side in its order',
    args: ['explain', 'pod/db-0', '-n', 'shop', ...f],
    code: 0,
    stdout: [
      /^  Tier policies selecting it, in evaluation order: ClusterNetworkPolicy\/no-metadata \(admin, priority 5\), AdminNetworkPolicy\/monitoring \(admin, priority 10\), AdminNetworkPolicy\/db-guard \(admin, priority 20\), BaselineAdminNetworkPolicy\/default \(baseline\)$/m,
      /^  Ingress: in this order: admin tier AdminNetworkPolicy\/monitoring, AdminNetworkPolicy\/db-guard \(first matching rule decides; Pass hands on\); then NetworkPolicies shop\/db-from-web; then baseline tier BaselineAdminNetworkPolicy\/default \(not consulted: a NetworkPolicy isolates it\); else allowed$/m,
      /^  Egress: in this order: admin tier ClusterNetworkPolicy\/no-metadata/m,
    ],
  },
  {
    name: 'explain with no target lists the tier policies after the NetworkPolicies',
    args: ['explain', ...f],
    code: 0,
    stdout: [/^NetworkPolicy shop\/db-from-web\n[\s\S]*^ClusterNetworkPolicy no-metadata [\s\S]*^AdminNetworkPolicy monitoring [\s\S]*^AdminNetworkPolicy db-guard [\s\S]*^BaselineAdminNetworkPolicy default /m],
  },
  { name: 'lint finds nothing in the example', args: ['lint', ...f], code: 0, stdout: [/^No findings in 1 policies and 4 tier policies\.$/m] },
  {
    name: 'matrix agrees with can-reach',
    args: ['matrix', '--port', '8080', ...f],
    code: 0,
    stdout: [/^dev\/client-0       ✓             ✓                  ✗             ✗          ✗$/m, /^monitoring\/prom-0  ✓             ✓                  ✓             ✓          ✓$/m],
  },
];

for (const c of cases) {
  test(`cli: tiers: ${c.name}`, async () => {
    assertCliCase(await netpol(c.args), c);
  });
}

test('cli: tiers: can-reach -o json names the deciding rule and what passed it on', async () => {
  const r = await netpol(['can-reach', 'shop/web-0', 'shop/db-0', '--port', '5432', '-o', 'json', ...f]);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { ingress: Record<string, unknown>; egress: Record<string, unknown> };
  assert.equal(v.ingress['kind'], 'allowed');
  assert.deepEqual(v.ingress['tiers'], {
    admin: ['AdminNetworkPolicy/monitoring', 'AdminNetworkPolicy/db-guard'],
    adminPass: { tier: 'Admin', policy: 'AdminNetworkPolicy/db-guard', priority: 20, direction: 'ingress', rule: 0, ruleName: 'web-is-the-teams-call', action: 'Pass', matchedPeer: 0, matchedPort: 0 },
    baseline: ['BaselineAdminNetworkPolicy/default'],
  });
  const denied = await netpol(['can-reach', 'shop/web-0', '169.254.169.254', '--port', '80', '-o', 'json', ...f]);
  assert.equal(denied.code, 1);
  const d = JSON.parse(denied.stdout) as { allowed: boolean; egress: Record<string, unknown> };
  assert.equal(d.allowed, false);
  assert.equal(d.egress['kind'], 'tier-denied');
  assert.deepEqual(d.egress['by'], { tier: 'Admin', policy: 'ClusterNetworkPolicy/no-metadata', priority: 5, direction: 'egress', rule: 0, ruleName: 'cloud-metadata', action: 'Deny', matchedPeer: 0 });
});

test('cli: tiers: a bad tier object is one error naming the file, object and field, exit 2', async () => {
  const file = join(tmpdir(), `knp-bad-anp-${process.pid}.yaml`);
  await writeFile(
    file,
    ['apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: AdminNetworkPolicy', 'metadata: {name: too-high}', 'spec:', '  priority: 1001', '  subject: {namespaces: {}}', ''].join('\n'),
  );
  const r = await netpol(['explain', '-f', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: .*knp-bad-anp-\d+\.yaml.*: AdminNetworkPolicy too-high: spec\.priority: must be between 0 and 1000, got 1001\n$/);
});
