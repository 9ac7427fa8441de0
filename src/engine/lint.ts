/**
 * @module engine/lint
 * Mistakes in policies, found against the snapshot they are meant for: each finding has a stable
 * code, a severity, the object and field it is about, and a message that says how to fix it.
 * Reads the compiled matchers (policy.ts) and the snapshot's sets, as verdicts do; plain data out.
 */
import { cidrCovers, qualifiedName, type Cidr, type Pod, type Protocol } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Direction } from './direction.js';
import { rulesIn, type CidrPeer, type CompiledPolicy, type CompiledRule, type PeerMatcher, type PortMatcher } from './policy.js';
import { portAdmits } from './port.js';
import { namedPortDestinations, resolvePortOn } from './resolve.js';
import { selectorMatches } from './selector.js';
import { tierRulesIn, type CompiledTierPolicy, type TierPeerMatcher } from './tier.js';

export type Severity = 'error' | 'warning' | 'info';
/** Most severe first: --fail-on and sorting read this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type LintCode =
  | 'selects-no-pods'
  | 'peer-selects-nothing'
  | 'named-port-unresolved'
  | 'egress-blocks-dns'
  | 'implicit-ingress-isolation'
  | 'ipblock-matches-pods'
  | 'shadowed-rule'
  | 'allow-all-rule'
  | 'host-network-selected'
  | 'unreachable-pod'
  | 'tier-shadowed-rule'
  | 'priority-tie';

export interface Finding {
  readonly code: LintCode;
  readonly severity: Severity;
  /** NetworkPolicy, Pod, the workload kind a pod stands for (Deployment, Job...), or a tier policy kind (AdminNetworkPolicy...). */
  readonly kind: string;
  /** namespace/name; a cluster-scoped tier policy's name alone. */
  readonly object: string;
  /** The field the finding is about, as `spec.ingress[0].from[1]`; '' for the whole object. */
  readonly path: string;
  readonly message: string;
}

/** Which policies and pods to look at; the rest of the snapshot still resolves their peers. */
export interface LintScope {
  /** undefined: every namespace. */
  readonly namespaces?: readonly string[];
  /** Only this policy (and no pod findings). */
  readonly policy?: CompiledPolicy;
}

const DNS_PORT = 53;
/** Pods the cluster's DNS runs in, as kube-dns and CoreDNS deployments label them. */
const DNS_LABEL = { key: 'k8s-app', value: 'kube-dns' } as const;

/** At most three names, then how many more: messages stay one line. */
function someOf(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

function isAllowAll(rule: CompiledRule): boolean {
  return rule.peers.some((p) => p.kind === 'any') && rule.ports.some((p) => p.kind === 'any');
}

/** Whether `inner` is inside `outer` minus its excepts: CIDRs nest or are apart, so block by block. */
function blockCovers(outer: CidrPeer, inner: CidrPeer): boolean {
  if (outer.cidr.family !== inner.cidr.family || !cidrCovers(outer.cidr, inner.cidr)) return false;
  return outer.except.every((e: Cidr) => {
    if (!cidrCovers(inner.cidr, e) && !cidrCovers(e, inner.cidr)) return true; // apart
    if (cidrCovers(e, inner.cidr)) return false; // the whole inner block is cut out
    return inner.except.some((x) => cidrCovers(x, e));
  });
}

/** Whether every end `a` admits, `b` admits too, in this snapshot. */
function peerCovers(c: CompiledSnapshot, b: PeerMatcher, a: PeerMatcher): boolean {
  if (b.kind === 'any') return true;
  switch (a.kind) {
    case 'any':
      return false;
    case 'cidr':
      return b.kind === 'cidr' && blockCovers(b, a);
    case 'pods': {
      // A pods peer admits pods only; a block admits them by their addresses.
      const theirs = new Set(c.peerPods(b));
      return c.peerPods(a).every((p) => theirs.has(p));
    }
    default:
      return assertNever(a);
  }
}

/** Whether every port `a` admits, `b` admits too (on any destination). */
function portCovers(b: PortMatcher, a: PortMatcher): boolean {
  if (b.kind === 'any') return true;
  if (a.kind === 'any' || a.protocol !== b.protocol) return false;
  switch (b.kind) {
    case 'protocol':
      return true;
    case 'range':
      return a.kind === 'range' && a.first >= b.first && a.last <= b.last;
    case 'named':
      return a.kind === 'named' && a.name === b.name;
    default:
      return assertNever(b);
  }
}

/** A rule is peers x ports, so one covers another when each peer and each port is covered by one of its own. */
function ruleCovers(c: CompiledSnapshot, b: CompiledRule, a: CompiledRule): boolean {
  return a.peers.every((pa) => b.peers.some((pb) => peerCovers(c, pb, pa))) && a.ports.every((pa) => b.ports.some((pb) => portCovers(pb, pa)));
}

/** Whether a rule admits any end at all here (a peer selecting nothing admits nothing). */
function admitsSomeone(c: CompiledSnapshot, rule: CompiledRule): boolean {
  return rule.peers.some((p) => p.kind !== 'pods' || c.peerPods(p).length > 0);
}

function ruleFindings(c: CompiledSnapshot, policy: CompiledPolicy, out: Finding[]): void {
  const at = (path: string, code: LintCode, severity: Severity, message: string): void => {
    out.push({ code, severity, kind: 'NetworkPolicy', object: policy.ref, path, message });
  };
  const selected = c.selectedBy(policy);
  for (const d of DIRECTIONS) {
    const dr = rulesIn(policy, d);
    if (!dr.isolates) continue;
    const field = d === 'ingress' ? 'from' : 'to';
    dr.rules.forEach((rule, i) => {
      if (isAllowAll(rule)) {
        const others = dr.rules.length - 1;
        at(
          rule.source.path,
          'allow-all-rule',
          others > 0 ? 'warning' : 'info',
          others > 0
            ? `admits every ${d === 'ingress' ? 'source' : 'destination'} on every port, so the other ${others} ${d} rule(s) of this policy are moot; remove them or narrow this rule's ${field} and ports`
            : `admits all ${d} of the pods it selects: they are not isolated for ${d}; if that is meant, drop "${d === 'ingress' ? 'Ingress' : 'Egress'}" from policyTypes instead`,
        );
      }
      for (const peer of rule.peers) {
        if (peer.kind === 'pods' && c.peerPods(peer).length === 0) {
          const scope = peer.namespaces;
          const namespaces = scope.kind === 'selected' ? c.podNamespaces.filter((ns) => selectorMatches(scope.selector, c.namespaceLabels(ns))) : [scope.namespace];
          const why =
            peer.namespaces.kind === 'selected' && namespaces.length === 0
              ? 'its namespaceSelector matches no namespace with pods'
              : `no pod in ${namespaces.length === 1 ? `namespace ${namespaces[0] ?? ''}` : `namespaces ${someOf(namespaces)}`} matches its podSelector`;
          at(peer.source.path, 'peer-selects-nothing', 'warning', `admits no pod: ${why}; check the labels (kubectl get pods,namespaces --show-labels)`);
        }
        if (peer.kind === 'cidr') {
          const pods = c.peerPods(peer);
          if (pods.length > 0) {
            at(
              peer.source.path,
              'ipblock-matches-pods',
              'warning',
              `ipBlock ${peer.cidr.text} contains the addresses of pod(s) ${someOf(pods.map(qualifiedName))}; network plugins disagree on whether ipBlock applies to pods (Cilium does not), so select pods with podSelector/namespaceSelector and keep ipBlock for addresses outside the cluster`,
            );
          }
        }
      }
      for (const m of rule.ports) {
        if (m.kind !== 'named') continue;
        const targets = namedPortDestinations(c, d, rule.peers, selected).filter((p) => !p.hostNetwork);
        if (targets.length > 0 && resolvePortOn(m, targets).length === 0) {
          at(
            m.source.path,
            'named-port-unresolved',
            'warning',
            `no pod that can be the destination (${someOf(targets.map(qualifiedName))}) declares a ${m.protocol} container port named "${m.name}", so this port admits nothing; name the port in the pods' spec or write its number`,
          );
        }
      }
      // Reported once, on the later of two equal rules; an allow-all rule already says the rest is moot.
      if (!admitsSomeone(c, rule)) return;
      const shadow = dr.rules.find((other, j) => j !== i && !isAllowAll(other) && ruleCovers(c, other, rule) && (j < i || !ruleCovers(c, rule, other)));
      if (shadow !== undefined) {
        at(rule.source.path, 'shadowed-rule', 'info', `every connection it admits is admitted by ${shadow.source.path} too; remove it, or merge the two`);
      }
    });
  }
}

/** Whether some rule of the policies that isolate `pod` for egress lets it reach DNS over `protocol`. */
function reachesDns(c: CompiledSnapshot, pod: Pod, protocol: Protocol, dnsPods: readonly Pod[]): boolean {
  return c.isolating(pod, 'egress').some((policy) =>
    policy.egress.rules.some((rule) => {
      if (dnsPods.length === 0) {
        // The DNS servers are not in the input: any rule open on port 53 will do.
        return rule.ports.some((m) => m.kind !== 'named' && portAdmits(m, DNS_PORT, protocol, undefined));
      }
      return dnsPods.some((dns) => rule.peers.some((p) => p.kind === 'any' || c.peerPods(p).includes(dns)) && rule.ports.some((m) => portAdmits(m, DNS_PORT, protocol, dns)));
    }),
  );
}

function dnsFindings(c: CompiledSnapshot, policy: CompiledPolicy, out: Finding[]): void {
  if (!policy.egress.isolates) return;
  const dnsPods = c.pods.filter((p) => p.labels[DNS_LABEL.key] === DNS_LABEL.value);
  const blocked = new Map<string, Pod[]>();
  for (const pod of c.selectedBy(policy)) {
    const missing = (['UDP', 'TCP'] as const).filter((proto) => !reachesDns(c, pod, proto, dnsPods));
    if (missing.length > 0) blocked.set(missing.join(' and '), [...(blocked.get(missing.join(' and ')) ?? []), pod]);
  }
  for (const [missing, pods] of blocked) {
    const udp = missing.includes('UDP');
    out.push({
      code: 'egress-blocks-dns',
      severity: udp ? 'warning' : 'info',
      kind: 'NetworkPolicy',
      object: policy.ref,
      path: 'spec.egress',
      message: `isolates ${someOf(pods.map(qualifiedName))} for egress and no policy selecting them admits ${missing} port 53${dnsPods.length > 0 ? ` to the cluster DNS (${someOf(dnsPods.map(qualifiedName))})` : ''}: ${udp ? 'name lookups fail' : 'answers too large for UDP fail'}; add an egress rule to the DNS pods on UDP and TCP 53`,
    });
  }
}

function policyFindings(c: CompiledSnapshot, policy: CompiledPolicy, out: Finding[]): void {
  const at = (path: string, code: LintCode, severity: Severity, message: string): void => {
    out.push({ code, severity, kind: 'NetworkPolicy', object: policy.ref, path, message });
  };
  if (c.selectedBy(policy).length === 0) {
    at('spec.podSelector', 'selects-no-pods', 'warning', `matches no pod in namespace ${policy.namespace}, so the policy has no effect; check the labels (kubectl get pods -n ${policy.namespace} --show-labels)`);
  }
  const hostNetwork = c.hostNetworkMatched(policy);
  if (hostNetwork.length > 0) {
    at(
      'spec.podSelector',
      'host-network-selected',
      'info',
      `matches hostNetwork pod(s) ${someOf(hostNetwork.map(qualifiedName))}: policies do not apply to them (their traffic is the node's); protect them on the node instead`,
    );
  }
  if (!policy.policyTypesExplicit && policy.egress.isolates && policy.ingress.field === 'absent') {
    at(
      'spec.policyTypes',
      'implicit-ingress-isolation',
      'warning',
      'policyTypes is not written and the policy has egress rules, so it is [Ingress, Egress]: it also isolates its pods for ingress, with no ingress rule, denying all ingress; write policyTypes: [Egress] if only egress is meant',
    );
  }
  ruleFindings(c, policy, out);
  dnsFindings(c, policy, out);
}

/** Whether every end tier peer `a` matches, `b` matches too; unknown peers are left out (they fail closed, by action). */
function tierPeerCovers(c: CompiledSnapshot, b: TierPeerMatcher, a: TierPeerMatcher): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return false;
  if (a.kind === 'nodes' || b.kind === 'nodes') return a.kind === 'nodes' && b.kind === 'nodes' && [...c.nodeAddresses(a)].every((x) => c.nodeAddresses(b).has(x));
  return peerCovers(c, b, a);
}

/**
 * A tier rule that an earlier rule of its policy covers (every peer and port) never matches
 * first, whatever its action: the earlier one always decides. Worse when the actions differ.
 */
function tierRuleFindings(c: CompiledSnapshot, policy: CompiledTierPolicy, out: Finding[]): void {
  for (const d of DIRECTIONS) {
    const rules = tierRulesIn(policy, d);
    rules.forEach((rule, i) => {
      const earlier = rules.slice(0, i).find((b) => rule.peers.every((pa) => b.peers.some((pb) => tierPeerCovers(c, pb, pa))) && rule.ports.every((pa) => b.ports.some((pb) => portCovers(pb, pa))));
      if (earlier === undefined) return;
      const differ = earlier.action !== rule.action;
      out.push({
        code: 'tier-shadowed-rule',
        severity: differ ? 'warning' : 'info',
        kind: policy.kind,
        object: policy.name,
        path: rule.source.path,
        message: differ
          ? `never decides: ${earlier.source.path} (${earlier.actionText}) matches every connection it would, and the first matching rule wins, so its ${rule.actionText} never applies; move it above, or narrow ${earlier.source.path}`
          : `never decides: ${earlier.source.path} (${earlier.actionText} too) matches every connection it would; remove it, or merge the two`,
      });
    });
  }
}

/** Two tier policies of one tier and priority that both hold some pod in a direction: their order is the implementation's. */
function priorityTies(c: CompiledSnapshot, out: Finding[]): void {
  const policies = c.tierPolicies;
  policies.forEach((b, j) => {
    for (const a of policies.slice(0, j)) {
      if (a.tier !== b.tier || a.priority === undefined || a.priority !== b.priority) continue;
      const both = DIRECTIONS.filter((d) => tierRulesIn(a, d).length > 0 && tierRulesIn(b, d).length > 0);
      const shared = c.tierSelectedBy(b).filter((pod) => c.tierSelects(a, pod));
      if (both.length === 0 || shared.length === 0) continue;
      out.push({
        code: 'priority-tie',
        severity: 'warning',
        kind: b.kind,
        object: b.name,
        path: 'spec.priority',
        message: `${a.ref} has the same tier (${a.tier}) and priority (${a.priority}), and both hold ${someOf(shared.map(qualifiedName))} for ${both.join(' and ')}: which is tried first is the implementation's choice, so give them different priorities`,
      });
    }
  });
}

/** Whether a rule admits anything to `pod` (its ingress destination). */
function admitsInto(c: CompiledSnapshot, rule: CompiledRule, pod: Pod): boolean {
  if (!admitsSomeone(c, rule)) return false;
  return rule.ports.some((m) => m.kind !== 'named' || resolvePortOn(m, [pod]).length > 0);
}

function podFindings(c: CompiledSnapshot, pod: Pod, out: Finding[]): void {
  if (pod.hostNetwork) return;
  const isolating = c.isolating(pod, 'ingress');
  if (isolating.length === 0) return;
  if (isolating.some((p) => p.ingress.rules.some((r) => admitsInto(c, r, pod)))) return;
  const written = isolating.some((p) => p.ingress.rules.length > 0);
  out.push({
    code: 'unreachable-pod',
    severity: written ? 'warning' : 'info',
    kind: pod.workload ?? 'Pod',
    object: qualifiedName(pod),
    path: '',
    message: written
      ? `isolated for ingress by ${someOf(isolating.map((p) => p.ref))}, whose rules admit no connection to it (their peers select nothing or their ports are not its own): it can receive nothing; fix those rules`
      : `isolated for ingress by ${someOf(isolating.map((p) => p.ref))}, which ${isolating.length === 1 ? 'admits' : 'admit'} nothing: it can receive nothing; add a policy with an ingress rule for it if it serves anyone`,
  });
}

const bySeverity = (s: Severity): number => SEVERITIES.indexOf(s);

/** Every finding in scope, most severe first, then by object and path. */
export function lintSnapshot(c: CompiledSnapshot, scope: LintScope = {}): Finding[] {
  const out: Finding[] = [];
  const inScope = (ns: string): boolean => scope.namespaces === undefined || scope.namespaces.includes(ns);
  const policies = scope.policy === undefined ? c.policies.filter((p) => inScope(p.namespace)) : [scope.policy];
  for (const p of policies) policyFindings(c, p, out);
  if (scope.policy === undefined) {
    for (const pod of c.pods) if (inScope(pod.namespace)) podFindings(c, pod, out);
    // Cluster-scoped: in every namespace's scope.
    for (const p of c.tierPolicies) tierRuleFindings(c, p, out);
    priorityTies(c, out);
  }
  return out.sort((a, b) => bySeverity(a.severity) - bySeverity(b.severity) || cmp(a.object, b.object) || cmp(a.path, b.path) || cmp(a.code, b.code));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a finding is at or above `threshold`. */
export function atLeast(f: { readonly severity: Severity }, threshold: Severity): boolean {
  return bySeverity(f.severity) <= bySeverity(threshold);
}
