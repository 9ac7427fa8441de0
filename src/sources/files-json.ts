/**
 * @module sources/files-json
 * The fast path for JSON manifests (`kubectl get ... -o json`): `JSON.parse` builds the value
 * directly, some ten times faster than the YAML composer and without its syntax tree, which for an
 * 18 MB pod list cost seconds and over a gigabyte. `JSON.parse` knows no line numbers, no nesting
 * limit and no duplicate keys, so one linear scan of the text first supplies them (json-scan.ts):
 * the depth and the value count (checked before anything is allocated), the line of every
 * `kind: List` item, and the first key an object repeats. The line of any other field is looked for
 * only when an error names it, by a second walk that skips every value off the path. Text that is
 * not strict JSON, or nests too deep, goes to the YAML reader, whose guards and messages then
 * apply, since YAML is a superset of JSON.
 */
import { CliError } from '../errors.js';
import { lineAtOffset, type YamlDocument } from './documents.js';
import { keyText, scanJson } from './json-scan.js';

/** Whether `text` should be tried as JSON first: by name, or by its first character, as kubectl does. */
export function looksLikeJson(text: string, source: string): boolean {
  if (source.endsWith('.json')) return true;
  const first = /[^ \t\r\n]/.exec(text.slice(0, 4096))?.[0];
  return first === '{' || first === '[';
}

/**
 * `JSON.parse` allocates every value at once; 32 MiB of `{},` is 10M objects and 1 GB. A 30k-pod
 * list (18 MB) has about 1.2M values.
 */
export const MAX_JSON_VALUES = 4_000_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** End offset (just past the closing quote) of the string starting at `start`; text.length if none. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

function skipSpace(text: string, start: number): number {
  let i = start;
  for (let c = text.charCodeAt(i); c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

/** Offset just past the value starting at `start`, in text `JSON.parse` accepted. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (depth === 0) return i;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i; // the end of a number, true, false or null
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09)) return i;
    i++;
  }
  return text.length;
}

/**
 * Offset of the key or item at `path` in text `JSON.parse` accepted (so keys are unique), or
 * undefined when the path is not there.
 */
function offsetOfPath(text: string, path: readonly (string | number)[]): number | undefined {
  let i = skipSpace(text, 0);
  let found = i;
  for (const step of path) {
    const numeric = typeof step === 'number';
    if (text.charCodeAt(i) !== (numeric ? OPEN_ARRAY : OPEN_OBJECT)) return undefined;
    i = skipSpace(text, i + 1);
    for (let n = 0; ; n++) {
      const c = text.charCodeAt(i);
      if (c === 0x7d || c === 0x5d) return undefined;
      let value = i;
      let key: string | number = n;
      if (!numeric) {
        const end = stringEnd(text, i);
        key = keyText(text, i, end);
        value = skipSpace(text, skipSpace(text, end) + 1); // past the ':'
      }
      if (key === step) {
        found = i;
        i = value;
        break;
      }
      i = skipSpace(text, valueEnd(text, value));
      if (text.charCodeAt(i) !== 0x2c) return undefined;
      i = skipSpace(text, i + 1);
    }
  }
  return found;
}

/**
 * `text` as one JSON document, or undefined when it is not JSON or nests deeper than MAX_NESTING
 * (the YAML reader then reads it, or says what is wrong and where). More than `maxValues` values,
 * or a repeated key (as the API server's strict decoding has it), is an error.
 */
export function parseJsonDocument(text: string, source: string, maxValues = MAX_JSON_VALUES): YamlDocument | undefined {
  const scan = scanJson(text, maxValues);
  if (scan.tooDeep !== undefined) return undefined;
  if (scan.tooMany !== undefined) {
    // Not "JSON values": a YAML flow text starting with `{` counts the same, and YAML's limit is lower.
    throw new CliError(`${source} (document 1, line ${lineAtOffset(text, scan.tooMany)}): more than ${maxValues} values in one file; split it into smaller files`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (scan.duplicate !== undefined) {
    const { key, offset } = scan.duplicate;
    throw new CliError(`${source} (document 1, line ${lineAtOffset(text, offset)}): invalid JSON: duplicate key ${JSON.stringify(key)}`);
  }
  return {
    index: 1,
    line: value === null ? undefined : scan.firstLine,
    value,
    lineAt: (path) => {
      const last = path[path.length - 1];
      const item = typeof last === 'number' ? scan.itemLines.get(path.slice(0, -1).join('/'))?.[last] : undefined;
      if (item !== undefined) return item;
      const offset = offsetOfPath(text, path);
      return offset === undefined ? undefined : lineAtOffset(text, offset);
    },
  };
}
