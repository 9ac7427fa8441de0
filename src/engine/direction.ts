/**
 * @module engine/direction
 * The two directions of a connection a policy can isolate, and the policy type naming each.
 */
import type { PolicyType } from '../model/index.js';

export type Direction = 'ingress' | 'egress';

export function policyTypeOf(d: Direction): PolicyType {
  return d === 'ingress' ? 'Ingress' : 'Egress';
}
