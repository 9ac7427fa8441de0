/**
 * @module cli/output
 * Where commands print: results to stdout, notices to stderr. Commands get this instead of
 * touching process streams, so the CLI is the only layer that prints.
 * A reader that goes away (`| head`) is not an error: once stdout is closed, further output is
 * dropped and the command ends with the exit code it would have had, instead of Node's EPIPE
 * stack trace and exit 1 (which can-reach uses for "denied").
 */
export interface Output {
  write(text: string): void;
  /**
   * A long output (a result per pair, a script per node) piece by piece, in chunks, waiting while
   * the reader is behind: a pipe holds 64 KiB, and writes beyond what it takes would otherwise
   * pile up in memory (gigabytes for a large matrix) until the kernel refuses them (ENOBUFS).
   * Pieces are asked for only as they are written.
   */
  writeAll(pieces: Iterable<string>): Promise<void>;
  error(text: string): void;
  /** Terminal width for fitting tables: $COLUMNS, the terminal's, or unlimited when unknown. */
  readonly columns: number;
}

/**
 * The width to fit: $COLUMNS when set (piped too, as ls and kubectl do), else the terminal's;
 * undefined when unknown: not a terminal, or one that reports 0 columns (a PTY given no size).
 */
export function terminalColumns(stream: { readonly isTTY?: boolean; readonly columns?: number }, env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = Number(env['COLUMNS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY === true && (stream.columns ?? 0) > 0 ? stream.columns : undefined;
}

const closed = { stdout: false, stderr: false };

function isClosedPipe(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Marks a stream closed on EPIPE; any other stream error is a real failure and stays one. */
export function watchClosedPipes(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (err) => {
      if (!isClosedPipe(err)) throw err;
      closed[name] = true;
    });
  }
}

function writeTo(name: 'stdout' | 'stderr', text: string): void {
  if (closed[name]) return;
  process[name].write(text);
}

/** Pieces are joined up to about this many characters per write. */
const CHUNK = 1 << 16;

async function writeAllTo(name: 'stdout' | 'stderr', pieces: Iterable<string>): Promise<void> {
  const stream = process[name];
  let chunk: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    const text = chunk.join('');
    chunk = [];
    size = 0;
    if (closed[name] || text === '') return;
    if (!stream.write(text)) {
      // A reader that goes away ends the wait too: 'drain' never comes after EPIPE.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
        stream.on('close', done);
      });
    }
  };
  for (const piece of pieces) {
    if (closed[name]) return;
    chunk.push(piece);
    size += piece.length;
    if (size >= CHUNK) await flush();
  }
  await flush();
}

export const processOutput: Output = {
  write: (text) => writeTo('stdout', text),
  writeAll: (pieces) => writeAllTo('stdout', pieces),
  error: (text) => writeTo('stderr', text.endsWith('\n') ? text : `${text}\n`),
  columns: terminalColumns(process.stdout, process.env) ?? Number.POSITIVE_INFINITY,
};
