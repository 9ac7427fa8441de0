/**
 * @module render/notes
 * Notes beside an answer about what it rests on, so that no answer is silent about a gap in the
 * input: pods that have no IP address yet are judged by their labels, and no ipBlock can match them.
 */
import { qualifiedName, type Pod } from '../model/index.js';
import { plural } from './words.js';

/** One line naming the pods (of those given) that have no address, or undefined when all have one. */
export function describeAddressless(pods: readonly Pod[]): string | undefined {
  const none = pods.filter((p) => p.ips.length === 0 && p.workload === undefined && !p.hostNetwork);
  if (none.length === 0) return undefined;
  const names = none.slice(0, 5).map((p) => `${qualifiedName(p)}${p.phase ? ` (${p.phase})` : ''}`);
  const more = none.length > names.length ? `, and ${none.length - names.length} more` : '';
  const verb = none.length === 1 ? 'has' : 'have';
  return `note: ${plural(none.length, 'pod')} ${verb} no IP address yet: ${names.join(', ')}${more}; judged by labels, and no ipBlock matches ${none.length === 1 ? 'it' : 'them'}`;
}
