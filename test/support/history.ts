/**
 * @module test/support/history
 * The fake's change history, the part of etcd a watch reads: every create, update and delete in
 * resourceVersion order, with the object after the change and before it. A watch from a given
 * resourceVersion replays the changes after it and then follows new ones; a continued list is
 * served as of its first page by undoing the later changes. Like etcd after a compaction, the
 * history can forget everything up to a version, and a request for an older one is Expired (410).
 */
import type { ResourceName } from './resources.js';
import type { JsonObject } from './selectors.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  readonly type: ChangeType;
  readonly resource: ResourceName;
  /** The store key: `namespace/name`, or `name` for cluster-scoped kinds. */
  readonly key: string;
  readonly resourceVersion: number;
  /** A copy of the object after the change; for DELETED its last state, at the deletion's version. */
  readonly object: JsonObject;
  /** A copy of the object before the change; absent for ADDED. */
  readonly previous?: JsonObject;
}

/** The version asked for is older than what the history still holds. */
export class ExpiredError extends Error {
  constructor(
    readonly requested: number,
    /** The oldest version a request may still start from. */
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export type ChangeListener = (change: Change) => void;

export class ChangeLog {
  private changes: Change[] = [];
  private compactedAt = 0;
  private readonly listeners = new Set<ChangeListener>();

  record(change: Change): void {
    this.changes.push(change);
    for (const l of [...this.listeners]) l(change);
  }

  /** Follows new changes until the returned function is called. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The changes after `version`, oldest first; throws ExpiredError when some were forgotten. */
  since(version: number): Change[] {
    if (version < this.compactedAt) throw new ExpiredError(version, this.compactedAt);
    return this.changes.filter((c) => c.resourceVersion > version);
  }

  /** Forgets every change up to and including `version`. */
  compact(version: number): void {
    this.compactedAt = Math.max(this.compactedAt, version);
    this.changes = this.changes.filter((c) => c.resourceVersion > this.compactedAt);
  }
}
