/**
 * @module sources/files-read
 * Bytes of one input (a file or stdin) to text, refusing what would waste memory or time: more
 * than MAX_INPUT_BYTES (checked while reading, so /dev/zero or an endless pipe stops too), binary
 * data (NUL bytes), and invalid UTF-8, which kubectl would also reject.
 */
import { createReadStream } from 'node:fs';
import { CliError } from '../errors.js';

/** Far beyond any manifest set; a 32 MiB YAML file already takes seconds to parse. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

function sizeError(label: string, limit: number): CliError {
  return new CliError(`${label}: larger than ${limit / (1024 * 1024)} MiB; split it into smaller files`);
}

/** Reads a stream up to `limit` bytes; more is an error naming `label`. */
export async function readBounded(
  stream: AsyncIterable<unknown>,
  label: string,
  limit = MAX_INPUT_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > limit) throw sizeError(label, limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

/** A file system error in a word: its code (ENOENT, EACCES, EISDIR...), else its message. */
export function ioReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

export async function readFileBounded(path: string, label: string, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    return await readBounded(stream, label, limit);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${label}: cannot read: ${ioReason(e)}`, { cause: e });
  } finally {
    stream.destroy();
  }
}

/** UTF-8 text of `bytes` (a leading BOM dropped), or an error naming `label`. */
export function decodeText(bytes: Uint8Array, label: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new CliError(`${label}: contains a NUL byte at offset ${nul}: binary data, or UTF-16 text (only UTF-8 is read)`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new CliError(`${label}: is not valid UTF-8 text`, { cause: e });
  }
}
