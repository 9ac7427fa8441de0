/**
 * @module test/support/store
 * The fake API server's objects: one map per resource, a global resourceVersion counter, and
 * paginated listing with opaque continue tokens. Objects are stored defaulted, as the real server
 * stores them (defaults.ts). Items are kept with kind/apiVersion (as `add` got them) and stripped
 * of both in list responses, like the real server's list items.
 */
import { randomUUID } from 'node:crypto';
import { applyServerDefaults } from './defaults.js';
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

  private map(r: ResourceInfo): Map<string, JsonObject> {
    let m = this.maps.get(r.name);
    if (!m) {
      m = new Map();
      this.maps.set(r.name, m);
    }
    return m;
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
   * the API's field defaults (defaults.ts), for seeded and created objects alike.
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
    meta['uid'] ??= randomUUID();
    meta['creationTimestamp'] ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    meta['resourceVersion'] = this.nextVersion();
    applyServerDefaults(r.name, name, obj);
    this.map(r).set(keyOf(r.namespaced ? str(meta['namespace']) : undefined, name), obj);
    return obj;
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    return this.map(r).get(keyOf(r.namespaced ? namespace : undefined, name));
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = keyOf(r.namespaced ? namespace : undefined, name);
    const obj = this.map(r).get(key);
    if (obj) this.map(r).delete(key);
    return obj;
  }

  /** Marks an in-place change of a stored object. */
  touch(obj: JsonObject): void {
    metaOf(obj)['resourceVersion'] = this.nextVersion();
  }

  all(r: ResourceInfo): JsonObject[] {
    return [...this.map(r).values()];
  }

  /**
   * One page, in key order (etcd's order: namespace/name). The continue token encodes the last key
   * returned and the list's resourceVersion; it is base64 so callers treat it as opaque.
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
    const rows = [...this.map(r).entries()]
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
