/**
 * @module engine/port
 * Whether a rule's port entry admits a connection's port and protocol. Named ports are resolved on
 * the DESTINATION pod of the connection (the selected pod for ingress, the peer pod for egress); an
 * address that is not a pod never matches a named port, and one name may mean different numbers on
 * different pods.
 */
import { qualifiedName, type Pod, type PortSpec, type Protocol } from '../model/index.js';
import type { Endpoint } from './endpoint.js';

export type PortMiss =
  | { readonly kind: 'protocol'; readonly want: Protocol }
  | { readonly kind: 'port'; readonly want: number; readonly endPort?: number }
  | { readonly kind: 'named-port-not-a-pod'; readonly name: string }
  | { readonly kind: 'named-port-undefined'; readonly name: string; readonly protocol: Protocol; readonly pod: string }
  | { readonly kind: 'named-port-other-number'; readonly name: string; readonly pod: string; readonly resolved: number };

export type PortResult = { readonly matched: true } | { readonly matched: false; readonly miss: PortMiss };

const MATCHED: PortResult = { matched: true };

/** The number a named port has on a pod for a protocol, if the pod declares it. */
export function resolveNamedPort(pod: Pod, name: string, protocol: Protocol): number | undefined {
  return pod.ports.find((p) => p.name === name && p.protocol === protocol)?.containerPort;
}

export function matchPort(spec: PortSpec, port: number, protocol: Protocol, destination: Pod | undefined): PortResult {
  if (spec.protocol !== protocol) return { matched: false, miss: { kind: 'protocol', want: spec.protocol } };
  if (spec.port === undefined) return MATCHED;
  if (typeof spec.port === 'number') {
    const last = spec.endPort ?? spec.port;
    if (port >= spec.port && port <= last) return MATCHED;
    return { matched: false, miss: spec.endPort === undefined ? { kind: 'port', want: spec.port } : { kind: 'port', want: spec.port, endPort: spec.endPort } };
  }
  const name = spec.port;
  if (destination === undefined) return { matched: false, miss: { kind: 'named-port-not-a-pod', name } };
  const podName = qualifiedName(destination);
  const resolved = resolveNamedPort(destination, name, protocol);
  if (resolved === undefined) return { matched: false, miss: { kind: 'named-port-undefined', name, protocol, pod: podName } };
  if (resolved !== port) return { matched: false, miss: { kind: 'named-port-other-number', name, pod: podName, resolved } };
  return MATCHED;
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
  return dst.kind === 'pod' ? resolveNamedPort(dst.pod, port, protocol) : undefined;
}
