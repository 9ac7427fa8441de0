/**
 * @module exec/deliver
 * Delivers node scripts through a helper pod: create it on the node, wait until it runs, exec the
 * receiver with each script on stdin, collect output and exit status, and delete the pod, also on
 * failure and when stopped. A library: it owns no process state. The caller says when to stop
 * (`stop`: start nothing new, let a running script finish, delete the pod) and when to cut
 * (`kill`: end a running script's exec at once) with AbortSignals, and owns signals, exit codes
 * and the terminal. client-node is imported here only, and this module is loaded only by commands
 * that install.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { ApiException, Exec, type CoreV1Api, type KubeConfig, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { CliError } from '../errors.js';
import { FATAL_WAITING_REASONS, HELPER_CONTAINER, helperPodManifest, helperPodName, lifetimeSecondsFor, receiveAndRunCommand, scriptGraceMs } from './helper-pod.js';

export type DeliveryStage = 'creating' | 'waiting' | 'running' | 'deleting';

export interface HelperOptions {
  readonly node: string;
  readonly namespace: string;
  readonly image: string;
  /** Milliseconds for the pod to start and for each script to finish (a script then gets a grace). */
  readonly timeoutMs: number;
  /** Turns an API error into a one-line CliError; `action` says what was attempted. */
  readonly apiError: (err: unknown, action: string) => CliError;
  readonly onStage?: (stage: DeliveryStage) => void;
  /** What went wrong without failing the delivery (a helper pod that could not be deleted). */
  readonly onWarning?: (text: string) => void;
  /**
   * Once aborted, no pod is created and no script starts; a pod being created or started is
   * deleted. A script already running is let finish: deleting its pod would kill it wherever it
   * is, perhaps between its IPv4 and IPv6 commits.
   */
  readonly stop?: AbortSignal;
  /** Once aborted, a running script's exec is ended at once (the node may be left half done). */
  readonly kill?: AbortSignal;
}

export interface DeliveryOptions extends HelperOptions {
  readonly script: string;
}

/** The API client with the user's --request-timeout, and the kubeconfig that Exec needs. */
export interface DeliveryClient {
  readonly core: CoreV1Api;
  readonly kubeConfig: KubeConfig;
}

export interface ScriptResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DeliveryResult extends ScriptResult {
  readonly node: string;
  readonly pod: string;
}

/** A running helper pod: scripts run in it one after the other, until `close` deletes it. */
export interface HelperSession {
  /** namespace/name */
  readonly pod: string;
  run(script: string): Promise<ScriptResult>;
  close(): Promise<void>;
}

/** Thrown once `stop` is aborted, before anything new starts. */
export class StoppedError extends CliError {
  constructor() {
    super('interrupted');
  }
}

const POLL_MS = 500;

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

/** Resolves after `ms`, or early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function checkNotStopped(o: HelperOptions): void {
  if (o.stop?.aborted) throw new StoppedError();
}

async function waitRunning(core: CoreV1Api, o: HelperOptions, name: string): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    checkNotStopped(o);
    let pod: V1Pod;
    try {
      pod = await core.readNamespacedPod({ name, namespace: o.namespace });
    } catch (err) {
      throw o.apiError(err, `read helper pod ${o.namespace}/${name}`);
    }
    const phase = pod.status?.phase ?? 'Pending';
    const waiting = pod.status?.containerStatuses?.find((s) => s.name === HELPER_CONTAINER)?.state?.waiting;
    if (waiting?.reason && FATAL_WAITING_REASONS.has(waiting.reason)) {
      throw new CliError(`helper pod ${o.namespace}/${name} cannot start: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''} (image ${o.image}; choose another with --image)`);
    }
    if (phase === 'Running') return;
    if (phase === 'Failed' || phase === 'Succeeded') {
      throw new CliError(`helper pod ${o.namespace}/${name} ended (${phase}${pod.status?.reason ? `: ${pod.status.reason}` : ''}) before the script could run`);
    }
    if (Date.now() > deadline) {
      throw new CliError(`helper pod ${o.namespace}/${name} did not start within ${Math.round(o.timeoutMs / 1000)}s (phase ${phase}${waiting?.reason ? `, ${waiting.reason}` : ''}; see --timeout)`);
    }
    await pause(POLL_MS, o.stop);
  }
}

/** Exit code from the exec status channel, as the kubelet reports it (NonZeroExitCode / ExitCode cause). */
function exitCodeOf(status: V1Status | undefined): number | undefined {
  if (status === undefined) return undefined;
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined) return Number(cause.message);
  return undefined;
}

/**
 * The kubeconfig, with a limit on the exec's opening handshake: client-node's WebSocket has none, so
 * an upgrade the server never answers would keep the process alive after the error.
 */
function withHandshakeTimeout(kc: KubeConfig, ms: number): KubeConfig {
  const limited = Object.create(kc) as KubeConfig;
  limited.applyToHTTPSOptions = async (opts) => {
    await kc.applyToHTTPSOptions(opts);
    Object.assign(opts, { handshakeTimeout: ms });
  };
  return limited;
}

async function runScript(kc: KubeConfig, o: HelperOptions, name: string, script: string): Promise<ScriptResult> {
  const sentinel = `#NETPOL-EOF-${randomBytes(8).toString('hex')}`;
  const stdout = new Collector();
  const stderr = new Collector();
  // Stdin is never ended: before the v5 protocol, client-node closes the whole socket at stdin EOF
  // and the exit status is lost. The sentinel line tells the receiver where the script stops.
  const stdin = new PassThrough();
  stdin.write(`${script.endsWith('\n') ? script : `${script}\n`}${sentinel}\n`);
  let status: V1Status | undefined;
  await new Promise<void>((resolve, reject) => {
    let socket: { terminate(): void } | undefined;
    const seconds = (ms: number): number => Math.round(ms / 1000);
    const graceMs = scriptGraceMs(o.timeoutMs);
    const cut = (err: CliError): void => {
      clearTimeout(timer);
      o.kill?.removeEventListener('abort', onKill);
      // An open socket would keep the process alive after the error.
      socket?.terminate();
      stdin.destroy();
      reject(err);
    };
    const onKill = (): void => cut(new CliError('the script was stopped before it finished; the node may be left half configured: run apply-node on it again'));
    // Before the upgrade is answered the node has received nothing: no script runs, none is cut.
    const unanswered = (): CliError => new CliError(`cannot exec into helper pod ${o.namespace}/${name}: no answer within ${seconds(o.timeoutMs)}s (see --timeout); nothing ran on the node`);
    let timer = setTimeout(() => {
      if (socket === undefined) return cut(unanswered());
      o.onWarning?.(`the script is still running after ${seconds(o.timeoutMs)}s; waiting ${seconds(graceMs)}s more, since a script cut mid-way can leave the node half configured`);
      timer = setTimeout(() => {
        cut(new CliError(`the script did not finish within ${seconds(o.timeoutMs)}s (see --timeout); it was stopped, and the node may be left half configured: run apply-node on it again`));
      }, graceMs);
    }, o.timeoutMs);
    if (o.kill?.aborted) return onKill();
    o.kill?.addEventListener('abort', onKill, { once: true });
    new Exec(withHandshakeTimeout(kc, o.timeoutMs))
      .exec(o.namespace, name, HELPER_CONTAINER, receiveAndRunCommand(sentinel), stdout, stderr, stdin, false, (s) => {
        status = s;
      })
      .then((ws) => {
        socket = ws;
        if (o.kill?.aborted || stdin.destroyed) ws.terminate();
        ws.on('close', () => {
          clearTimeout(timer);
          o.kill?.removeEventListener('abort', onKill);
          stdin.destroy();
          resolve();
        });
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? err);
        if (/handshake has timed out/.test(message)) return cut(unanswered());
        const hint = /\b40[13]\b/.test(message) ? ` (are "get" and "create" on pods/exec allowed in namespace ${o.namespace}?)` : '';
        cut(new CliError(`cannot exec into helper pod ${o.namespace}/${name}: ${message}${hint}`));
      });
  });
  const exitCode = exitCodeOf(status);
  if (exitCode === undefined) {
    const why = status?.message ?? 'the connection closed without an exit status';
    throw new CliError(`the script's outcome is unknown: ${why}${stderr.text ? `; stderr: ${stderr.text.trim()}` : ''}`);
  }
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Creates the helper pod on `o.node` and waits until it runs. Whatever fails or is stopped on the
 * way, the pod is deleted before this rejects; once it resolves, the caller must `close` it.
 */
export async function openHelperPod(client: DeliveryClient, o: HelperOptions): Promise<HelperSession> {
  const { core } = client;
  checkNotStopped(o);
  o.onStage?.('creating');
  const lifetimeSeconds = lifetimeSecondsFor(o.timeoutMs);
  const name = helperPodName(o.node, randomBytes(5));
  const pod = `${o.namespace}/${name}`;
  const notDeleted = (err: unknown): string =>
    `the helper pod ${pod} was not deleted (${o.apiError(err, `delete helper pod ${pod}`).message}); it ends itself within ${lifetimeSeconds}s, or delete it by hand`;
  try {
    // A create in flight when `stop` aborts is still awaited: its pod exists a moment later, and
    // is deleted below like any other.
    await core.createNamespacedPod({ namespace: o.namespace, body: helperPodManifest({ name, node: o.node, namespace: o.namespace, image: o.image, lifetimeSeconds }) });
  } catch (err) {
    const error = o.apiError(err, `create helper pod ${pod}`);
    // A 4xx is a refusal: nothing was made. After a timeout, a lost connection or a 5xx the pod
    // may exist all the same (the server can finish a write whose answer is lost), so it is
    // deleted by its name; 404 means it was never made.
    if (!(err instanceof ApiException && err.code >= 400 && err.code < 500)) {
      await core.deleteNamespacedPod({ name, namespace: o.namespace, gracePeriodSeconds: 0 }).catch((e: unknown) => {
        if (!(e instanceof ApiException && e.code === 404)) o.onWarning?.(notDeleted(e));
      });
    }
    throw error;
  }
  let removing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (removing) return removing;
    o.onStage?.('deleting');
    return (removing = core.deleteNamespacedPod({ name, namespace: o.namespace, gracePeriodSeconds: 0 }).then(
      () => undefined,
      (err: unknown) => o.onWarning?.(notDeleted(err)),
    ));
  };
  try {
    o.onStage?.('waiting');
    await waitRunning(core, o, name);
    checkNotStopped(o);
  } catch (err) {
    await close();
    throw err;
  }
  let busy = false;
  return {
    pod,
    close,
    async run(script: string): Promise<ScriptResult> {
      if (busy) throw new Error('HelperSession.run: one script at a time');
      if (removing) throw new Error('HelperSession.run: the helper pod is closed');
      checkNotStopped(o);
      busy = true;
      o.onStage?.('running');
      try {
        return await runScript(client.kubeConfig, o, name, script);
      } finally {
        busy = false;
      }
    },
  };
}

/** One script on one node: open a helper pod, run the script, delete the pod. */
export async function deliverScript(client: DeliveryClient, o: DeliveryOptions): Promise<DeliveryResult> {
  const session = await openHelperPod(client, o);
  try {
    return { node: o.node, pod: session.pod, ...(await session.run(o.script)) };
  } finally {
    await session.close();
  }
}
