/**
 * @module sources/files-yaml
 * Manifest text (YAML or JSON, several documents) to plain values, hardened against hostile input.
 * The `yaml` package composes documents recursively: a 100k-deep `[[[...]]]` overflows the stack,
 * and V8 can turn that overflow into a fatal, uncatchable out-of-memory crash when a regular
 * expression happens to be compiled at that depth. So nesting is measured on the concrete syntax
 * tree (built iteratively) before anything recursive runs, and again after aliases are resolved.
 * Alias bombs are stopped by `maxAliasCount`. Documents are composed one at a time so memory stays
 * proportional to one document, not to the whole file.
 *
 * The schema is YAML 1.1 as kubectl reads it (`yes`/`on` are booleans, `<<` merges), minus
 * timestamps and sexagesimal numbers, which kubectl leaves as strings.
 */
import { Composer, isAlias, isMap, isPair, isSeq, LineCounter, Parser, type CST, type Document, type Node } from 'yaml';
import { CliError } from '../errors.js';

/** Far deeper than any manifest (~20 levels) and far shallower than the stack. */
export const MAX_NESTING = 100;
/** Per document; the `yaml` package's own measure of alias expansion. */
export const MAX_ALIAS_COUNT = 100;

export interface YamlDocument {
  /** 1-based index in the file. */
  readonly index: number;
  /** 1-based line where the document's content starts. */
  readonly line: number | undefined;
  /** The plain value; null for an empty document. */
  readonly value: unknown;
  /** 1-based line of the node at `path` (e.g. ['items', 3]), when it can be found. */
  lineAt(path: readonly (string | number)[]): number | undefined;
}

type DocOptions = ConstructorParameters<typeof Composer>[0];

const OPTIONS: DocOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  customTags: (tags) =>
    tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    }),
};

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

/** Deepest collection nesting of a CST node, walked with an explicit stack. */
function cstDepth(root: CST.Token | undefined): { depth: number; offset: number } {
  let worst = { depth: 0, offset: 0 };
  const stack: [CST.Token, number][] = root === undefined ? [] : [[root, 1]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth > worst.depth) worst = { depth, offset: token.offset };
    if (depth > MAX_NESTING) return worst;
    for (const item of token.items) {
      const it = item as { key?: CST.Token | null; value?: CST.Token };
      if (it.key) stack.push([it.key, depth + 1]);
      if (it.value) stack.push([it.value, depth + 1]);
    }
  }
  return worst;
}

/**
 * Deepest nesting once aliases are followed (an alias to a deep anchor is as deep as the anchor).
 * Also rejects an alias inside its own anchor, which would make the value infinite.
 */
function resolvedDepth(doc: Document.Parsed, fail: (msg: string, node: Node) => never): number {
  const anchors = new Map<string, Node>();
  const target = new Map<Node, Node>();
  // Pre-order, so each alias sees the last anchor defined before it, as YAML requires.
  const order: Node[] = [];
  const pre: unknown[] = doc.contents === null ? [] : [doc.contents];
  while (pre.length > 0) {
    const n = pre.pop();
    if (isPair(n)) {
      pre.push(n.value, n.key);
      continue;
    }
    if (isAlias(n)) {
      const t = anchors.get(n.source);
      if (t === undefined) fail(`unknown alias *${n.source}`, n);
      target.set(n, t);
      order.push(n);
      continue;
    }
    if (!isMap(n) && !isSeq(n) && !(n !== null && typeof n === 'object' && 'anchor' in n)) continue;
    const node = n as Node;
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    order.push(node);
    if (isMap(node) || isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) pre.push(node.items[i]);
    }
  }
  if (target.size > MAX_ALIAS_COUNT) {
    fail(`more than ${MAX_ALIAS_COUNT} aliases in one document`, [...target.keys()][MAX_ALIAS_COUNT]!);
  }
  const depth = new Map<Node, number>();
  const children = (n: Node): Node[] => {
    if (isAlias(n)) return [target.get(n)!];
    if (!isMap(n) && !isSeq(n)) return [];
    const out: Node[] = [];
    for (const item of n.items) {
      for (const c of isPair(item) ? [item.key, item.value] : [item]) {
        if (c !== null && typeof c === 'object' && (isMap(c) || isSeq(c) || isAlias(c))) out.push(c as Node);
      }
    }
    return out;
  };
  // Post-order with an explicit stack; a node met again while open is a cycle.
  const open = new Set<Node>();
  const work: [Node, boolean][] = order.length === 0 ? [] : [[order[0]!, false]];
  let max = 0;
  while (work.length > 0) {
    const [node, expanded] = work.pop()!;
    if (depth.has(node)) continue;
    const kids = children(node);
    if (!expanded) {
      if (open.has(node)) fail('an alias refers to a node that contains it', node);
      open.add(node);
      work.push([node, true]);
      for (const k of kids) if (!depth.has(k)) work.push([k, false]);
      continue;
    }
    const own = isAlias(node) ? 0 : 1;
    const d = own + kids.reduce((m, k) => Math.max(m, depth.get(k) ?? 0), 0);
    if (d > MAX_NESTING) fail(`nesting deeper than ${MAX_NESTING} levels (after following aliases)`, node);
    open.delete(node);
    depth.set(node, d);
    max = Math.max(max, d);
  }
  return max;
}

/** Parses every document of `text`; `source` names the file in errors. */
export function* parseYamlDocuments(text: string, source: string): Generator<YamlDocument> {
  const lines = new LineCounter();
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer(OPTIONS);
  let index = 0;

  const finish = (doc: Document.Parsed): YamlDocument => {
    index++;
    const where = (offset: number): string => `${source} (document ${index}, line ${lineOf(offset)})`;
    const error = doc.errors[0];
    if (error !== undefined) throw new CliError(`${where(error.pos[0])}: invalid YAML: ${firstLine(error.message)}`);
    const fail = (msg: string, node: Node): never => {
      throw new CliError(`${where(node.range?.[0] ?? 0)}: ${msg}`);
    };
    resolvedDepth(doc, fail);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const detail = e instanceof Error ? firstLine(e.message) : String(e);
      throw new CliError(`${where(doc.contents?.range[0] ?? 0)}: cannot read YAML: ${detail}`, { cause: e });
    }
    const contents = doc.contents;
    return {
      index,
      line: contents === null ? undefined : lineOf(contents.range[0]),
      value,
      lineAt: (path) => {
        const node: unknown = doc.getIn(path, true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        return range === undefined ? undefined : lineOf(range[0]);
      },
    };
  };

  for (const token of parser.parse(text)) {
    if (token.type === 'document') {
      const { depth, offset } = cstDepth(token.value);
      if (depth > MAX_NESTING) {
        throw new CliError(
          `${source} (document ${index + 1}, line ${lineOf(offset)}): nesting deeper than ${MAX_NESTING} levels`,
        );
      }
    }
    for (const doc of composer.next(token)) yield finish(doc);
  }
  for (const doc of composer.end()) yield finish(doc);
}
