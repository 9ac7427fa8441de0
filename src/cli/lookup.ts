/**
 * @module cli/lookup
 * Finding a pod or policy a user named. `namespaces` undefined means anywhere in the input
 * (offline with no -n); a name found in several namespaces must then be qualified.
 */
import { CliError } from '../errors.js';

export function findNamed<T extends { readonly namespace: string; readonly name: string }>(
  items: readonly T[],
  name: string,
  namespaces: readonly string[] | undefined,
  what: string,
  qualify: string,
): T {
  const hits = items.filter((i) => i.name === name && (namespaces === undefined || namespaces.includes(i.namespace)));
  if (hits.length === 0) throw new CliError(`${what} "${name}" not found ${namespaces === undefined ? 'in the input' : `in namespace ${namespaces.join(', ')}`}`);
  if (hits.length > 1) throw new CliError(`${what} "${name}" exists in several namespaces (${hits.map((h) => h.namespace).join(', ')}): ${qualify}`);
  return hits[0] as T;
}
