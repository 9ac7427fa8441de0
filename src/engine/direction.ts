/**
 * @module engine/direction
 * The two directions of a policy and what belongs to each: its policy type and its rule list.
 */
import type { NetworkPolicy, PolicyType, Rule } from '../model/index.js';

export type Direction = 'ingress' | 'egress';

export function policyTypeOf(d: Direction): PolicyType {
  return d === 'ingress' ? 'Ingress' : 'Egress';
}

export function rulesOf(policy: NetworkPolicy, d: Direction): readonly Rule[] {
  return d === 'ingress' ? policy.ingress : policy.egress;
}

export function isolatesIn(policy: NetworkPolicy, d: Direction): boolean {
  return policy.policyTypes.includes(policyTypeOf(d));
}
