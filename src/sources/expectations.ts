/**
 * @module sources/expectations
 * `matrix --expect FILE`: the connectivity a team expects, as a YAML (or JSON) list checked in
 * beside the policies, so that CI fails when a change opens or closes a connection:
 *
 *   - from: shop/web-0
 *     to: shop/db-0
 *     port: 5432          # PORT[/PROTOCOL] as --port takes it: 5432, 53/UDP, or a port name
 *     allowed: true
 *
 * Validated here once, each error naming the file, the entry's line and its field.
 */
import { LineCounter, parseDocument, isSeq, type Node } from 'yaml';
import { CliError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { decodeText, readFileBounded } from './files-read.js';

export interface Expectation {
  readonly from: string;
  readonly to: string;
  /** As written: PORT[/PROTOCOL], checked by the caller as a --port value. */
  readonly port: string;
  readonly allowed: boolean;
  /** `file (line N)`, for messages about this entry. */
  readonly where: string;
}

const FIELDS = ['from', 'to', 'port', 'allowed'] as const;

export async function readExpectations(path: string): Promise<Expectation[]> {
  return parseExpectations(decodeText(await readFileBounded(path, path), path), path);
}

export function parseExpectations(text: string, label: string): Expectation[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): string => (node?.range ? `${label} (line ${lines.linePos(node.range[0]).line})` : label);
  const [syntax] = doc.errors;
  if (syntax) throw new CliError(`${label} (line ${lines.linePos(syntax.pos[0]).line}): not valid YAML: ${syntax.message.split('\n')[0] ?? ''}`);
  const root = doc.contents;
  if (root === null) return [];
  if (!isSeq(root)) throw new CliError(`${lineOf(root)}: expected a list of {from, to, port, allowed}`);
  return root.items.map((item, i) => {
    const where = lineOf(item as Node);
    const fail = (field: string, why: string): never => {
      throw new CliError(`${where}: expectation [${i}]${field === '' ? '' : `.${field}`}: ${why}`);
    };
    const value: unknown = (item as Node | null)?.toJSON?.() ?? item;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('', 'expected an object with from, to, port and allowed');
    const entry = value as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!(FIELDS as readonly string[]).includes(key)) fail(key, `unknown field "${key}"${didYouMean(key, FIELDS)}`);
    }
    const text = (field: 'from' | 'to'): string => {
      const v = entry[field];
      if (typeof v !== 'string' || !v.includes('/')) return fail(field, 'required: NAMESPACE/POD, as matrix names pods');
      return v;
    };
    const port = entry['port'];
    if (typeof port !== 'string' && typeof port !== 'number') return fail('port', 'required: PORT[/PROTOCOL], e.g. 80, 53/UDP or a port name');
    const allowed = entry['allowed'];
    if (typeof allowed !== 'boolean') return fail('allowed', 'required: true or false');
    return { from: text('from'), to: text('to'), port: String(port), allowed, where };
  });
}
