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
 * Size alone is no guard: the composer spends about 1.7 KB and 10 us on each `{}`, so 15 MB of
 * `[{},{},...]` ran 40 s and died of heap exhaustion, 30 MB of blank lines took 34 s, and 8 million
 * `---` lines 31 s. So before the syntax tree is built, one streaming pass of the lexer (no tree,
 * constant memory) counts tokens, lines, documents and aliases and refuses a file over the limits.
 *
 * The schema is YAML 1.1 as kubectl reads it (`yes`/`on` are booleans, `<<` merges), minus
 * timestamps and sexagesimal numbers, which kubectl leaves as strings.
 */
import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type Document, type Node } from 'yaml';
import { CliError } from '../errors.js';
import { lineAtOffset, MAX_NESTING, type YamlDocument } from './documents.js';

export { lineAtOffset, MAX_NESTING, type YamlDocument };
/** Per document; the `yaml` package's own measure of alias expansion. */
export const MAX_ALIAS_COUNT = 100;

/** Per file. Each is far above a legitimate manifest set and keeps the worst case near 1 GB. */
export interface YamlLimits {
  /**
   * Scalars, aliases, anchors, tags, brackets and the `-` `?` `:` `,` indicators: what the
   * syntax tree keeps an object for. 10k pods in one List have about 800k; 2M of the cheapest
   * kinds (`{},` or `-` lines) take up to 1.3 GB and 8 s to compose.
   */
  readonly tokens: number;
  /** Blank and comment lines cost a tree entry each too (2M take 4 s). */
  readonly lines: number;
  /** Each document, even an empty one, is composed and checked on its own. */
  readonly documents: number;
}

export const YAML_LIMITS: YamlLimits = { tokens: 2_000_000, lines: 2_000_000, documents: 100_000 };

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

/**
 * Offset of the key or item at `path` in a composed document. Keys are compared as the plain value
 * reads them (`on:` is the key "true" in YAML 1.1); a key brought in by a `<<` merge has no place of
 * its own here and is not found. An alias is followed to its anchor.
 */
function offsetOfPath(doc: Document.Parsed, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range[0];
  for (const step of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      offset = (node as Node | undefined)?.range?.[0];
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      node = pair?.value;
      offset = (pair?.key as Node | undefined)?.range?.[0];
    } else {
      return undefined;
    }
    if (offset === undefined) return undefined;
  }
  return offset;
}

/**
 * Throws when `text` holds more than `limits` allow, counted as the parser will read it. Lexemes
 * come one at a time and none is kept, so this pass needs no memory.
 */
export function checkYamlLimits(text: string, source: string, limits: YamlLimits = YAML_LIMITS): void {
  // Each token and line takes at least one character, and each document after the first three.
  if (text.length <= Math.min(limits.tokens, limits.lines, 3 * (limits.documents - 1))) return;
  let tokens = 0;
  let lines = 0;
  let documents = 0;
  let aliases = 0;
  let flowDepth = 0;
  let inDocument = false;
  let atScalar = false;
  let offset = 0;
  const fail = (what: string, limit: number, hint: string): never => {
    const where = `document ${Math.max(documents, 1)}, line ${lineAtOffset(text, offset)}`;
    throw new CliError(`${source} (${where}): more than ${limit} ${what} in one file; ${hint}`);
  };
  const failTokens = (): never =>
    fail('YAML tokens (values, keys, brackets, indicators)', limits.tokens, 'split it into smaller files, or give it as JSON, which is read faster');
  const startDocument = (): void => {
    if (inDocument) return;
    inDocument = true;
    aliases = 0;
    if (++documents > limits.documents) fail('documents', limits.documents, 'split it into smaller files');
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (atScalar) {
      // The text of a plain or block scalar, whatever it starts with.
      atScalar = false;
      offset += lexeme.length;
      continue;
    }
    const type = CST.tokenType(lexeme);
    switch (type) {
      case 'doc-mode':
      case 'flow-error-end':
        continue; // markers without text
      case 'newline':
        if (++lines > limits.lines) fail('lines', limits.lines, 'split it into smaller files');
        break;
      case 'space':
      case 'comment':
      case 'byte-order-mark':
      case 'directive-line':
        break;
      case 'doc-start':
        inDocument = false;
        flowDepth = 0;
        startDocument();
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flowDepth = Math.max(0, flowDepth - 1);
        if (++tokens > limits.tokens) failTokens();
        break;
      case 'doc-end':
        inDocument = false;
        break;
      default:
        startDocument();
        // Said here as composing would say it, but before a million aliases are composed.
        if (type === 'alias' && ++aliases > MAX_ALIAS_COUNT) {
          throw new CliError(
            `${source} (document ${documents}, line ${lineAtOffset(text, offset)}): more than ${MAX_ALIAS_COUNT} aliases in one document`,
          );
        }
        if (++tokens > limits.tokens) failTokens();
        // Brackets are the one nesting the lexer sees; saying so here spares building a deep tree.
        if ((type === 'flow-map-start' || type === 'flow-seq-start') && ++flowDepth > MAX_NESTING) {
          throw new CliError(`${source} (document ${documents}, line ${lineAtOffset(text, offset)}): nesting deeper than ${MAX_NESTING} levels`);
        }
        if (type === 'scalar') {
          atScalar = true;
          continue; // the marker itself has no text
        }
    }
    offset += lexeme.length;
  }
}

/** Parses every document of `text`; `source` names the file in errors. */
export function* parseYamlDocuments(text: string, source: string, limits: YamlLimits = YAML_LIMITS): Generator<YamlDocument> {
  checkYamlLimits(text, source, limits);
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
        const offset = offsetOfPath(doc, path);
        return offset === undefined ? undefined : lineOf(offset);
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
