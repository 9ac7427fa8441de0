/**
 * @module sources/snapshot
 * From decoded objects to the Snapshot the engine reads: collecting objects while rejecting
 * duplicates, laying local files over a cluster's objects, and finally adding the namespaces that
 * pods and policies imply, in one deterministic order so every output is reproducible.
 */
import { CliError } from '../errors.js';
import { qualifiedName, type ClusterNode, type Namespace, type NetworkPolicy, type Pod, type Service, type Snapshot, type TierPolicy } from '../model/index.js';
import { NAMESPACE_NAME_LABEL, type WorkloadOwner } from './decode.js';
import { describeOrigin } from './decode-fields.js';
import type { DecodedObject, ObjectSet, Origin } from './objects.js';

/**
 * Identity of an object: kind, namespace, name. A workload is keyed by its own kind, so a
 * Deployment `web` and a Pod `web` in one namespace are different objects (whether both may count
 * as pods is decided later, by countedPods).
 */
export function objectKey(obj: DecodedObject): string {
  switch (obj.kind) {
    case 'Namespace':
      return `Namespace/${obj.value.name}`;
    case 'Node':
      return `Node/${obj.value.name}`;
    case 'Pod':
      return `${obj.value.workload ?? 'Pod'}/${obj.value.namespace}/${obj.value.name}`;
    case 'NetworkPolicy':
      return `NetworkPolicy/${obj.value.namespace}/${obj.value.name}`;
    case 'Service':
      return `Service/${obj.value.namespace}/${obj.value.name}`;
    case 'TierPolicy':
      return `${obj.value.kind}/${obj.value.name}`;
    default: {
      const never: never = obj;
      return never;
    }
  }
}

/** `NetworkPolicy shop/web`, `Deployment shop/api`, `Node node-a`. */
export function describeObject(obj: DecodedObject): string {
  const [kind, ...rest] = objectKey(obj).split('/');
  return `${kind} ${rest.join('/')}`;
}

interface PodEntry {
  readonly pod: Pod;
  readonly origin: Origin;
  readonly owner: WorkloadOwner | undefined;
}

const podKey = (namespace: string, kind: string, name: string): string => `${kind}/${namespace}/${name}`;

/**
 * The pods that count, in input order. A workload stands for one pod only while nothing else
 * does: not when its controller (a Deployment for its ReplicaSet, a CronJob for its Job) is in the
 * input, and not when real Pods it controls, directly or through a ReplicaSet or Job, are. So a
 * `kubectl get all` dump counts each running pod once. Then two pods of one namespace and name
 * (a Pod and a workload, or two workloads of different kinds) are an error, naming both.
 */
function countedPods(entries: readonly PodEntry[]): Pod[] {
  const workloads = new Map<string, PodEntry>();
  for (const e of entries) {
    if (e.pod.workload !== undefined) workloads.set(podKey(e.pod.namespace, e.pod.workload, e.pod.name), e);
  }
  const ownerOf = (e: PodEntry): PodEntry | undefined =>
    e.owner === undefined ? undefined : workloads.get(podKey(e.pod.namespace, e.owner.kind, e.owner.name));
  const replaced = new Set<PodEntry>();
  for (const e of entries) {
    if (e.pod.workload !== undefined && ownerOf(e) !== undefined) replaced.add(e);
  }
  // Up from each real Pod; a workload met before has had its owners marked already, which also
  // ends a cycle of owners that a hostile input may hold.
  const ownPods = new Set<PodEntry>();
  for (const e of entries) {
    if (e.pod.workload !== undefined) continue;
    for (let o = ownerOf(e); o !== undefined && !ownPods.has(o); o = ownerOf(o)) ownPods.add(o);
  }
  const byName = new Map<string, PodEntry>();
  const out: Pod[] = [];
  for (const e of entries) {
    if (replaced.has(e) || ownPods.has(e)) continue;
    const name = qualifiedName(e.pod);
    const first = byName.get(name);
    if (first !== undefined) {
      const describe = (x: PodEntry): string => `${x.pod.workload ?? 'Pod'} ${name}`;
      throw new CliError(
        `${describeOrigin(e.origin)}: ${describe(e)} and ${describe(first)} (${describeOrigin(first.origin)}) would both be pod ${name}: ` +
          'a workload none of whose pods are in the input counts as one pod named after it',
      );
    }
    byName.set(name, e);
    out.push(e.pod);
  }
  return out;
}

/**
 * Accumulates decoded objects in input order; a second object with the same identity is an
 * error. `result` then keeps the pods that count (see countedPods).
 */
export class ObjectCollector {
  private readonly seen = new Map<string, Origin>();
  private readonly namespaces: Namespace[] = [];
  private readonly pods: PodEntry[] = [];
  private readonly policies: NetworkPolicy[] = [];
  private readonly nodes: ClusterNode[] = [];
  private readonly services: Service[] = [];
  private readonly tierPolicies: TierPolicy[] = [];
  private readonly skipped = new Map<string, number>();

  /** An object of a kind this tool does not evaluate: counted, so that the user hears of it. */
  skip(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }

  /** `owner`: for a pod or workload, the workload that controls it (see DecodedEntry). */
  add(obj: DecodedObject, origin: Origin, owner?: WorkloadOwner): void {
    const key = objectKey(obj);
    const first = this.seen.get(key);
    if (first !== undefined) {
      throw new CliError(
        `${describeOrigin(origin)}: duplicate ${describeObject(obj)}: already defined at ${describeOrigin(first)}`,
      );
    }
    this.seen.set(key, origin);
    switch (obj.kind) {
      case 'Namespace':
        this.namespaces.push(obj.value);
        return;
      case 'Node':
        this.nodes.push(obj.value);
        return;
      case 'Pod':
        this.pods.push({ pod: obj.value, origin, owner });
        return;
      case 'NetworkPolicy':
        this.policies.push(obj.value);
        return;
      case 'Service':
        this.services.push(obj.value);
        return;
      case 'TierPolicy':
        this.tierPolicies.push(obj.value);
        return;
      default: {
        const never: never = obj;
        return never;
      }
    }
  }

  result(): ObjectSet {
    return {
      namespaces: [...this.namespaces],
      pods: countedPods(this.pods),
      policies: [...this.policies],
      nodes: [...this.nodes],
      ...(this.skipped.size === 0 ? {} : { skipped: [...this.skipped].map(([kind, count]) => ({ kind, count })) }),
      services: [...this.services],
      tierPolicies: [...this.tierPolicies],
    };
  }
}

function overlay<T>(base: readonly T[], local: readonly T[], key: (x: T) => string): T[] {
  const replacements = new Map(local.map((x) => [key(x), x]));
  const out = base.map((x) => {
    const k = key(x);
    const r = replacements.get(k);
    if (r === undefined) return x;
    replacements.delete(k);
    return r;
  });
  // What is left was not in base: appended in local order.
  return [...out, ...local.filter((x) => replacements.get(key(x)) === x)];
}

/**
 * `local` laid over `base`: an object with the same kind, namespace and name replaces the base one
 * in place; new objects follow the base ones, in local order.
 */
export function overlayObjects(base: ObjectSet, local: ObjectSet): ObjectSet {
  return {
    namespaces: overlay(base.namespaces, local.namespaces, (n) => objectKey({ kind: 'Namespace', value: n })),
    pods: overlay(base.pods, local.pods, (p) => objectKey({ kind: 'Pod', value: p })),
    policies: overlay(base.policies, local.policies, (p) => objectKey({ kind: 'NetworkPolicy', value: p })),
    nodes: overlay(base.nodes, local.nodes, (n) => objectKey({ kind: 'Node', value: n })),
    services: overlay(base.services, local.services, (s) => objectKey({ kind: 'Service', value: s })),
    tierPolicies: overlay(base.tierPolicies, local.tierPolicies, (t) => objectKey({ kind: 'TierPolicy', value: t })),
  };
}

/** Orders by each text in turn; a comparator rather than key arrays, since a sort calls it n log n times. */
function compareTexts(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byName = (a: { readonly name: string }, b: { readonly name: string }): number => compareTexts(a.name, b.name);
const byNamespaceName = (a: { readonly namespace: string; readonly name: string }, b: { readonly namespace: string; readonly name: string }): number =>
  compareTexts(a.namespace, b.namespace) || compareTexts(a.name, b.name);

/**
 * The Snapshot for the engine: every namespace a pod or policy lives in exists (an implied one has
 * only the `kubernetes.io/metadata.name` label, as the API server would give it), and everything is
 * sorted: namespaces and nodes by name, pods, policies and Services by namespace then name. A
 * Service implies no namespace: it admits nothing and is selected by nothing, and a namespace of
 * its own in the list would change what namespaceSelectors are shown to match.
 */
export function toSnapshot(objects: ObjectSet): Snapshot {
  const namespaces = new Map(objects.namespaces.map((n) => [n.name, n]));
  for (const o of [...objects.pods, ...objects.policies]) {
    if (!namespaces.has(o.namespace)) {
      namespaces.set(o.namespace, { name: o.namespace, labels: { [NAMESPACE_NAME_LABEL]: o.namespace } });
    }
  }
  return {
    namespaces: [...namespaces.values()].sort(byName),
    pods: [...objects.pods].sort((a, b) => byNamespaceName(a, b) || compareTexts(a.workload ?? '', b.workload ?? '')),
    policies: [...objects.policies].sort(byNamespaceName),
    nodes: [...objects.nodes].sort(byName),
    services: [...objects.services].sort(byNamespaceName),
    tierPolicies: [...objects.tierPolicies].sort((a, b) => compareTexts(a.kind, b.kind) || byName(a, b)),
  };
}
