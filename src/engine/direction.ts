/**
 * @module engine/direction
 * The two directions of a policy and what belongs to each: its policy type and its rule list.
 */
import type { ListField, NetworkPolicy, PolicyType, Rule } from '../model/index.js';

export type Direction = 'ingress' | 'egress';

export function policyTypeOf(d: Direction): PolicyType {
  return d === 'ingress' ? 'Ingress' : 'Egress';
}

export function rulesOf(policy: NetworkPolicy, d: Direction): readonly Rule[] {
  return d === 'ingress' ? policy.ingress : policy.egress;
}

/** How the direction's rule list was written (absent, [] or with rules). */
export function listFieldOf(policy: NetworkPolicy, d: Direction): ListField {
  return d === 'ingress' ? policy.ingressField : policy.egressField;
}

export function isolatesIn(policy: NetworkPolicy, d: Direction): boolean {
  return policy.policyTypes.includes(policyTypeOf(d));
}
