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
 * `{[key]: items}` as renderData prints it, in pieces, one item at a time: a long list (apply-node
 * --all --dry-run, a script per node) never exists as one string, and items are only produced as
 * they are printed. The pieces joined are exactly renderData({[key]: [...items]}, format), which
 * a test checks. Items must be distinct objects: yaml would print a repeated one as an alias.
 */
export function* renderDataList(key: string, items: Iterable<unknown>, format: DataFormat): Generator<string> {
  let first = true;
  for (const item of items) {
    if (format === 'json') {
      // JSON.stringify escapes every newline inside strings, so each line break is indentation's.
      yield `${first ? `{\n  ${JSON.stringify(key)}: [` : ','}\n    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`;
    } else {
      // yaml prints a list item the same whatever its neighbours: the first piece keeps the
      // `key:` line, the others drop it.
      const one = stringify({ [key]: [item] }, { lineWidth: 0 });
      yield first ? one : one.slice(one.indexOf('\n') + 1);
    }
    first = false;
  }
  if (first) yield renderData({ [key]: [] }, format);
  else if (format === 'json') yield '\n  ]\n}\n';
}
