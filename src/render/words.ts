/**
 * @module render/words
 * Small pieces of wording shared by every text renderer: selectors in kubectl's syntax, ports,
 * and the reasons a peer or a port did not match. All user-facing wording of the engine's miss
 * records lives here, one `case` per kind.
 */
import type { LabelSelector, SelectorRequirement } from '../model/index.js';
import { assertNever, requirementsOf, type PeerMiss, type PortMiss } from '../engine/index.js';

/** kubectl's selector syntax: `role=db,tier in (a,b),!legacy`. */
export function formatRequirement(r: SelectorRequirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0] ?? ''}` : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    default:
      return assertNever(r.operator);
  }
}

export function formatSelector(sel: LabelSelector): string {
  const reqs = requirementsOf(sel);
  return reqs.length === 0 ? '{} (everything)' : reqs.map(formatRequirement).join(',');
}

export function formatPortSpec(p: { readonly protocol: string; readonly port?: number | string; readonly endPort?: number }): string {
  if (p.port === undefined) return `any ${p.protocol} port`;
  if (p.endPort !== undefined) return `${p.port}-${p.endPort}/${p.protocol}`;
  return `${p.port}/${p.protocol}`;
}

export function describePeerMiss(m: PeerMiss): string {
  switch (m.kind) {
    case 'not-a-pod':
      return 'the other end is not a pod, and only an ipBlock matches it';
    case 'host-network':
      return 'the other end is a hostNetwork pod, whose traffic is its node\'s: only an ipBlock matches it';
    case 'finished-pod':
      return `the other end is a finished pod (phase ${m.phase}): finished pods take no part, only an ipBlock matches its address`;
    case 'other-namespace':
      return `the pod is in namespace ${m.got}, and a podSelector without namespaceSelector means namespace ${m.want}`;
    case 'namespace-labels':
      return `namespace ${m.namespace} does not match ${formatRequirement(m.unmet)}`;
    case 'pod-labels':
      return `pod ${m.pod} does not match ${formatRequirement(m.unmet)}`;
    case 'no-address':
      return 'the other end has no known IP address, so no ipBlock can match it';
    case 'outside-cidr':
      return `${m.address} is outside ${m.cidr}`;
    case 'in-except':
      return `${m.address} is in ${m.cidr} but inside its except ${m.except}`;
    default:
      return assertNever(m);
  }
}

export function describePortMiss(m: PortMiss): string {
  switch (m.kind) {
    case 'protocol':
      return `the rule admits ${m.want} only`;
    case 'port':
      return m.endPort === undefined ? `the rule admits port ${m.want} only` : `the rule admits ports ${m.want}-${m.endPort} only`;
    case 'named-port-not-a-pod':
      return `named port "${m.name}" only matches a pod destination`;
    case 'named-port-undefined':
      return `pod ${m.pod} declares no ${m.protocol} container port named "${m.name}"`;
    case 'named-port-other-number':
      return `named port "${m.name}" is ${m.resolved} on pod ${m.pod}`;
    default:
      return assertNever(m);
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `svc/shop/web`: kubectl's spelling of a Service, so that it reads as one and not as a pod. */
export function serviceRef(qualifiedName: string): string {
  return `svc/${qualifiedName}`;
}
