/**
 * @module engine/port
 * Whether a port matcher (policy.ts) admits a connection's port and protocol. Named ports are
 * resolved on the DESTINATION pod of the connection (the selected pod for ingress, the peer pod for
 * egress); an address that is not a pod never matches a named port, and one name may mean
 * different numbers on different pods. namedPortNumber is the one place a name becomes a number.
 */
import { qualifiedName, type Pod, type Protocol } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { Endpoint } from './endpoint.js';
import type { PortMatcher } from './policy.js';

export type PortMiss =
  | { readonly kind: 'protocol'; readonly want: Protocol }
  | { readonly kind: 'port'; readonly want: number; readonly endPort?: number }
  | { readonly kind: 'named-port-not-a-pod'; readonly name: string }
  | { readonly kind: 'named-port-undefined'; readonly name: string; readonly protocol: Protocol; readonly pod: string }
  | { readonly kind: 'named-port-other-number'; readonly name: string; readonly pod: string; readonly resolved: number };

/** The number a named port has on a pod for a protocol, if the pod declares it (names are unique per pod). */
export function namedPortNumber(pod: Pod, name: string, protocol: Protocol): number | undefined {
  for (const p of pod.ports) if (p.name === name && p.protocol === protocol) return p.containerPort;
  return undefined;
}

/** `destination`: the pod a named port resolves on (namedPortTarget), if any. */
export function portAdmits(m: PortMatcher, port: number, protocol: Protocol, destination: Pod | undefined): boolean {
  switch (m.kind) {
    case 'any':
      return true;
    case 'protocol':
      return m.protocol === protocol;
    case 'range':
      return m.protocol === protocol && port >= m.first && port <= m.last;
    case 'named':
      return m.protocol === protocol && destination !== undefined && namedPortNumber(destination, m.name, protocol) === port;
    default:
      return assertNever(m);
  }
}

/** Why `m` does not admit the port; only asked when portAdmits said no. */
export function portMiss(m: Exclude<PortMatcher, { kind: 'any' }>, protocol: Protocol, destination: Pod | undefined): PortMiss {
  if (m.protocol !== protocol) return { kind: 'protocol', want: m.protocol };
  switch (m.kind) {
    case 'protocol':
      throw new Error(`internal: ${m.source.path} of ${m.source.policy} admits every ${protocol} port, yet was asked why not`);
    case 'range':
      return m.endPort ? { kind: 'port', want: m.first, endPort: m.last } : { kind: 'port', want: m.first };
    case 'named': {
      if (destination === undefined) return { kind: 'named-port-not-a-pod', name: m.name };
      const pod = qualifiedName(destination);
      const resolved = namedPortNumber(destination, m.name, protocol);
      return resolved === undefined
        ? { kind: 'named-port-undefined', name: m.name, protocol, pod }
        : { kind: 'named-port-other-number', name: m.name, pod, resolved };
    }
    default:
      return assertNever(m);
  }
}

/** The pod a named port resolves on: the destination, when it is a pod whose traffic is its own. */
export function namedPortTarget(dst: Endpoint): Pod | undefined {
  return dst.kind === 'pod' && !dst.pod.hostNetwork ? dst.pod : undefined;
}

/**
 * A port as a user names it (a number, or a name the destination pod declares) as a number, if it
 * has one. Unlike a policy's named port, a user's resolves on a hostNetwork pod too: it is the
 * port the user means, whatever policies make of it.
 */
export function destinationPort(dst: Endpoint, port: number | string, protocol: Protocol): number | undefined {
  if (typeof port === 'number') return port;
  return dst.kind === 'pod' ? namedPortNumber(dst.pod, port, protocol) : undefined;
}
