/**
 * @module sources/cluster-watch
 * The live cluster kept in memory: each resource is listed (paged, as wire JSON), then watched from
 * the list's resourceVersion. A watch that ends (the server's timeoutSeconds, a dropped
 * connection) resumes from the last version seen; 410 Gone, as an HTTP status or an ERROR event,
 * relists; any other failure is reported and retried with backoff, never given up. Objects are
 * decoded once, when they arrive, so that a snapshot after a change costs only the changed ones.
 * client-node's Watch does the streaming (auth and TLS from the kubeconfig); its informer is not
 * used, since it gives up on the first error and mixes model and wire shapes (STACK-NOTES).
 * The admin tiers' resources are optional: where no CRD defines them (404 NotFound) or the user
 * may not list them (403, one warning), they hold nothing and are asked again every `probeMs`, so
 * CRDs installed (or RBAC granted) later are picked up; a CRD deleted while watched empties them.
 */
import { ApiException, Watch, type Configuration, type KubeConfig } from '@kubernetes/client-node';
import { collectionPath, getListPage, RESOURCES, TIER_RESOURCES, type ListedResource, type WireObject } from './cluster-raw.js';
import { decodeObject } from './decode.js';
import type { DecodedObject, ObjectSet, Origin } from './objects.js';
import { ObjectCollector } from './snapshot.js';

export interface WatchListener {
  /** Something changed: call `snapshot()` when ready to look. */
  onChange(): void;
  /** A failure the watch works around by retrying (one line, for the user). */
  onProblem(text: string): void;
}

export interface WatchTuning {
  /** Backoff after a failure: first delay and cap, in ms. */
  readonly retryMs: number;
  readonly maxRetryMs: number;
  /** The server ends each watch after this long (a random part is added), so a half-open one is replaced. */
  readonly watchSeconds: number;
  /** How often an optional resource that is not served, or not allowed, is listed again (default 5 min). */
  readonly probeMs?: number;
}

export const DEFAULT_TUNING: WatchTuning = { retryMs: 1000, maxRetryMs: 30_000, watchSeconds: 300, probeMs: 300_000 };

export interface WatchConnection {
  readonly config: Configuration;
  readonly kubeConfig: KubeConfig;
  readonly origin: Origin;
  /** Words a failed list as the one-shot commands do (api-errors). */
  readonly describe: (err: unknown, resource: ListedResource) => Error;
}

class GoneError extends Error {}

/** How a list ended: read, or (optional resources only) not served or not allowed. */
type Listed = 'listed' | 'absent' | 'forbidden';

function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

function metadataOf(o: WireObject): { name?: unknown; namespace?: unknown; resourceVersion?: unknown } {
  const m = o['metadata'];
  return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {};
}

function keyOf(o: WireObject): string {
  const m = metadataOf(o);
  return `${typeof m.namespace === 'string' ? m.namespace : ''}/${typeof m.name === 'string' ? m.name : ''}`;
}

/** Resolves after `ms`, or at once when `signal` aborts (a stopped watch must not linger in a backoff). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One resource, cluster-wide: its objects by namespace/name, kept current. */
class ResourceWatch {
  readonly objects = new Map<string, DecodedObject>();
  private version = '';
  private controller: AbortController | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  private failures = 0;
  /** For an optional resource: the last list's outcome, so a lasting 403 is reported once. */
  private listed: Listed = 'listed';

  constructor(
    private readonly resource: ListedResource,
    private readonly conn: WatchConnection,
    private readonly listener: WatchListener,
    private readonly tuning: WatchTuning,
    /** Not served everywhere (a CRD): 404 means "none", 403 a warning, neither an error. */
    private readonly optional = false,
  ) {}

  /** The first list; its failure is the caller's (a user without `list` should hear it at once). */
  async start(): Promise<void> {
    if ((await this.list()) === 'listed') this.watch();
    else void this.probe();
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    this.controller?.abort();
  }

  /**
   * Lists the resource afresh. For an optional one, 404 and 403 empty it instead of failing: the
   * outcome says which, and a change of outcome (or of content) is reported.
   */
  private async list(): Promise<Listed> {
    const path = collectionPath(this.resource, undefined);
    const fresh = new Map<string, DecodedObject>();
    let cont: string | undefined;
    let version: string | undefined;
    try {
      do {
        const page = await getListPage(this.conn.config, path, RESOURCES[this.resource].item, { limit: '500', ...(cont === undefined ? {} : { continue: cont }) });
        version ??= page.resourceVersion;
        for (const raw of page.items) this.decodeInto(fresh, raw);
        cont = page.continueToken;
      } while (cont !== undefined);
    } catch (err) {
      const status = statusOf(err);
      if (!this.optional || (status !== 404 && status !== 403)) throw this.conn.describe(err, this.resource);
      const outcome = status === 404 ? 'absent' : 'forbidden';
      if (outcome === 'forbidden' && this.listed !== 'forbidden') {
        this.listener.onProblem(
          `cannot list ${this.resource} (policy.networking.k8s.io) cluster-wide (Forbidden): every ${RESOURCES[this.resource].item.kind} is left out; asking again every ${Math.round(this.probeMs() / 1000)} s`,
        );
      }
      this.listed = outcome;
      const had = this.objects.size > 0;
      this.objects.clear();
      this.version = '';
      if (had) this.listener.onChange();
      return outcome;
    }
    this.objects.clear();
    for (const [k, v] of fresh) this.objects.set(k, v);
    this.version = version ?? '';
    this.listed = 'listed';
    return 'listed';
  }

  private probeMs(): number {
    return this.tuning.probeMs ?? DEFAULT_TUNING.probeMs ?? 300_000;
  }

  /** An optional resource not served or not allowed: list it again now and then until it is, then watch. */
  private async probe(): Promise<void> {
    for (;;) {
      await sleep(this.probeMs(), this.stopping.signal);
      if (this.stopped) return;
      try {
        if ((await this.list()) !== 'listed') continue;
      } catch (e) {
        this.listener.onProblem(`list ${this.resource}: ${e instanceof Error ? e.message : String(e)}; retrying`);
        continue;
      }
      if (this.objects.size > 0) this.listener.onChange();
      this.watch();
      return;
    }
  }

  private decodeInto(into: Map<string, DecodedObject>, raw: WireObject): void {
    try {
      // The server has validated these, and may know fields newer than this tool.
      const obj = decodeObject(raw, this.conn.origin, { fieldValidation: 'ignore' });
      if (obj !== undefined) into.set(keyOf(raw), obj);
      else into.delete(keyOf(raw));
    } catch (err) {
      into.delete(keyOf(raw));
      this.listener.onProblem(`${this.resource} ${keyOf(raw)} skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private watch(): void {
    if (this.stopped) return;
    const started = Date.now();
    let events = 0;
    let gone = false;
    const query = {
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.tuning.watchSeconds + Math.floor(Math.random() * this.tuning.watchSeconds)),
      ...(this.version !== '' ? { resourceVersion: this.version } : {}),
    };
    const onEvent = (type: string, obj: unknown): void => {
      if (this.stopped || typeof obj !== 'object' || obj === null) return;
      const raw = { ...RESOURCES[this.resource].item, ...(obj as WireObject) };
      const version = metadataOf(raw).resourceVersion;
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
          this.decodeInto(this.objects, raw);
          break;
        case 'DELETED':
          this.objects.delete(keyOf(raw));
          break;
        case 'BOOKMARK':
          if (typeof version === 'string') this.version = version;
          return;
        case 'ERROR':
          if ((raw as { code?: unknown }).code === 410) gone = true;
          else this.listener.onProblem(`watch ${this.resource}: ${String((raw as { message?: unknown }).message ?? 'error event')}`);
          return;
        default:
          return;
      }
      events++;
      if (typeof version === 'string') this.version = version;
      this.listener.onChange();
    };
    const onDone = (err: unknown): void => {
      if (this.stopped) return;
      const status = statusOf(err);
      // An optional resource's watch answering 404: its CRD is gone; the relist finds out.
      if (gone || status === 410 || (this.optional && status === 404)) {
        void this.recover(new GoneError());
      } else if (err) {
        void this.recover(err);
      } else if (events === 0 && Date.now() - started < 1000) {
        // Ended at once with nothing said: not a normal timeout; do not spin on it.
        void this.recover(new Error('the watch ended as soon as it started'));
      } else {
        this.failures = 0;
        this.watch();
      }
    };
    void new Watch(this.conn.kubeConfig).watch(collectionPath(this.resource, undefined), query, onEvent, onDone).then((c) => {
      this.controller = c;
      if (this.stopped) c.abort();
    });
  }

  private async recover(err: unknown): Promise<void> {
    const backoff = (): Promise<void> => sleep(Math.min(this.tuning.maxRetryMs, this.tuning.retryMs * 2 ** this.failures++), this.stopping.signal);
    if (err instanceof GoneError) {
      // The history we would resume from is gone: only a fresh list says what changed meanwhile.
      for (;;) {
        if (this.stopped) return;
        try {
          if ((await this.list()) !== 'listed') {
            void this.probe();
            return;
          }
          break;
        } catch (e) {
          this.listener.onProblem(`relist ${this.resource}: ${e instanceof Error ? e.message : String(e)}; retrying`);
          await backoff();
        }
      }
      this.listener.onChange();
    } else {
      const status = (err as { statusCode?: unknown }).statusCode;
      const hint = status === 401 || status === 403 ? ` (HTTP ${status}: is "watch" on ${this.resource} allowed cluster-wide? examples/rbac.yaml: kubectl-netpol-watcher)` : typeof status === 'number' ? ` (HTTP ${status})` : '';
      this.listener.onProblem(`watch ${this.resource}: ${err instanceof Error ? err.message : String(err)}${hint}; retrying`);
      await backoff();
    }
    this.watch();
  }
}

/** Pods, namespaces, network policies and nodes, and the admin tiers' policies where served, each listed and watched. */
export class ClusterWatch {
  private readonly watches: ResourceWatch[];
  private readonly origin: Origin;

  constructor(conn: WatchConnection, listener: WatchListener, tuning: WatchTuning = DEFAULT_TUNING) {
    this.origin = conn.origin;
    this.watches = [
      ...(['namespaces', 'pods', 'networkpolicies', 'nodes'] as const).map((r) => new ResourceWatch(r, conn, listener, tuning)),
      ...TIER_RESOURCES.map((r) => new ResourceWatch(r, conn, listener, tuning, true)),
    ];
  }

  /** Resolves once every resource is listed and watched; rejects (and stops) if a first list fails. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.watches.map((w) => w.start()));
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  /** What the cluster holds now, as the one-shot commands read it. */
  objects(): ObjectSet {
    const out = new ObjectCollector();
    for (const w of this.watches) for (const obj of w.objects.values()) out.add(obj, this.origin);
    return out.result();
  }
}
