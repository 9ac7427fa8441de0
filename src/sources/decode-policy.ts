/**
 * @module sources/decode-policy
 * networking.k8s.io/v1 NetworkPolicy spec -> model NetworkPolicy, validated with the API server's
 * rules and defaulted as it defaults (NETPOL-SEMANTICS.md): protocol TCP, and policyTypes, when
 * absent or empty, Ingress plus Egress when spec.egress has at least one rule. Whether lists were
 * absent, empty or set is kept so explanations can tell `ingress: []` from no ingress at all.
 */
import { cidrCovers, type Cidr, type ListField, type NetworkPolicy, type Peer, type PolicyType, type PortSpec, type Rule } from '../model/index.js';
import { at, decodeProtocol, type Decoder } from './decode-fields.js';
import { decodeSelector } from './decode-selector.js';
import { checkCidr } from './ip.js';
import { EGRESS_RULE, INGRESS_RULE, IP_BLOCK, POLICY_PEER, POLICY_PORT, POLICY_SPEC } from './known-fields.js';
import { checkPortName, checkPortNumber } from './validate-names.js';

function fieldState(list: readonly unknown[] | undefined): ListField {
  if (list === undefined) return 'absent';
  return list.length === 0 ? 'empty' : 'set';
}

/** A CIDR, with its text as written: errors quote that, not the canonical form (`10.1.0.0/4` is `0.0.0.0/4`). */
function decodeCidr(dec: Decoder, v: unknown, path: string): { cidr: Cidr; written: string } {
  const written = dec.required(dec.string(v, path), path);
  const cidr = checkCidr(written);
  if (typeof cidr === 'string') return dec.fail(path, `${JSON.stringify(written)} ${cidr}`);
  return { cidr, written };
}

function decodePeer(dec: Decoder, v: unknown, path: string): Peer {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, POLICY_PEER);
  const has = (k: string): boolean => obj[k] !== undefined && obj[k] !== null;
  if (has('ipBlock')) {
    if (has('podSelector') || has('namespaceSelector')) {
      dec.fail(path, 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer');
    }
    const p = at(path, 'ipBlock');
    const block = dec.required(dec.object(obj['ipBlock'], p), p);
    dec.fields(block, p, IP_BLOCK);
    const { cidr, written } = decodeCidr(dec, block['cidr'], at(p, 'cidr'));
    const exceptList = dec.list(block['except'], at(p, 'except')) ?? [];
    const except = exceptList.map((e, i) => {
      const ep = at(at(p, 'except'), i);
      const ex = decodeCidr(dec, e, ep);
      if (!(ex.cidr.prefix > cidr.prefix && cidrCovers(cidr, ex.cidr))) {
        dec.fail(ep, `${JSON.stringify(ex.written)} must lie strictly inside cidr ${JSON.stringify(written)}`);
      }
      return ex.cidr;
    });
    return { kind: 'ip-block', cidr, except };
  }
  if (!has('podSelector') && !has('namespaceSelector')) {
    dec.fail(path, 'must have at least one of podSelector, namespaceSelector or ipBlock');
  }
  const podSelector = has('podSelector') ? decodeSelector(dec, obj['podSelector'], at(path, 'podSelector')) : undefined;
  const namespaceSelector = has('namespaceSelector')
    ? decodeSelector(dec, obj['namespaceSelector'], at(path, 'namespaceSelector'))
    : undefined;
  return {
    kind: 'selector',
    ...(podSelector === undefined ? {} : { podSelector }),
    ...(namespaceSelector === undefined ? {} : { namespaceSelector }),
  };
}

function decodePort(dec: Decoder, v: unknown, path: string): PortSpec {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, POLICY_PORT);
  const protocol = decodeProtocol(dec, obj['protocol'], at(path, 'protocol'));
  const port = dec.intOrString(obj['port'], at(path, 'port'));
  if (typeof port === 'number') dec.check(checkPortNumber(port), at(path, 'port'));
  if (typeof port === 'string') dec.check(checkPortName(port), at(path, 'port'));
  const endPort = dec.integer(obj['endPort'], at(path, 'endPort'));
  if (endPort === undefined) return port === undefined ? { protocol } : { protocol, port };
  const ep = at(path, 'endPort');
  if (port === undefined) dec.fail(ep, 'requires port to be set');
  if (typeof port === 'string') dec.fail(ep, `must not be set when port is a name (${port})`);
  dec.check(checkPortNumber(endPort), ep);
  if (endPort < port) dec.fail(ep, `must be >= port (${port})`);
  return { protocol, port, endPort };
}

function decodeRule(dec: Decoder, v: unknown, path: string, peersKey: 'from' | 'to'): Rule {
  const obj = dec.object(v, path) ?? {};
  dec.fields(obj, path, peersKey === 'from' ? INGRESS_RULE : EGRESS_RULE);
  const peerList = dec.list(obj[peersKey], at(path, peersKey));
  const portList = dec.list(obj['ports'], at(path, 'ports'));
  return {
    peers: (peerList ?? []).map((p, i) => decodePeer(dec, p, at(at(path, peersKey), i))),
    ports: (portList ?? []).map((p, i) => decodePort(dec, p, at(at(path, 'ports'), i))),
    peersField: fieldState(peerList),
    portsField: fieldState(portList),
  };
}

function decodePolicyTypes(dec: Decoder, v: unknown, path: string): PolicyType[] {
  const list = dec.list(v, path) ?? [];
  if (list.length > 2) dec.fail(path, 'may hold at most two entries (Ingress, Egress)');
  const seen = new Set<PolicyType>();
  list.forEach((x, i) => {
    const text = dec.required(dec.string(x, at(path, i)), at(path, i));
    if (text !== 'Ingress' && text !== 'Egress') {
      dec.fail(at(path, i), `${JSON.stringify(text)} is not one of Ingress, Egress (case matters)`);
    }
    seen.add(text);
  });
  return (['Ingress', 'Egress'] as const).filter((t) => seen.has(t));
}

/** The spec of a policy whose namespace and name are already validated. */
export function decodePolicySpec(dec: Decoder, v: unknown, namespace: string, name: string): NetworkPolicy {
  const spec = dec.object(v, 'spec') ?? {};
  dec.fields(spec, 'spec', POLICY_SPEC);
  const podSelector = decodeSelector(dec, spec['podSelector'], 'spec.podSelector');
  const explicitTypes = decodePolicyTypes(dec, spec['policyTypes'], 'spec.policyTypes');
  const ingressList = dec.list(spec['ingress'], 'spec.ingress');
  const egressList = dec.list(spec['egress'], 'spec.egress');
  const ingress = (ingressList ?? []).map((r, i) => decodeRule(dec, r, at('spec.ingress', i), 'from'));
  const egress = (egressList ?? []).map((r, i) => decodeRule(dec, r, at('spec.egress', i), 'to'));
  // An empty policyTypes list is defaulted exactly like an absent one.
  const policyTypesExplicit = explicitTypes.length > 0;
  const policyTypes: PolicyType[] = policyTypesExplicit
    ? explicitTypes
    : egress.length > 0
      ? ['Ingress', 'Egress']
      : ['Ingress'];
  return {
    namespace,
    name,
    podSelector,
    policyTypes,
    policyTypesExplicit,
    ingress,
    egress,
    ingressField: fieldState(ingressList),
    egressField: fieldState(egressList),
  };
}
