/**
 * @module exec/deliver
 * Delivers a node script: create the helper pod on the node, wait until it runs, exec the receiver
 * with the script on stdin, collect output and exit status, and delete the pod, also on failure
 * and on Ctrl-C. client-node is imported here only, and this module is loaded only by apply-node.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { Exec, type CoreV1Api, type KubeConfig, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { CliError } from '../errors.js';
import { FATAL_WAITING_REASONS, HELPER_CONTAINER, helperPodManifest, lifetimeSecondsFor, receiveAndRunCommand, scriptGraceMs } from './helper-pod.js';

export interface DeliveryOptions {
  readonly node: string;
  readonly namespace: string;
  readonly image: string;
  readonly script: string;
  /** Milliseconds for the pod to start and for the script to finish, each (the script then gets a grace). */
  readonly timeoutMs: number;
  /** Turns an API error into a one-line CliError; `action` says what was attempted. */
  readonly apiError: (err: unknown, action: string) => CliError;
  readonly onStage?: (stage: 'creating' | 'waiting' | 'running' | 'deleting') => void;
  /** What went wrong without failing the delivery (a helper pod that could not be deleted). */
  readonly onWarning?: (text: string) => void;
}

/** The API client with the user's --request-timeout, and the kubeconfig that Exec needs. */
export interface DeliveryClient {
  readonly core: CoreV1Api;
  readonly kubeConfig: KubeConfig;
}

export interface DeliveryResult {
  readonly node: string;
  readonly pod: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const POLL_MS = 500;

/**
 * Ctrl-C must leave no helper pod behind: the pods created and not yet deleted, and the create
 * requests still in flight (their pod may exist a moment later), are all awaited and deleted
 * before exiting. Once interrupted, no new delivery starts and no new script runs. A script that
 * is already running is let finish first: deleting its pod would kill it wherever it is, perhaps
 * between its IPv4 and IPv6 commits. A second Ctrl-C deletes at once.
 */
const live = new Map<string, () => Promise<void>>();
const creating = new Set<Promise<unknown>>();
const running = new Map<string, Promise<unknown>>();
let interrupted = false;
let interruptHooked = false;

export function isInterrupted(): boolean {
  return interrupted;
}

function deleteAll(names: readonly string[] = [...live.keys()]): Promise<unknown> {
  return Promise.allSettled(names.flatMap((n) => live.get(n) ?? []).map((del) => del()));
}

function hookInterrupt(): void {
  if (interruptHooked) return;
  interruptHooked = true;
  const exit = (): never => process.exit(130);
  const force = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: deleting the helper pods now; a node whose script was cut may be left half configured: run apply-node on it again\n`);
    void deleteAll().then(exit);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
    const scripts = [...running.values()];
    const wait = scripts.length > 0 ? `waiting for ${scripts.length} running script(s) to finish (Ctrl-C again to stop them), ` : '';
    process.stderr.write(`\n${signal}: ${wait}deleting the helper pods...\n`);
    const settle = Promise.race([Promise.allSettled([...creating]), new Promise((r) => setTimeout(r, 10_000))]);
    void settle
      .then(() => Promise.all([deleteAll([...live.keys()].filter((n) => !running.has(n))), Promise.allSettled(scripts)]))
      .then(() => deleteAll())
      .then(exit);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitRunning(core: CoreV1Api, o: DeliveryOptions, name: string): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
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
    await sleep(POLL_MS);
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

async function runScript(kc: KubeConfig, o: DeliveryOptions, name: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const sentinel = `#NETPOL-EOF-${randomBytes(8).toString('hex')}`;
  const stdout = new Collector();
  const stderr = new Collector();
  // Stdin is never ended: before the v5 protocol, client-node closes the whole socket at stdin EOF
  // and the exit status is lost. The sentinel line tells the receiver where the script stops.
  const stdin = new PassThrough();
  stdin.write(`${o.script.endsWith('\n') ? o.script : `${o.script}\n`}${sentinel}\n`);
  let status: V1Status | undefined;
  const done = new Promise<void>((resolve, reject) => {
    let socket: { terminate(): void } | undefined;
    const seconds = (ms: number): number => Math.round(ms / 1000);
    const graceMs = scriptGraceMs(o.timeoutMs);
    let timer = setTimeout(() => {
      o.onWarning?.(`the script is still running after ${seconds(o.timeoutMs)}s; waiting ${seconds(graceMs)}s more, since a script cut mid-way can leave the node half configured`);
      timer = setTimeout(() => {
        // An open socket would keep the process alive after the error.
        socket?.terminate();
        stdin.destroy();
        reject(new CliError(`the script did not finish within ${seconds(o.timeoutMs)}s (see --timeout); it was stopped, and the node may be left half configured: run apply-node on it again`));
      }, graceMs);
    }, o.timeoutMs);
    new Exec(kc)
      .exec(o.namespace, name, HELPER_CONTAINER, receiveAndRunCommand(sentinel), stdout, stderr, stdin, false, (s) => {
        status = s;
      })
      .then((ws) => {
        socket = ws;
        ws.on('close', () => {
          clearTimeout(timer);
          stdin.destroy();
          resolve();
        });
      })
      .catch((err: unknown) => {
        clearTimeout(timer);
        stdin.destroy();
        const message = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? err);
        const hint = /\b40[13]\b/.test(message) ? ` (are "get" and "create" on pods/exec allowed in namespace ${o.namespace}?)` : '';
        reject(new CliError(`cannot exec into helper pod ${o.namespace}/${name}: ${message}${hint}`));
      });
  });
  await done;
  const exitCode = exitCodeOf(status);
  if (exitCode === undefined) {
    const why = status?.message ?? 'the connection closed without an exit status';
    throw new CliError(`the script's outcome is unknown: ${why}${stderr.text ? `; stderr: ${stderr.text.trim()}` : ''}`);
  }
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

export async function deliverScript(client: DeliveryClient, o: DeliveryOptions): Promise<DeliveryResult> {
  hookInterrupt();
  const { core } = client;
  if (interrupted) throw new CliError('interrupted');
  o.onStage?.('creating');
  let created: V1Pod;
  const lifetimeSeconds = lifetimeSecondsFor(o.timeoutMs);
  const request = core.createNamespacedPod({ namespace: o.namespace, body: helperPodManifest({ node: o.node, namespace: o.namespace, image: o.image, lifetimeSeconds }) });
  creating.add(request);
  try {
    created = await request;
  } catch (err) {
    throw o.apiError(err, `create the helper pod in namespace ${o.namespace}`);
  } finally {
    creating.delete(request);
  }
  const name = created.metadata?.name ?? '';
  // One DELETE, whoever asks first (the delivery's end or Ctrl-C); the pod stays in `live` until it
  // settles, so that an interrupt during it still waits for it before exiting.
  let removing: Promise<void> | undefined;
  const remove = (): Promise<void> =>
    (removing ??= core
      .deleteNamespacedPod({ name, namespace: o.namespace, gracePeriodSeconds: 0 })
      .then(
        () => undefined,
        (err: unknown) => {
          const why = o.apiError(err, `delete helper pod ${o.namespace}/${name}`).message;
          o.onWarning?.(`the helper pod ${o.namespace}/${name} was not deleted (${why}); it ends itself within ${lifetimeSeconds}s, or delete it by hand`);
        },
      )
      .finally(() => live.delete(name)));
  live.set(name, remove);
  try {
    o.onStage?.('waiting');
    await waitRunning(core, o, name);
    if (interrupted) throw new CliError('interrupted');
    o.onStage?.('running');
    const script = runScript(client.kubeConfig, o, name);
    running.set(name, script);
    try {
      return { node: o.node, pod: `${o.namespace}/${name}`, ...(await script) };
    } finally {
      running.delete(name);
    }
  } finally {
    o.onStage?.('deleting');
    await remove();
  }
}
