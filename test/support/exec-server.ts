/**
 * @module test/support/exec-server
 * The exec subresource over WebSocket, as kube-apiserver (and the kubelet behind it) speak it to
 * client-node: binary frames whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize, 255 close). On v5 the client half-closes stdin with [255, 0]; on v4 it closes the socket,
 * which loses the output and the status (that is the real behaviour, kept on purpose). The fake never
 * sends 255: client-node would then end the process's own stdout.
 */
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { WebSocket } from 'ws';

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export interface ExecIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Cuts the connection at once, with no status, as a network failure or a dying kubelet would. */
  readonly drop: () => void;
}

/** Runs the "command"; resolves to its exit code. A throw becomes an InternalError status. */
export type ExecHandler = (req: ExecRequest, io: ExecIo) => Promise<number>;

export type ExecProtocol = 'v5' | 'v4';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb): void {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => cb());
    },
  });
}

function finished(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (w.writableFinished) return resolve();
    w.once('finish', () => resolve());
    w.once('error', () => resolve());
    w.end();
  });
}

export function statusFor(exitCode: number, command: readonly string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Serves one exec session on an upgraded socket; resolves when the session is over. */
export async function serveExec(ws: WebSocket, req: ExecRequest, handler: ExecHandler): Promise<void> {
  const stdin = new PassThrough();
  const stdout = channelWriter(ws, CHANNEL.stdout);
  const stderr = channelWriter(ws, CHANNEL.stderr);
  const endStdin = (): void => {
    if (!stdin.writableEnded) stdin.end();
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    if (channel === CHANNEL.stdin) stdin.write(data.subarray(1));
    else if (channel === CHANNEL.close && data[1] === CHANNEL.stdin) endStdin();
  });
  ws.on('close', endStdin);
  ws.on('error', endStdin);
  if (!req.stdin) endStdin();

  let status: Record<string, unknown>;
  try {
    const code = await handler(req, { stdin, stdout, stderr, drop: () => ws.terminate() });
    status = statusFor(code, req.command);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status = { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] } };
  }
  await Promise.all([finished(stdout), finished(stderr)]);
  if (ws.readyState === ws.OPEN) {
    ws.send(Buffer.concat([Buffer.from([CHANNEL.status]), Buffer.from(JSON.stringify(status))]), { binary: true });
    ws.close(1000);
  }
  endStdin();
}

/** A handler that copies stdin to stdout and exits with `code`. */
export function echoHandler(code = 0): ExecHandler {
  return async (_req, io) => {
    for await (const chunk of io.stdin) io.stdout.write(chunk as Buffer);
    return code;
  };
}

/**
 * What a helper pod's receiver is sent: stdin up to the sentinel line its command names (see
 * exec/helper-pod receiveAndRunCommand), and that sentinel. Stdin is never closed by the client.
 */
export async function receivedScript(req: ExecRequest, io: ExecIo): Promise<{ readonly script: string; readonly sentinel: string }> {
  const sentinel = /'(#NETPOL-EOF-[0-9a-f]+)'/.exec(req.command.join(' '))?.[1];
  if (sentinel === undefined) throw new Error(`fake node: no sentinel in ${req.command.join(' ')}`);
  let text = '';
  for await (const chunk of io.stdin) {
    text += (chunk as Buffer).toString();
    if (text.includes(`\n${sentinel}\n`)) break;
  }
  const end = text.indexOf(`${sentinel}\n`);
  return { script: end < 0 ? text : text.slice(0, end), sentinel };
}
