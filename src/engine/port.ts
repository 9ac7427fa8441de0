/**
 * @module engine/port
 * Whether a rule's port entry admits a connection's port and protocol. Named ports are resolved on
 * the DESTINATION pod of the connection (the selected pod for ingress, the peer pod for egress); an
 * address that is not a pod never matches a named port, and one name may mean different numbers on
 * different pods.
 */
import type { Pod, PortSpec, Protocol } from '../model/index.js';

export type PortMiss =
  | { readonly kind: 'protocol'; readonly want: Protocol }
  | { readonly kind: 'port'; readonly want: number; readonly endPort?: number }
  | { readonly kind: 'named-port-not-a-pod'; readonly name: string }
  | { readonly kind: 'named-port-undefined'; readonly name: string; readonly pod: string }
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
  const podName = `${destination.namespace}/${destination.name}`;
  const resolved = resolveNamedPort(destination, name, protocol);
  if (resolved === undefined) return { matched: false, miss: { kind: 'named-port-undefined', name, pod: podName } };
  if (resolved !== port) return { matched: false, miss: { kind: 'named-port-other-number', name, pod: podName, resolved } };
  return MATCHED;
}
