/**
 * @module sources/decode-fields
 * Reading untrusted wire JSON one field at a time. A `Decoder` knows where the object came from and
 * which object it is, so every failure becomes one line naming origin, object and field path, e.g.
 * `policies.yaml (document 2, line 14): NetworkPolicy shop/web: spec.ingress[0].ports[1].endPort: ...`.
 * As in the API server's JSON decoding, `null` means the same as an absent field. The line named is
 * that of the field itself when the reader of the file can find it, else the object's.
 */
import { ManifestError } from '../errors.js';
import { PROTOCOLS, type Protocol } from '../model/index.js';
import type { KnownFields } from './known-fields.js';
import type { Origin } from './objects.js';
import { didYouMean } from '../suggest.js';

export type JsonObject = Readonly<Record<string, unknown>>;

/** `file.yaml (document 2, line 14)`, or just the source when nothing finer is known. */
export function describeOrigin(origin: Origin): string {
  const parts: string[] = [];
  if (origin.document !== undefined) parts.push(`document ${origin.document}`);
  if (origin.line !== undefined) parts.push(`line ${origin.line}`);
  return parts.length === 0 ? origin.source : `${origin.source} (${parts.join(', ')})`;
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return v instanceof Uint8Array ? 'binary data' : 'an object';
    default:
      return typeof v;
  }
}

/** Whether `key` can follow a dot in a path: `[A-Za-z_][A-Za-z0-9_]*` (tested without a regexp: paths are built per field). */
function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!letter && (i === 0 || c < 0x30 || c > 0x39)) return false;
  }
  return true;
}

/** Joins a field path: `spec` + `ingress` -> `spec.ingress`; + 0 -> `spec.ingress[0]`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (isIdentifier(key)) return path === '' ? key : `${path}.${key}`;
  return path === '' ? JSON.stringify(key) : `${path}[${JSON.stringify(key)}]`;
}

/** The keys and indexes of a path made by `at`: `spec.ingress[0]["a.b"]` -> spec, ingress, 0, a.b. */
export function pathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const step = /\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[?("(?:[^"\\]|\\.)*")\]?/y;
  while (step.lastIndex < path.length) {
    const m = step.exec(path);
    if (m === null) break; // not made by `at`; the steps so far still locate an ancestor
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(JSON.parse(m[3]!) as string);
  }
  return steps;
}

/**
 * How unknown fields are treated, as kubectl's `--validate` names it: `strict` refuses them (files,
 * as the API server would); `ignore` drops them (objects the server already accepted, which may
 * carry fields newer than this tool).
 */
export type FieldValidation = 'strict' | 'ignore';

/** 1-based line of the field at `steps` inside the object being decoded, when it can be found. */
export type LineFinder = (steps: readonly (string | number)[]) => number | undefined;

export interface DecoderOptions {
  readonly fieldValidation?: FieldValidation;
  readonly lineOf?: LineFinder;
}

export class Decoder {
  private readonly strict: boolean;
  private readonly lineOf: LineFinder | undefined;

  constructor(
    readonly origin: Origin,
    /** `NetworkPolicy shop/web`; refined once the name is known. */
    public subject: string,
    options: DecoderOptions = {},
  ) {
    this.strict = (options.fieldValidation ?? 'strict') === 'strict';
    this.lineOf = options.lineOf;
  }

  /** The origin with the line of `path`, or of its nearest ancestor found; looked up only on error. */
  private originOf(path: string): Origin {
    if (this.lineOf === undefined || path === '') return this.origin;
    const steps = pathSteps(path);
    for (let n = steps.length; n > 0; n--) {
      const line = this.lineOf(steps.slice(0, n));
      if (line !== undefined) return { ...this.origin, line };
    }
    return this.origin;
  }

  fail(path: string, message: string): never {
    const where = path === '' ? '' : `${path}: `;
    throw new ManifestError(`${describeOrigin(this.originOf(path))}: ${this.subject}: ${where}${message}`, this.subject, path);
  }

  /** Refuses a key of `obj` that `known` lacks, naming the closest known one, under strict validation. */
  fields(obj: JsonObject, path: string, known: KnownFields): void {
    if (!this.strict) return;
    // for-in, not Object.keys: no array per object. Parsed JSON and YAML inherit no enumerable key.
    for (const key in obj) {
      if (known.includes(key)) continue;
      this.fail(at(path, key), `unknown field ${JSON.stringify(key)}${didYouMean(key, known, (s) => JSON.stringify(s))}`);
    }
  }

  private typeError(path: string, want: string, v: unknown): never {
    const hint = want === 'a string' && (typeof v === 'number' || typeof v === 'boolean') ? '; quote it in YAML' : '';
    return this.fail(path, `must be ${want} (got ${describeType(v)}${hint})`);
  }

  object(v: unknown, path: string): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return this.typeError(path, 'an object', v);
    return v as JsonObject;
  }

  list(v: unknown, path: string): readonly unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return this.typeError(path, 'a list', v);
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return this.typeError(path, 'a string', v);
    return v;
  }

  boolean(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.typeError(path, 'true or false', v);
    return v;
  }

  integer(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') return this.typeError(path, 'an integer', v);
    if (!Number.isSafeInteger(v)) return this.fail(path, `must be an integer, got ${v}`);
    return v;
  }

  /** IntOrString (`port: 80` or `port: http`). */
  intOrString(v: unknown, path: string): number | string | undefined {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return this.integer(v, path);
    if (v === undefined || v === null) return undefined;
    return this.typeError(path, 'a number or a port name', v);
  }

  required<T>(v: T | undefined, path: string): T {
    if (v === undefined) return this.fail(path, 'required');
    return v;
  }

  check(reason: string | undefined, path: string): void {
    if (reason !== undefined) this.fail(path, reason);
  }
}

/** A protocol field; absent means TCP, as the API server defaults it. */
export function decodeProtocol(dec: Decoder, v: unknown, path: string): Protocol {
  const text = dec.string(v, path);
  if (text === undefined) return 'TCP';
  const p = PROTOCOLS.find((x) => x === text);
  if (p === undefined) return dec.fail(path, `${JSON.stringify(text)} is not one of ${PROTOCOLS.join(', ')} (case matters)`);
  return p;
}
