/**
 * @module render/data
 * -o json and -o yaml: the same plain records the text renderers read, serialised.
 */
import { stringify } from 'yaml';

export type DataFormat = 'json' | 'yaml';

export function renderData(value: unknown, format: DataFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/**
 * One list item as JSON.stringify(item, null, 2) prints it, every line after the first indented
 * by 4 more. A flat record (a matrix result: strings, numbers, booleans, null) is written field by
 * field, without the whole-text replace: there can be millions of them.
 */
function jsonItem(item: unknown): string {
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const fields: string[] = [];
    let flat = true;
    for (const [k, v] of Object.entries(item)) {
      if (v === undefined) continue;
      if (v !== null && typeof v === 'object') {
        flat = false;
        break;
      }
      fields.push(`      ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    }
    if (flat) return fields.length === 0 ? '{}' : `{\n${fields.join(',\n')}\n    }`;
  }
  // JSON.stringify escapes every newline inside strings, so each line break is indentation's.
  return JSON.stringify(item, null, 2).replace(/\n/g, '\n    ');
}

/** Stands for the streamed list while the fields around it are printed; no real value contains a NUL. */
const SLOT = '\u0000list\u0000';

/**
 * `{...before, [key]: items, ...after}` as renderData prints it, in pieces, one item at a time: a
 * long list (apply-node --all --dry-run, a script per node; matrix -o json, a result per pair)
 * never exists as one string, and items are only produced as they are printed. The pieces joined
 * are exactly renderData of the whole object, which a test checks. Items must be distinct
 * objects: yaml would print a repeated one as an alias.
 */
export function* renderDataList(key: string, items: Iterable<unknown>, format: DataFormat, around: { readonly before?: object; readonly after?: object } = {}): Generator<string> {
  // The other fields are printed once, with a placeholder in the list's place, then cut there.
  const frame = renderData({ ...around.before, [key]: SLOT, ...around.after }, format);
  const slot = format === 'json' ? JSON.stringify(SLOT) : stringify(SLOT).trimEnd();
  const at = frame.indexOf(slot);
  const head = frame.slice(0, at);
  const tail = frame.slice(at + slot.length);
  // Nested one level (a field of the top object): json items indent by 4, yaml's by 2 under `key:`.
  let first = true;
  for (const item of items) {
    if (format === 'json') {
      yield `${first ? `${head}[` : ','}\n    ${jsonItem(item)}`;
    } else {
      // yaml prints a list item the same whatever its neighbours: render it as the only item of
      // `key:` and keep the item's lines.
      const one = stringify({ [key]: [item] }, { lineWidth: 0 });
      yield `${first ? head.replace(/ $/, '') : ''}${one.slice(one.indexOf('\n') + (first ? 0 : 1))}`;
    }
    first = false;
  }
  if (first) yield `${head}[]${tail}`;
  else if (format === 'json') yield `\n  ]${tail}`;
  else if (tail !== '\n') yield tail.replace(/^\n/, '');
}
