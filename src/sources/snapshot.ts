/**
 * @module sources/snapshot
 * From decoded objects to the Snapshot the engine reads: collecting objects while rejecting
 * duplicates, laying local files over a cluster's objects, and finally adding the namespaces that
 * pods and policies imply, in one deterministic order so every output is reproducible.
 */
import { CliError } from '../errors.js';
import type { ClusterNode, Namespace, NetworkPolicy, Pod, Snapshot } from '../model/index.js';
import { NAMESPACE_NAME_LABEL } from './decode.js';
import { describeOrigin } from './decode-fields.js';
import type { DecodedObject, ObjectSet, Origin } from './objects.js';

/**
 * Identity of an object: kind, namespace, name. A workload is keyed by its own kind, so a
 * Deployment `web` and a Pod `web` in one namespace are different objects.
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

/** Accumulates decoded objects in input order; a second object with the same identity is an error. */
export class ObjectCollector {
  private readonly seen = new Map<string, Origin>();
  private readonly namespaces: Namespace[] = [];
  private readonly pods: Pod[] = [];
  private readonly policies: NetworkPolicy[] = [];
  private readonly nodes: ClusterNode[] = [];

  add(obj: DecodedObject, origin: Origin): void {
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
        this.pods.push(obj.value);
        return;
      case 'NetworkPolicy':
        this.policies.push(obj.value);
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
      pods: [...this.pods],
      policies: [...this.policies],
      nodes: [...this.nodes],
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
  };
}

function byKey<T>(key: (x: T) => readonly string[]): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const x = ka[i] ?? '';
      const y = kb[i] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

/**
 * The Snapshot for the engine: every namespace a pod or policy lives in exists (an implied one has
 * only the `kubernetes.io/metadata.name` label, as the API server would give it), and everything is
 * sorted: namespaces and nodes by name, pods and policies by namespace then name.
 */
export function toSnapshot(objects: ObjectSet): Snapshot {
  const namespaces = new Map(objects.namespaces.map((n) => [n.name, n]));
  for (const o of [...objects.pods, ...objects.policies]) {
    if (!namespaces.has(o.namespace)) {
      namespaces.set(o.namespace, { name: o.namespace, labels: { [NAMESPACE_NAME_LABEL]: o.namespace } });
    }
  }
  return {
    namespaces: [...namespaces.values()].sort(byKey((n) => [n.name])),
    pods: [...objects.pods].sort(byKey((p) => [p.namespace, p.name, p.workload ?? ''])),
    policies: [...objects.policies].sort(byKey((p) => [p.namespace, p.name])),
    nodes: [...objects.nodes].sort(byKey((n) => [n.name])),
  };
}
