/**
 * @module render/verdict-record
 * can-reach's `-o json|yaml` record, built field by field from the engine's Verdict. The output is
 * a contract scripts rely on, so every field is named here: a field renamed or added inside the
 * engine changes nothing users see until this module says so, and a new variant of a union does
 * not compile until it is given its record.
 */
import { assertNever, type MissingTargetPort, type PeerMiss, type PolicyOutcome, type PortMiss, type RuleOutcome, type SideResult, type TierMatch, type TierTrace, type Verdict } from '../engine/index.js';
import { qualifiedName, type SelectorRequirement, type Service, type ServicePort } from '../model/index.js';
import { serviceName } from './service.js';

type Data = { readonly [key: string]: unknown };

function requirementRecord(r: SelectorRequirement): Data {
  return { key: r.key, operator: r.operator, values: [...r.values] };
}

function peerMissRecord(m: PeerMiss): Data {
  switch (m.kind) {
    case 'not-a-pod':
    case 'host-network':
    case 'no-address':
      return { kind: m.kind };
    case 'finished-pod':
      return { kind: m.kind, phase: m.phase };
    case 'other-namespace':
      return { kind: m.kind, want: m.want, got: m.got };
    case 'namespace-labels':
      return { kind: m.kind, namespace: m.namespace, unmet: requirementRecord(m.unmet) };
    case 'pod-labels':
      return { kind: m.kind, pod: m.pod, unmet: requirementRecord(m.unmet) };
    case 'outside-cidr':
      return { kind: m.kind, address: m.address, cidr: m.cidr };
    case 'in-except':
      return { kind: m.kind, address: m.address, cidr: m.cidr, except: m.except };
    default:
      return assertNever(m);
  }
}

function portMissRecord(m: PortMiss): Data {
  switch (m.kind) {
    case 'protocol':
      return { kind: m.kind, want: m.want };
    case 'port':
      return { kind: m.kind, want: m.want, ...(m.endPort === undefined ? {} : { endPort: m.endPort }) };
    case 'named-port-not-a-pod':
      return { kind: m.kind, name: m.name };
    case 'named-port-undefined':
      return { kind: m.kind, name: m.name, protocol: m.protocol, pod: m.pod };
    case 'named-port-other-number':
      return { kind: m.kind, name: m.name, pod: m.pod, resolved: m.resolved };
    default:
      return assertNever(m);
  }
}

function ruleRecord(r: RuleOutcome): Data {
  return {
    policy: r.policy,
    direction: r.direction,
    rule: r.rule,
    admitted: r.admitted,
    peerMisses: r.peerMisses.map(peerMissRecord),
    portMisses: r.portMisses.map(portMissRecord),
    ...(r.matchedPeer === undefined ? {} : { matchedPeer: r.matchedPeer }),
    ...(r.matchedPort === undefined ? {} : { matchedPort: r.matchedPort }),
  };
}

function policyRecord(p: PolicyOutcome): Data {
  return { policy: p.policy, rules: p.rules.map(ruleRecord) };
}

function tierMatchRecord(m: TierMatch): Data {
  return {
    tier: m.tier,
    policy: m.policy,
    ...(m.priority === undefined ? {} : { priority: m.priority }),
    direction: m.direction,
    rule: m.rule,
    ...(m.ruleName === undefined ? {} : { ruleName: m.ruleName }),
    action: m.actionText,
    matchedPeer: m.matchedPeer,
    ...(m.matchedPort === undefined ? {} : { matchedPort: m.matchedPort }),
  };
}

function tierTraceRecord(t: TierTrace | undefined): Data {
  if (t === undefined) return {};
  return {
    tiers: {
      admin: [...t.admin],
      ...(t.adminPass === undefined ? {} : { adminPass: tierMatchRecord(t.adminPass) }),
      baseline: [...t.baseline],
      ...(t.baselinePass === undefined ? {} : { baselinePass: tierMatchRecord(t.baselinePass) }),
    },
  };
}

export function sideRecord(side: SideResult): Data {
  switch (side.kind) {
    case 'not-a-pod':
      return { kind: side.kind, direction: side.direction };
    case 'host-network':
      return { kind: side.kind, direction: side.direction, pod: side.pod };
    case 'not-isolated':
      return { kind: side.kind, direction: side.direction, pod: side.pod, ...tierTraceRecord(side.tiers) };
    case 'allowed':
      return { kind: side.kind, direction: side.direction, pod: side.pod, admittedBy: side.admittedBy.map(ruleRecord), policies: side.policies.map(policyRecord), ...tierTraceRecord(side.tiers) };
    case 'denied':
      return { kind: side.kind, direction: side.direction, pod: side.pod, policies: side.policies.map(policyRecord), ...tierTraceRecord(side.tiers) };
    case 'tier-allowed':
    case 'tier-denied':
      return { kind: side.kind, direction: side.direction, pod: side.pod, by: tierMatchRecord(side.by), ...tierTraceRecord(side.tiers) };
    default:
      return assertNever(side);
  }
}

/** `portName`: the name the user gave for the port, when it was one. */
export function verdictRecord(v: Verdict, allowed: boolean, portName: string | undefined): Data {
  return {
    allowed,
    from: v.from,
    to: v.to,
    port: v.port,
    protocol: v.protocol,
    ...(v.family === undefined ? {} : { ipFamily: v.family === 4 ? 'IPv4' : 'IPv6' }),
    ...(portName === undefined ? {} : { portName }),
    ...(v.bypass === undefined ? {} : { bypass: v.bypass }),
    egress: sideRecord(v.egress),
    ingress: sideRecord(v.ingress),
  };
}

/** One backend of a Service port in can-reach's record: the pod's verdict, without `from`, which the record has once. */
function backendRecord(v: Verdict, allowed: boolean): Data {
  return {
    to: v.to,
    port: v.port,
    protocol: v.protocol,
    allowed,
    ...(v.family === undefined ? {} : { ipFamily: v.family === 4 ? 'IPv4' : 'IPv6' }),
    ...(v.bypass === undefined ? {} : { bypass: v.bypass }),
    egress: sideRecord(v.egress),
    ingress: sideRecord(v.ingress),
  };
}

/**
 * can-reach to a Service: `allowed` only when every backend is; `port` and `protocol` are the
 * Service's, each backend's those of its targetPort on that pod; `notBackends` are the pods the
 * selector matches that lack a named targetPort.
 */
export function serviceVerdictRecord(
  from: string,
  service: Service,
  port: ServicePort,
  results: readonly { readonly verdict: Verdict; readonly allowed: boolean }[],
  missing: readonly MissingTargetPort[],
  portName: string | undefined,
): Data {
  return {
    allowed: results.every((r) => r.allowed),
    from,
    to: serviceName(service),
    port: port.port,
    protocol: port.protocol,
    ...(portName === undefined ? {} : { portName }),
    service: {
      namespace: service.namespace,
      name: service.name,
      ...(port.name === undefined ? {} : { portName: port.name }),
      targetPort: port.targetPort,
    },
    backends: results.map((r) => backendRecord(r.verdict, r.allowed)),
    notBackends: missing.map((m) => ({ pod: qualifiedName(m.pod), targetPort: m.name, protocol: m.protocol })),
  };
}
