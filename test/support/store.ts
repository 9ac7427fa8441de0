/**
 * @module test/support/store
 * The fake API server's objects: one map per resource, a global resourceVersion counter, and
 * paginated listing with opaque continue tokens. Objects are stored defaulted, as the real server
 * stores them (defaults.ts). Items are kept with kind/apiVersion (as `add` got them) and stripped
 * of both in list responses, like the real server's list items. Every change takes the next
 * resourceVersion and goes into the history (history.ts) that watches read, so a list's version
 * and a watch from it agree: the watch sees exactly the changes the list did not.
 */
import { randomUUID } from 'node:crypto';
import { applyServerDefaults } from './defaults.js';
import { ChangeLog, ExpiredError, type Change, type ChangeType } from './history.js';
import { apiVersionOf, resourceByKind, type ResourceInfo, type ResourceName } from './resources.js';
import type { JsonObject, Matcher } from './selectors.js';

export interface ListPage {
  readonly items: JsonObject[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

/** A continue token that does not decode; the server prefixes the message with "invalid continue token: ". */
export class InvalidContinueError extends Error {}

/** A continue token whose list version the history no longer holds, so its snapshot is gone. */
export class ExpiredContinueError extends Error {}

export function metaOf(obj: JsonObject): JsonObject {
  const m = obj['metadata'];
  if (typeof m === 'object' && m !== null) return m as JsonObject;
  const fresh: JsonObject = {};
  obj['metadata'] = fresh;
  return fresh;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

export class ObjectStore {
  private rv = 1000;
  private readonly maps = new Map<ResourceName, Map<string, JsonObject>>();
  /** Each object as of its last recorded change: the "before" of the next in-place change. */
  private readonly recorded = new Map<ResourceName, Map<string, JsonObject>>();
  readonly history = new ChangeLog();

  private map(r: ResourceInfo): Map<string, JsonObject> {
    return mapIn(this.maps, r.name);
  }

  private record(r: ResourceInfo, type: ChangeType, key: string, obj: JsonObject): void {
    const snapshots = mapIn(this.recorded, r.name);
    const previous = snapshots.get(key);
    const object = structuredClone(obj);
    if (type === 'DELETED') snapshots.delete(key);
    else snapshots.set(key, object);
    const change: Change = {
      type, resource: r.name, key, resourceVersion: this.rv, object, ...(previous !== undefined ? { previous } : {}),
    };
    this.history.record(change);
  }

  nextVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  currentVersion(): string {
    return String(this.rv);
  }

  /**
   * Stores a copy, filling in what the server would: uid, resourceVersion, creationTimestamp, and
   * the API's field defaults (defaults.ts), for seeded and created objects alike. An object that
   * is already stored is replaced (MODIFIED), keeping its uid and creationTimestamp unless given.
   */
  put(raw: JsonObject): JsonObject {
    const r = resourceByKind(str(raw['kind']));
    if (!r) throw new Error(`fake apiserver: unsupported kind ${String(raw['kind'])}`);
    const obj = structuredClone(raw);
    obj['apiVersion'] = apiVersionOf(r);
    const meta = metaOf(obj);
    const name = str(meta['name']);
    if (name === '') throw new Error('fake apiserver: object without metadata.name');
    if (r.namespaced) meta['namespace'] = str(meta['namespace']) || 'default';
    else delete meta['namespace'];
    const key = keyOf(r.namespaced ? str(meta['namespace']) : undefined, name);
    const existing = this.map(r).get(key);
    const existingMeta = existing ? metaOf(existing) : {};
    meta['uid'] ??= existingMeta['uid'] ?? randomUUID();
    meta['creationTimestamp'] ??= existingMeta['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    meta['resourceVersion'] = this.nextVersion();
    applyServerDefaults(r.name, name, obj);
    this.map(r).set(key, obj);
    this.record(r, existing ? 'MODIFIED' : 'ADDED', key, obj);
    return obj;
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    return this.map(r).get(keyOf(r.namespaced ? namespace : undefined, name));
  }

  /**
   * Removes the object and returns its last state at the deletion's resourceVersion, which is what
   * the real server answers a DELETE with and sends in the DELETED event.
   */
  delete(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = keyOf(r.namespaced ? namespace : undefined, name);
    const obj = this.map(r).get(key);
    if (!obj) return undefined;
    this.map(r).delete(key);
    metaOf(obj)['resourceVersion'] = this.nextVersion();
    this.record(r, 'DELETED', key, obj);
    return obj;
  }

  /** Marks an in-place change of a stored object (MODIFIED). */
  touch(obj: JsonObject): void {
    const r = resourceByKind(str(obj['kind']));
    const meta = metaOf(obj);
    const key = r ? keyOf(r.namespaced ? str(meta['namespace']) : undefined, str(meta['name'])) : '';
    if (!r || this.map(r).get(key) !== obj) throw new Error('fake apiserver: touch of an object that is not stored');
    meta['resourceVersion'] = this.nextVersion();
    this.record(r, 'MODIFIED', key, obj);
  }

  /** Forgets the history up to now, as an etcd compaction does: older versions become Expired. */
  compact(): string {
    this.history.compact(this.rv);
    return this.currentVersion();
  }

  /** The objects of `r` as they were at `version`: today's, with every later change undone. */
  private mapAt(r: ResourceInfo, version: number): Map<string, JsonObject> {
    let later: Change[];
    try {
      later = this.history.since(version);
    } catch (e) {
      if (e instanceof ExpiredError) throw new ExpiredContinueError(e.message);
      throw e;
    }
    const m = new Map(this.map(r));
    for (const c of later.filter((x) => x.resource === r.name).reverse()) {
      if (c.previous === undefined) m.delete(c.key);
      else m.set(c.key, c.previous);
    }
    return m;
  }

  all(r: ResourceInfo): JsonObject[] {
    return [...this.map(r).values()];
  }

  /**
   * One page, in key order (etcd's order: namespace/name). The continue token encodes the last key
   * returned and the list's resourceVersion; it is base64 so callers treat it as opaque. Later pages
   * are served as of the first page's version, as etcd reads them, so a paged list is one snapshot.
   */
  list(
    r: ResourceInfo,
    opts: { namespace?: string; match: Matcher; limit: number; continueToken?: string },
  ): ListPage {
    let after = '';
    let rv = this.currentVersion();
    if (opts.continueToken !== undefined && opts.continueToken !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(opts.continueToken, 'base64url').toString('utf8'));
      } catch (e) {
        throw new InvalidContinueError(`continue key is not valid: ${e instanceof Error ? e.message : String(e)}`);
      }
      const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { after?: unknown; rv?: unknown };
      if (typeof p.rv !== 'string' || !/^[1-9]\d*$/.test(p.rv)) {
        throw new InvalidContinueError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
      if (typeof p.after !== 'string' || p.after === '') throw new InvalidContinueError('continue key is not valid: encoded start key empty');
      after = p.after;
      rv = p.rv;
    }
    const objects = rv === this.currentVersion() ? this.map(r) : this.mapAt(r, Number(rv));
    const rows = [...objects.entries()]
      .filter(([key, obj]) => {
        if (key <= after && after !== '') return false;
        if (opts.namespace !== undefined && str(metaOf(obj)['namespace']) !== opts.namespace) return false;
        return opts.match(obj);
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const limited = opts.limit > 0 && rows.length > opts.limit;
    const page = limited ? rows.slice(0, opts.limit) : rows;
    const items = page.map(([, obj]) => {
      const copy = structuredClone(obj);
      delete copy['kind'];
      delete copy['apiVersion'];
      return copy;
    });
    if (!limited) return { items, resourceVersion: rv };
    const lastKey = page[page.length - 1]?.[0] ?? '';
    const continueToken = Buffer.from(JSON.stringify({ rv, after: lastKey }), 'utf8').toString('base64url');
    return { items, resourceVersion: rv, continueToken, remainingItemCount: rows.length - page.length };
  }
}

function mapIn(maps: Map<ResourceName, Map<string, JsonObject>>, name: ResourceName): Map<string, JsonObject> {
  let m = maps.get(name);
  if (!m) {
    m = new Map();
    maps.set(name, m);
  }
  return m;
}
