/**
 * @module sources/json-scan
 * The one linear pass over JSON text that supplies what `JSON.parse` does not: the nesting depth and
 * the number of values (both checked before `JSON.parse` allocates anything), the line of every
 * `kind: List` item, and the first key an object repeats. It trusts nothing: on text that is not
 * JSON its findings are meaningless, and they are used only once `JSON.parse` has accepted the same
 * text (the two limits excepted, which also bound what the YAML reader would be given).
 *
 * It runs on every JSON input, so it allocates next to nothing per value: the open containers live
 * in typed arrays indexed by depth, strings are skipped with `indexOf`, and an object's keys are
 * compared as offsets into the text. Only an object with many keys, or with an escaped key, gets a
 * Set of the decoded keys; only the containers on the path of List items get a path string.
 */
import { MAX_NESTING } from './documents.js';

export interface Scan {
  /** Offset of the first bracket deeper than MAX_NESTING. */
  readonly tooDeep?: number;
  /** Offset of the value past the limit. */
  readonly tooMany?: number;
  /** The first repeated key and the offset of its second occurrence. */
  readonly duplicate?: { readonly key: string; readonly offset: number };
  /** `items`, `items/3/items` -> the line of each element. */
  readonly itemLines: ReadonlyMap<string, readonly number[]>;
  readonly firstLine: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const RETURN = 0x0d;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Keys an object may have before they go into a Set: comparing a new key with each earlier one is
 * cheaper than hashing for the few keys most objects have, and quadratic only up to this bound.
 */
const LINEAR_KEYS = 16;

/** A key's text, unescaped; raw when it does not decode (then JSON.parse of the whole text fails). */
export function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return raw;
  }
}

function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** Whether `c` ends a number, `true`, `false` or `null` (or a run of anything else). */
function endsBareWord(c: number): boolean {
  return c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === SPACE || c === NEWLINE || c === RETURN || c === TAB;
}

/** The scan's state; a class, so that its hot methods are the same functions on every call. */
class Scanner {
  readonly itemLines = new Map<string, number[]>();
  duplicate: Scan['duplicate'];
  line = 1;
  firstLine = 0;
  values = 0;

  // The open containers, outermost first; `depth` of them are open.
  depth = 0;
  readonly isArray = new Uint8Array(MAX_NESTING);
  /** Objects: whether the next string is a key. */
  readonly expectKey = new Uint8Array(MAX_NESTING);
  /** Arrays: index of the current element. */
  readonly index = new Int32Array(MAX_NESTING);
  /**
   * Set on the path of List items: the root object (''), an `items` array under such an object
   * ('items'), an object in such an array ('items/3'), and so on ('items/3/items').
   */
  readonly listPath: (string | undefined)[] = new Array<string | undefined>(MAX_NESTING).fill(undefined);
  /** On an `items` array: the line where each element starts. */
  readonly lines: (number[] | undefined)[] = new Array<number[] | undefined>(MAX_NESTING).fill(undefined);
  /** Objects on a list path: whether the current key is `items`. */
  readonly atItems = new Uint8Array(MAX_NESTING);
  // Keys of the open objects, as offsets: those of the object at depth d start at keyBase[d], and
  // nested objects' keys follow, so closing one frees its keys at the top.
  readonly keyBase = new Int32Array(MAX_NESTING);
  readonly keyStart = new Int32Array(MAX_NESTING * LINEAR_KEYS);
  readonly keyEnd = new Int32Array(MAX_NESTING * LINEAR_KEYS);
  keyCount = 0;
  /** An object's decoded keys, once it has many or an escaped one. */
  readonly keySets: (Set<string> | undefined)[] = new Array<Set<string> | undefined>(MAX_NESTING).fill(undefined);

  constructor(private readonly text: string) {}

  /** Notes the repetition if the key text[start, end) is one the object at depth d already has. */
  addKey(d: number, start: number, end: number, escaped: boolean): void {
    const text = this.text;
    const base = this.keyBase[d]!;
    let set = this.keySets[d];
    if (set === undefined && (escaped || this.keyCount - base === LINEAR_KEYS)) {
      set = new Set<string>();
      for (let k = base; k < this.keyCount; k++) set.add(keyText(text, this.keyStart[k]!, this.keyEnd[k]!));
      this.keyCount = base;
      this.keySets[d] = set;
    }
    if (set !== undefined) {
      const key = keyText(text, start, end);
      if (set.has(key)) this.duplicate = { key, offset: start };
      else set.add(key);
      return;
    }
    const length = end - start;
    for (let k = base; k < this.keyCount; k++) {
      if (this.keyEnd[k]! - this.keyStart[k]! === length && sameText(text, this.keyStart[k]!, start, length)) {
        this.duplicate = { key: keyText(text, start, end), offset: start };
        return;
      }
    }
    this.keyStart[this.keyCount] = start;
    this.keyEnd[this.keyCount] = end;
    this.keyCount++;
  }

  /** Counts a value starting here; returns the list path a container opened here would have. */
  valueStarts(container: 'object' | 'array' | undefined): string | undefined {
    if (this.firstLine === 0) this.firstLine = this.line;
    this.values++;
    if (this.depth === 0) return container === 'object' ? '' : undefined;
    const top = this.depth - 1;
    const path = this.listPath[top];
    if (path === undefined) return undefined;
    if (this.isArray[top] === 1) {
      this.lines[top]?.push(this.line);
      return container === 'object' ? `${path}/${this.index[top]!}` : undefined;
    }
    if (this.atItems[top] === 0 || container !== 'array') return undefined;
    return path === '' ? 'items' : `${path}/items`;
  }

  open(array: boolean, path: string | undefined): void {
    const d = this.depth;
    this.isArray[d] = array ? 1 : 0;
    this.expectKey[d] = array ? 0 : 1;
    this.index[d] = 0;
    this.listPath[d] = path;
    this.atItems[d] = 0;
    this.keyBase[d] = this.keyCount;
    this.keySets[d] = undefined;
    let lines: number[] | undefined;
    if (array && path !== undefined) {
      lines = [];
      this.itemLines.set(path, lines);
    }
    this.lines[d] = lines;
    this.depth = d + 1;
  }

  close(): void {
    if (this.depth === 0) return;
    const d = --this.depth;
    this.keyCount = this.keyBase[d]!;
    this.keySets[d] = undefined;
    this.lines[d] = undefined;
  }

  /** Past the string starting at `start`; `backslash` is the first backslash at or after it. */
  string(start: number, backslash: number): number {
    const text = this.text;
    // The closing quote: the first one after the opening quote not escaped by a backslash.
    let q = text.indexOf('"', start + 1);
    while (q >= 0 && backslash < q) {
      let slashes = 0;
      while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    const end = q < 0 ? text.length : q + 1;
    const top = this.depth - 1;
    if (top >= 0 && this.isArray[top] === 0 && this.expectKey[top] === 1) {
      this.expectKey[top] = 0;
      const escaped = backslash < end;
      if (this.listPath[top] !== undefined) {
        const items = escaped ? keyText(text, start, end) === 'items' : end - start === 7 && text.startsWith('items', start + 1);
        this.atItems[top] = items ? 1 : 0;
      }
      if (this.duplicate === undefined) this.addKey(top, start, end, escaped);
    } else {
      this.valueStarts(undefined);
    }
    return end;
  }

  result(extra: { tooDeep?: number; tooMany?: number } = {}): Scan {
    const duplicate = this.duplicate;
    return { ...extra, ...(duplicate === undefined ? {} : { duplicate }), itemLines: this.itemLines, firstLine: this.firstLine === 0 ? 1 : this.firstLine };
  }
}

export function scanJson(text: string, maxValues: number): Scan {
  const n = text.length;
  const s = new Scanner(text);
  // The first backslash at or after the current string, so that strings without one, nearly all,
  // are skipped with one indexOf and known to need no unescaping.
  let backslash = -1;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    switch (c) {
      case NEWLINE:
        s.line++;
        i++;
        continue;
      case SPACE:
      case TAB:
      case RETURN:
      case COLON:
        i++;
        continue;
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const array = c === OPEN_ARRAY;
        const path = s.valueStarts(array ? 'array' : 'object');
        if (s.depth >= MAX_NESTING) return s.result({ tooDeep: i });
        if (s.values > maxValues) return s.result({ tooMany: i });
        s.open(array, path);
        i++;
        continue;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        s.close();
        i++;
        continue;
      case COMMA:
        if (s.depth > 0) {
          const top = s.depth - 1;
          if (s.isArray[top] === 1) s.index[top]!++;
          else s.expectKey[top] = 1;
        }
        i++;
        continue;
      case QUOTE: {
        if (backslash < i) {
          backslash = text.indexOf('\\', i);
          if (backslash < 0) backslash = n;
        }
        const end = s.string(i, backslash);
        if (s.values > maxValues) return s.result({ tooMany: i });
        i = end;
        continue;
      }
      default: {
        // A number, true, false or null: skip to the next delimiter.
        s.valueStarts(undefined);
        if (s.values > maxValues) return s.result({ tooMany: i });
        i++;
        while (i < n && !endsBareWord(text.charCodeAt(i))) i++;
      }
    }
  }
  return s.result();
}
