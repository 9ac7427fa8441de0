/**
 * @module sources/decode-tier
 * The admin tiers' objects -> model TierPolicy, validated as their CRDs validate them
 * (docs/TIERS.md): AdminNetworkPolicy and BaselineAdminNetworkPolicy of
 * policy.networking.k8s.io/v1alpha1, ClusterNetworkPolicy of v1alpha2. The CRDs' schema and CEL
 * rules are the API server's checks for these kinds: priority 0-1000, rule and peer counts, exactly
 * one field in a subject, peer or port, start < end in a range, the baseline singleton's name.
 * v1alpha1 and v1alpha2 spell rules differently (Allow/Accept; ports/protocols); both become one shape.
 */
import type { Cidr, LabelSelector, Protocol, Tier, TierAction, TierPeer, TierPolicy, TierPolicyKind, TierPort, TierRule, TierSubject } from '../model/index.js';
import { at, decodeProtocol, type Decoder, type JsonObject } from './decode-fields.js';
import { decodeSelector } from './decode-selector.js';
import { checkCidr } from './ip.js';
import {
  ANP_EGRESS_PEER,
  ANP_EGRESS_RULE,
  ANP_INGRESS_RULE,
  ANP_PORT,
  ANP_PORT_NUMBER,
  ANP_PORT_RANGE,
  ANP_SPEC,
  BANP_SPEC,
  CNP_EGRESS_PEER,
  CNP_EGRESS_RULE,
  CNP_INGRESS_RULE,
  CNP_PORT,
  CNP_PORT_RANGE,
  CNP_PROTOCOL,
  CNP_PROTOCOL_PORTS,
  CNP_SPEC,
  NAMESPACED_POD,
  TIER_INGRESS_PEER,
  TIER_SUBJECT,
  type KnownFields,
} from './known-fields.js';
import { checkPortName, checkPortNumber } from './validate-names.js';

/** What differs between the kinds: limits, words and fields. */
interface Dialect {
  readonly kind: TierPolicyKind;
  readonly spec: KnownFields;
  readonly ingressRule: KnownFields;
  readonly egressRule: KnownFields;
  readonly egressPeer: KnownFields;
  /** Max rules per direction, and max entries of from/to and of the port list. */
  readonly maxRules: number;
  readonly maxPeers: number;
  /** Action words as written -> the model's. */
  readonly actions: Readonly<Record<string, TierAction>>;
  readonly portsField: 'ports' | 'protocols';
}

const V1ALPHA1_ACTIONS = { Allow: 'Allow', Deny: 'Deny', Pass: 'Pass' } as const;

const DIALECTS: Readonly<Record<TierPolicyKind, Dialect>> = {
  AdminNetworkPolicy: {
    kind: 'AdminNetworkPolicy',
    spec: ANP_SPEC,
    ingressRule: ANP_INGRESS_RULE,
    egressRule: ANP_EGRESS_RULE,
    egressPeer: ANP_EGRESS_PEER,
    maxRules: 100,
    maxPeers: 100,
    actions: V1ALPHA1_ACTIONS,
    portsField: 'ports',
  },
  BaselineAdminNetworkPolicy: {
    kind: 'BaselineAdminNetworkPolicy',
    spec: BANP_SPEC,
    ingressRule: ANP_INGRESS_RULE,
    egressRule: ANP_EGRESS_RULE,
    egressPeer: ANP_EGRESS_PEER,
    maxRules: 100,
    maxPeers: 100,
    actions: { Allow: 'Allow', Deny: 'Deny' },
    portsField: 'ports',
  },
  ClusterNetworkPolicy: {
    kind: 'ClusterNetworkPolicy',
    spec: CNP_SPEC,
    ingressRule: CNP_INGRESS_RULE,
    egressRule: CNP_EGRESS_RULE,
    egressPeer: CNP_EGRESS_PEER,
    maxRules: 25,
    maxPeers: 25,
    actions: { Accept: 'Allow', Deny: 'Deny', Pass: 'Pass' },
    portsField: 'protocols',
  },
};

/** The singleton's one allowed name (its CRD's CEL rule). */
export const BASELINE_NAME = 'default';
const MAX_NETWORKS = 25;
const MAX_RULE_NAME = 100;

function listOf(dec: Decoder, v: unknown, path: string, min: number, max: number): readonly unknown[] | undefined {
  const list = dec.list(v, path);
  if (list === undefined) return undefined;
  if (list.length < min) dec.fail(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
  if (list.length > max) dec.fail(path, `must have at most ${max} items (got ${list.length})`);
  return list;
}

/** The one field of `known` that `obj` sets (null counts as unset); an error when none or several are. */
function oneOf(dec: Decoder, obj: JsonObject, path: string, known: KnownFields): string | undefined {
  const set = known.filter((k) => obj[k] !== undefined && obj[k] !== null);
  if (set.length > 1) dec.fail(path, `must set exactly one of ${known.join(', ')} (got ${set.join(' and ')})`);
  return set[0];
}

function decodeNamespacedPod(dec: Decoder, v: unknown, path: string): { namespaceSelector: LabelSelector; podSelector: LabelSelector } {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, NAMESPACED_POD);
  // podSelector is required by the schema; namespaceSelector is optional and then empty (every namespace).
  dec.required(dec.object(obj['podSelector'], at(path, 'podSelector')), at(path, 'podSelector'));
  return {
    namespaceSelector: decodeSelector(dec, obj['namespaceSelector'], at(path, 'namespaceSelector')),
    podSelector: decodeSelector(dec, obj['podSelector'], at(path, 'podSelector')),
  };
}

function decodeSubject(dec: Decoder, v: unknown, path: string): TierSubject {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, TIER_SUBJECT);
  const field = oneOf(dec, obj, path, TIER_SUBJECT);
  switch (field) {
    case 'namespaces':
      return { kind: 'namespaces', namespaceSelector: decodeSelector(dec, obj['namespaces'], at(path, 'namespaces')) };
    case 'pods':
      return { kind: 'pods', ...decodeNamespacedPod(dec, obj['pods'], at(path, 'pods')) };
    default:
      return dec.fail(path, `must set exactly one of ${TIER_SUBJECT.join(', ')}`);
  }
}

function decodeNetworks(dec: Decoder, v: unknown, path: string): Cidr[] {
  const list = dec.required(listOf(dec, v, path, 1, MAX_NETWORKS), path);
  const seen = new Set<string>();
  return list.map((x, i) => {
    const p = at(path, i);
    const text = dec.required(dec.string(x, p), p);
    const cidr = checkCidr(text);
    if (typeof cidr === 'string') return dec.fail(p, `${JSON.stringify(text)} ${cidr}`);
    // listType=set: the server refuses a repeated entry.
    if (seen.has(text)) dec.fail(p, `${JSON.stringify(text)} is listed twice`);
    seen.add(text);
    return cidr;
  });
}

function decodePeer(dec: Decoder, v: unknown, path: string, known: KnownFields): TierPeer {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, known);
  const field = oneOf(dec, obj, path, known);
  switch (field) {
    case 'namespaces':
      return { kind: 'namespaces', namespaceSelector: decodeSelector(dec, obj['namespaces'], at(path, 'namespaces')) };
    case 'pods':
      return { kind: 'pods', ...decodeNamespacedPod(dec, obj['pods'], at(path, 'pods')) };
    case 'nodes':
      return { kind: 'nodes', nodeSelector: decodeSelector(dec, obj['nodes'], at(path, 'nodes')) };
    case 'networks':
      return { kind: 'networks', cidrs: decodeNetworks(dec, obj['networks'], at(path, 'networks')) };
    case 'domainNames':
      // A name is resolved by the implementation's DNS, which a snapshot does not have.
      dec.required(listOf(dec, obj['domainNames'], at(path, 'domainNames'), 1, 25), at(path, 'domainNames'));
      return { kind: 'unknown', fields: ['domainNames'] };
    default: {
      // From a server (unknown fields ignored): a field of a newer version than ours. Fail closed.
      const fields = Object.keys(obj);
      if (fields.length === 0) return dec.fail(path, `must set exactly one of ${known.join(', ')}`);
      return { kind: 'unknown', fields };
    }
  }
}

function portNumber(dec: Decoder, v: unknown, path: string): number {
  const n = dec.required(dec.integer(v, path), path);
  dec.check(checkPortNumber(n), path);
  return n;
}

function decodeRange(dec: Decoder, obj: JsonObject, path: string): { start: number; end: number } {
  const start = portNumber(dec, obj['start'], at(path, 'start'));
  const end = portNumber(dec, obj['end'], at(path, 'end'));
  if (!(start < end)) dec.fail(path, `start (${start}) must be less than end (${end})`);
  return { start, end };
}

function decodeNamedPort(dec: Decoder, v: unknown, path: string): TierPort {
  const name = dec.required(dec.string(v, path), path);
  dec.check(checkPortName(name), path);
  return { kind: 'named', name };
}

/** v1alpha1: portNumber {protocol, port} | namedPort | portRange {protocol, start, end}. */
function decodeAnpPort(dec: Decoder, v: unknown, path: string): TierPort {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, ANP_PORT);
  switch (oneOf(dec, obj, path, ANP_PORT)) {
    case 'portNumber': {
      const p = at(path, 'portNumber');
      const n = dec.required(dec.object(obj['portNumber'], p), p);
      dec.fields(n, p, ANP_PORT_NUMBER);
      return { kind: 'number', protocol: decodeProtocol(dec, n['protocol'], at(p, 'protocol')), port: portNumber(dec, n['port'], at(p, 'port')) };
    }
    case 'namedPort':
      return decodeNamedPort(dec, obj['namedPort'], at(path, 'namedPort'));
    case 'portRange': {
      const p = at(path, 'portRange');
      const r = dec.required(dec.object(obj['portRange'], p), p);
      dec.fields(r, p, ANP_PORT_RANGE);
      return { kind: 'range', protocol: decodeProtocol(dec, r['protocol'], at(p, 'protocol')), ...decodeRange(dec, r, p) };
    }
    default:
      return dec.fail(path, `must set exactly one of ${ANP_PORT.join(', ')}`);
  }
}

const PROTOCOL_FIELD: Readonly<Record<string, Protocol>> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

/** v1alpha2: {tcp|udp|sctp: {destinationPort: {number | range}}} | {destinationNamedPort}. */
function decodeCnpProtocol(dec: Decoder, v: unknown, path: string): TierPort {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, CNP_PROTOCOL);
  const field = oneOf(dec, obj, path, CNP_PROTOCOL);
  if (field === undefined) return dec.fail(path, `must set exactly one of ${CNP_PROTOCOL.join(', ')}`);
  if (field === 'destinationNamedPort') return decodeNamedPort(dec, obj[field], at(path, field));
  const protocol = PROTOCOL_FIELD[field] ?? dec.fail(path, `unknown protocol ${field}`);
  const p = at(path, field);
  const body = dec.required(dec.object(obj[field], p), p);
  dec.fields(body, p, CNP_PROTOCOL_PORTS);
  const dp = at(p, 'destinationPort');
  const port = dec.object(body['destinationPort'], dp);
  if (port === undefined) return dec.fail(p, 'must set destinationPort');
  dec.fields(port, dp, CNP_PORT);
  switch (oneOf(dec, port, dp, CNP_PORT)) {
    case 'number':
      return { kind: 'number', protocol, port: portNumber(dec, port['number'], at(dp, 'number')) };
    case 'range': {
      const rp = at(dp, 'range');
      const r = dec.required(dec.object(port['range'], rp), rp);
      dec.fields(r, rp, CNP_PORT_RANGE);
      return { kind: 'range', protocol, ...decodeRange(dec, r, rp) };
    }
    default:
      return dec.fail(dp, `must set exactly one of ${CNP_PORT.join(', ')}`);
  }
}

function decodeRule(dec: Decoder, d: Dialect, v: unknown, path: string, direction: 'ingress' | 'egress'): TierRule {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, direction === 'ingress' ? d.ingressRule : d.egressRule);
  const name = dec.string(obj['name'], at(path, 'name'));
  if (name !== undefined && name.length > MAX_RULE_NAME) dec.fail(at(path, 'name'), `must be at most ${MAX_RULE_NAME} characters (got ${name.length})`);
  const ap = at(path, 'action');
  const actionText = dec.required(dec.string(obj['action'], ap), ap);
  const action = d.actions[actionText] ?? dec.fail(ap, `${JSON.stringify(actionText)} is not one of ${Object.keys(d.actions).join(', ')} (case matters)`);
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  const pp = at(path, peersKey);
  const peerList = dec.required(listOf(dec, obj[peersKey], pp, 1, d.maxPeers), pp);
  const peers = peerList.map((p, i) => decodePeer(dec, p, at(pp, i), direction === 'ingress' ? TIER_INGRESS_PEER : d.egressPeer));
  const portsPath = at(path, d.portsField);
  const portList = listOf(dec, obj[d.portsField], portsPath, d.portsField === 'protocols' ? 1 : 0, d.maxPeers);
  const ports = portList?.map((p, i) => (d.portsField === 'protocols' ? decodeCnpProtocol : decodeAnpPort)(dec, p, at(portsPath, i)));
  const named = ports?.findIndex((p) => p.kind === 'named') ?? -1;
  if (named >= 0) {
    // A CEL rule of the CRDs: nodes and networks have no container ports to name.
    const other = peers.findIndex((p) => p.kind === 'nodes' || p.kind === 'networks');
    if (other >= 0) dec.fail(at(portsPath, named), `a named port cannot be used with a ${peers[other]?.kind} peer (${at(pp, other)}): nodes and networks have no named ports`);
  }
  return {
    ...(name === undefined ? {} : { name }),
    action,
    actionText,
    peers,
    ...(ports === undefined ? {} : { ports }),
  };
}

function decodeRules(dec: Decoder, d: Dialect, v: unknown, path: string, direction: 'ingress' | 'egress'): TierRule[] {
  const list = listOf(dec, v, path, 0, d.maxRules) ?? [];
  return list.map((r, i) => decodeRule(dec, d, r, at(path, i), direction));
}

function decodePriority(dec: Decoder, v: unknown, path: string): number {
  const n = dec.required(dec.integer(v, path), path);
  if (n < 0 || n > 1000) dec.fail(path, `must be between 0 and 1000, got ${n}`);
  return n;
}

function decodeTier(dec: Decoder, v: unknown, path: string): Tier {
  const text = dec.required(dec.string(v, path), path);
  if (text !== 'Admin' && text !== 'Baseline') dec.fail(path, `${JSON.stringify(text)} is not one of Admin, Baseline (case matters)`);
  return text;
}

/** The spec of a tier policy whose name is already validated. */
export function decodeTierPolicySpec(dec: Decoder, kind: TierPolicyKind, v: unknown, name: string): TierPolicy {
  const d = DIALECTS[kind];
  if (kind === 'BaselineAdminNetworkPolicy' && name !== BASELINE_NAME) {
    dec.fail('metadata.name', `must be ${JSON.stringify(BASELINE_NAME)}: there is only one BaselineAdminNetworkPolicy (got ${JSON.stringify(name)})`);
  }
  const spec = dec.required(dec.object(v, 'spec'), 'spec');
  dec.fields(spec, 'spec', d.spec);
  const tier: Tier = kind === 'ClusterNetworkPolicy' ? decodeTier(dec, spec['tier'], 'spec.tier') : kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline';
  const priority = kind === 'BaselineAdminNetworkPolicy' ? undefined : decodePriority(dec, spec['priority'], 'spec.priority');
  return {
    kind,
    name,
    tier,
    ...(priority === undefined ? {} : { priority }),
    subject: decodeSubject(dec, spec['subject'], 'spec.subject'),
    ingress: decodeRules(dec, d, spec['ingress'], 'spec.ingress', 'ingress'),
    egress: decodeRules(dec, d, spec['egress'], 'spec.egress', 'egress'),
  };
}
