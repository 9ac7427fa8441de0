/**
 * @module sources/objects
 * What every source (files, stdin, the API server) produces before it becomes a Snapshot: the
 * objects it actually holds, each decoded and validated, with where it came from. Implied objects
 * (namespaces referenced but not defined) are added only when the final Snapshot is built, so that
 * local files laid over a cluster never replace a real namespace with an implied one.
 */
import type { ClusterNode, Namespace, NetworkPolicy, Pod, Service, TierPolicy } from '../model/index.js';

/** Where an object was read, for error messages: `policies.yaml (document 2, line 14)`. */
export interface Origin {
  /** A file path, `<stdin>`, or the cluster's server URL. */
  readonly source: string;
  /** 1-based index of the YAML document in a multi-document file. */
  readonly document?: number;
  /** 1-based line of the object's start, where known. */
  readonly line?: number;
}

export type DecodedObject =
  | { readonly kind: 'Namespace'; readonly value: Namespace }
  | { readonly kind: 'Pod'; readonly value: Pod }
  | { readonly kind: 'NetworkPolicy'; readonly value: NetworkPolicy }
  | { readonly kind: 'Node'; readonly value: ClusterNode }
  | { readonly kind: 'Service'; readonly value: Service }
  | { readonly kind: 'TierPolicy'; readonly value: TierPolicy };

export interface ObjectSet {
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly policies: readonly NetworkPolicy[];
  readonly nodes: readonly ClusterNode[];
  readonly services: readonly Service[];
  readonly tierPolicies: readonly TierPolicy[];
  /** Objects of kinds (or API versions) not evaluated, by `Kind` or `Kind (apiVersion)`: files only. */
  readonly skipped?: readonly SkippedKind[];
}

export interface SkippedKind {
  readonly kind: string;
  readonly count: number;
}

export const EMPTY_OBJECTS: ObjectSet = { namespaces: [], pods: [], policies: [], nodes: [], services: [], tierPolicies: [] };
