/**
 * @module scripts/bench/live-protocol
 * What the bench and its live server (scripts/bench/live-server) say to each other over IPC, and
 * how the server counts the lists and pages of its request log. Apart from the server's module,
 * which starts a server when loaded, so the bench and tests can import it.
 */
import type { RequestLogEntry } from '../../test/support/apiserver.js';

/** Bench to server. */
export type LiveRequest = { readonly type: 'stats' } | { readonly type: 'close' };

/** What the server saw between two 'stats' messages. */
export interface LiveStats {
  /** Lists read: first pages (a GET of a collection without `continue`). */
  readonly lists: number;
  /** Pages served: every GET of a collection answered 200, first or continued. */
  readonly pages: number;
  /** Of the lists, how many asked for pages (`limit`). */
  readonly limited: number;
}

/** Server to bench. */
export type LiveReply =
  | { readonly type: 'ready'; readonly kubeconfig: string; readonly objects: number; readonly loadMs: number }
  | { readonly type: 'stats'; readonly stats: LiveStats }
  | { readonly type: 'failed'; readonly reason: string };

/** A collection path ends in a plural the server serves: /api/v1/pods, /api/v1/namespaces/ns-0/pods. */
const COLLECTION = /\/(pods|namespaces|nodes|networkpolicies)$/;

export function statsOf(entries: readonly RequestLogEntry[]): LiveStats {
  const pages = entries.filter((e) => e.method === 'GET' && e.status === 200 && COLLECTION.test(e.path));
  const first = pages.filter((e) => !e.query.has('continue'));
  return { lists: first.length, pages: pages.length, limited: first.filter((e) => e.query.has('limit')).length };
}
