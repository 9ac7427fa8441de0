/**
 * @module engine/resolve
 * Turns compiled peers and ports into the concrete objects they stand for in a snapshot: the pods
 * a pods peer admits (through an index of pods by label), the pods whose addresses fall in a cidr
 * peer (through an index of addresses in order), the pods a named port can be the destination
 * port of, and the number it has on each.
 */
import { bitsOf, cidrContains, type Cidr, type IpAddress, type IpFamily, type Pod } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Direction } from './direction.js';
import type { PeerMatcher, PodScope, PortMatcher } from './policy.js';
import { namedPortNumber } from './port.js';
import { selectorMatches } from './selector.js';

/** Pods (of the pod network: hostNetwork pods are never a pods peer's) by `key=value` label. */
export class LabelIndex {
  private index: Map<string, Pod[]> | undefined;

  constructor(private readonly pods: readonly Pod[]) {}

  /** Pods carrying label key=value, in snapshot order. */
  withLabel(key: string, value: string): readonly Pod[] {
    if (this.index === undefined) {
      const index = new Map<string, Pod[]>();
      for (const pod of this.pods) {
        if (pod.hostNetwork) continue;
        for (const [k, v] of Object.entries(pod.labels)) {
          const id = `${k}=${v}`;
          const list = index.get(id);
          if (list === undefined) index.set(id, [pod]);
          else list.push(pod);
        }
      }
      this.index = index;
    }
    return this.index.get(`${key}=${value}`) ?? [];
  }
}

export interface ScopeQuery {
  readonly namespaces: readonly string[];
  readonly pods: PodScope;
  podsIn(namespace: string): readonly Pod[];
  readonly labels: LabelIndex;
  inSnapshotOrder(pods: readonly Pod[]): Pod[];
}

/**
 * Pods of `namespaces` that `pods` chooses, hostNetwork pods never, in snapshot order. A selector
 * with a label to match starts from the pods carrying that label when they are fewer than the
 * namespaces' pods: "app=web in every namespace" then costs the web pods, not the cluster.
 */
export function podsOfScope(q: ScopeQuery): readonly Pod[] {
  const scope = q.pods;
  switch (scope.kind) {
    case 'all': {
      const hits = q.namespaces.flatMap((ns) => q.podsIn(ns).filter((p) => !p.hostNetwork));
      return q.namespaces.length > 1 ? q.inSnapshotOrder(hits) : hits;
    }
    case 'selected': {
      const sel = scope.selector;
      const first = Object.entries(sel.matchLabels)[0];
      const labelled = first === undefined ? undefined : q.labels.withLabel(first[0], first[1]);
      const inNamespaces = q.namespaces.reduce((n, ns) => n + q.podsIn(ns).length, 0);
      if (labelled !== undefined && labelled.length < inNamespaces) {
        const wanted = new Set(q.namespaces);
        return labelled.filter((p) => wanted.has(p.namespace) && selectorMatches(sel, p.labels));
      }
      const hits = q.namespaces.flatMap((ns) => q.podsIn(ns).filter((p) => !p.hostNetwork && selectorMatches(sel, p.labels)));
      return q.namespaces.length > 1 ? q.inSnapshotOrder(hits) : hits;
    }
    default:
      return assertNever(scope);
  }
}

/** Every pod address of one family in ascending order, so that a CIDR's pods are one range of it. */
export class AddressIndex {
  private readonly entries: { readonly value: bigint; readonly ip: IpAddress; readonly pod: Pod }[];

  constructor(
    pods: readonly Pod[],
    readonly family: IpFamily,
  ) {
    this.entries = pods
      .flatMap((pod) => pod.ips.filter((ip) => ip.family === family).map((ip) => ({ value: ip.value, ip, pod })))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  /** Entries whose address lies in `cidr`, in address order. */
  within(cidr: Cidr): readonly { readonly ip: IpAddress; readonly pod: Pod }[] {
    const size = 1n << BigInt(bitsOf(cidr.family) - cidr.prefix);
    const first = this.lowerBound(cidr.base);
    const end = this.lowerBound(cidr.base + size);
    return this.entries.slice(first, end);
  }

  private lowerBound(value: bigint): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as { value: bigint }).value < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Pods having an address inside `cidr` and outside every except (hostNetwork pods included). */
export function podsInBlock(index: AddressIndex, cidr: Cidr, except: readonly Cidr[]): Pod[] {
  if (cidr.family !== index.family) return [];
  const hits = new Set<Pod>();
  for (const { ip, pod } of index.within(cidr)) if (!except.some((e) => cidrContains(e, ip))) hits.add(pod);
  return [...hits];
}

/**
 * The pods that can be the destination of a connection admitted through `peers` (a rule's, or
 * some of them), where named ports resolve: for ingress the selected pods given (`selected`, the
 * policy's or some of them), for egress the pods those peers admit, since the destination is the peer.
 */
export function namedPortDestinations(c: CompiledSnapshot, direction: Direction, peers: readonly PeerMatcher[], selected: readonly Pod[]): readonly Pod[] {
  if (direction === 'ingress') return selected;
  if (peers.some((p) => p.kind === 'any')) return c.pods;
  const [only] = peers;
  if (only !== undefined && peers.length === 1) return c.peerPods(only);
  return c.inSnapshotOrder([...new Set(peers.flatMap((p) => c.peerPods(p)))]);
}

/** For a named port: the number it resolves to on each given pod (pods lacking it are left out). */
export function resolvePortOn(m: Extract<PortMatcher, { kind: 'named' }>, pods: readonly Pod[]): { pod: Pod; port: number }[] {
  return pods.flatMap((pod) => {
    const port = pod.hostNetwork ? undefined : namedPortNumber(pod, m.name, m.protocol);
    return port === undefined ? [] : [{ pod, port }];
  });
}
