// lint's two codes of the admin tiers, each with cases that find it and cases that must not; the
// findings of the code are compared whole ([severity, object, path]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot, lintSnapshot, type LintCode } from '../../src/engine/index.js';
import type { TierPolicy } from '../../src/model/index.js';
import { decodeObject } from '../../src/sources/decode.js';
import { ns, pod, snapshot } from '../support/build.js';

const pods = [pod('shop', 'web', { app: 'web' }, { ips: ['10.0.0.10'] }), pod('shop', 'db', { app: 'db' }, { ips: ['10.0.0.11'] }), pod('ops', 'prom', { app: 'prom' }, { ips: ['10.0.1.10'] })];
const namespaces = [ns('shop', { team: 'shop' }), ns('ops', { team: 'ops' })];

function tier(kind: string, name: string, spec: Record<string, unknown>): TierPolicy {
  const apiVersion = kind === 'ClusterNetworkPolicy' ? 'policy.networking.k8s.io/v1alpha2' : 'policy.networking.k8s.io/v1alpha1';
  const d = decodeObject({ apiVersion, kind, metadata: { name }, spec }, { source: 'test' });
  assert.equal(d?.kind, 'TierPolicy');
  return d.value as TierPolicy;
}
const shopDb = { pods: { namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: { matchLabels: { app: 'db' } } } };
const fromOps = { namespaces: { matchLabels: { team: 'ops' } } };
const fromAll = { namespaces: {} };
const anp = (name: string, priority: number, ingress: unknown[], subject: unknown = shopDb): TierPolicy => tier('AdminNetworkPolicy', name, { priority, subject, ingress });

interface Case {
  readonly name: string;
  readonly code: LintCode;
  readonly tiers: TierPolicy[];
  readonly want: readonly (readonly [string, string, string])[];
}

const cases: Case[] = [
  { name: 'a Deny below an Allow of everything it matches', code: 'tier-shadowed-rule', tiers: [anp('a', 1, [{ action: 'Allow', from: [fromAll] }, { action: 'Deny', from: [fromOps] }])], want: [['warning', 'a', 'spec.ingress[1]']] },
  { name: 'two Denies, the later inside the earlier', code: 'tier-shadowed-rule', tiers: [anp('a', 1, [{ action: 'Deny', from: [fromAll] }, { action: 'Deny', from: [fromOps], ports: [{ portNumber: { port: 80 } }] }])], want: [['info', 'a', 'spec.ingress[1]']] },
  { name: 'a narrower rule first: the wider one still decides the rest', code: 'tier-shadowed-rule', tiers: [anp('a', 1, [{ action: 'Allow', from: [fromOps] }, { action: 'Deny', from: [fromAll] }])], want: [] },
  { name: 'the earlier rule names fewer ports', code: 'tier-shadowed-rule', tiers: [anp('a', 1, [{ action: 'Allow', from: [fromAll], ports: [{ portNumber: { port: 80 } }] }, { action: 'Deny', from: [fromAll] }])], want: [] },
  { name: 'same tier and priority over a shared pod', code: 'priority-tie', tiers: [anp('a', 5, [{ action: 'Allow', from: [fromOps] }]), anp('b', 5, [{ action: 'Deny', from: [fromAll] }])], want: [['warning', 'b', 'spec.priority']] },
  { name: 'an AdminNetworkPolicy and an Admin ClusterNetworkPolicy tie too', code: 'priority-tie', tiers: [anp('a', 5, [{ action: 'Allow', from: [fromOps] }]), tier('ClusterNetworkPolicy', 'c', { tier: 'Admin', priority: 5, subject: fromAll, ingress: [{ action: 'Deny', from: [fromAll] }] })], want: [['warning', 'c', 'spec.priority']] },
  { name: 'different priorities', code: 'priority-tie', tiers: [anp('a', 5, [{ action: 'Allow', from: [fromOps] }]), anp('b', 6, [{ action: 'Deny', from: [fromAll] }])], want: [] },
  { name: 'no pod held by both', code: 'priority-tie', tiers: [anp('a', 5, [{ action: 'Allow', from: [fromOps] }]), anp('b', 5, [{ action: 'Deny', from: [fromAll] }], fromOps)], want: [] },
  { name: 'rules in different directions only', code: 'priority-tie', tiers: [anp('a', 5, [{ action: 'Allow', from: [fromOps] }]), tier('AdminNetworkPolicy', 'b', { priority: 5, subject: shopDb, egress: [{ action: 'Deny', to: [fromAll] }] })], want: [] },
];

for (const c of cases) {
  test(`lint ${c.code}: ${c.name}`, () => {
    const s = compileSnapshot({ ...snapshot({ namespaces, pods }), tierPolicies: c.tiers });
    const got = lintSnapshot(s).filter((f) => f.code === c.code).map((f) => [f.severity, f.object, f.path] as const);
    assert.deepEqual(got, c.want);
    for (const f of lintSnapshot(s).filter((x) => x.code === c.code)) assert.ok(f.message.length > 0 && !f.message.includes('\n'));
  });
}
