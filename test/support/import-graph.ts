/**
 * @module test/support/import-graph
 * What the architecture test checks, as functions of an import graph so that they can be tried on
 * small made-up graphs too: the import specifiers of a source text (read with the TypeScript
 * parser, so comments and strings that look like imports do not count, and `import type`,
 * `export ... from`, `import()` and `import('x').T` all do), the layer rule each src/ file obeys,
 * and the import cycles of a graph.
 */
import ts from 'typescript';
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { assertNever } from '../../src/assert-never.js';

export interface ImportSpec {
  readonly spec: string;
  /** Only types cross it (`import type`, or every named binding `type`). It still couples the modules. */
  readonly typeOnly: boolean;
}

function namedBindingsTypeOnly(clause: ts.ImportClause): boolean {
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Every module a TypeScript source text imports or re-exports, statically or dynamically. */
export function importsOf(text: string, fileName = 'module.ts'): ImportSpec[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportSpec[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause !== undefined && namedBindingsTypeOnly(node.importClause) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ spec: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) out.push({ spec: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/**
 * Cases of an import's target:
 *   src      a file of src/, as its path inside src/ ('engine/index.ts')
 *   builtin  a Node.js module ('node:fs')
 *   package  an npm package, by its name ('yaml', '@kubernetes/client-node'; 'yargs/helpers' is yargs)
 */
export type Target = { readonly kind: 'src'; readonly path: string } | { readonly kind: 'builtin'; readonly name: string } | { readonly kind: 'package'; readonly name: string };

/** What `spec`, imported by src/`from`, stands for; src paths end in .ts as the files do. */
export function resolveImport(from: string, spec: string): Target {
  if (spec.startsWith('.')) {
    const path = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
    return { kind: 'src', path };
  }
  if (spec.startsWith('node:') || isBuiltin(spec)) return { kind: 'builtin', name: spec };
  const parts = spec.split('/');
  return { kind: 'package', name: spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec) };
}

/** A folder of src/, or `leaf` for the files at its root (errors.ts, duration.ts, ...). */
export type Layer = 'leaf' | 'model' | 'engine' | 'render' | 'node' | 'sources' | 'exec' | 'control' | 'cli';

interface LayerRule {
  /** Other layers whose files it may import; its own always. */
  readonly layers: readonly Layer[];
  /** Leaf files it may not import even so. */
  readonly notLeaves?: readonly string[];
  readonly builtins: boolean;
  /** npm packages it may import; 'any' for every one but those CLIENT_NODE keeps to its files. */
  readonly packages: readonly string[] | 'any';
  readonly why: string;
}

const CLIENT_NODE = '@kubernetes/client-node';
/** The only files that may import client-node: so that offline commands start without loading it. */
const CLIENT_NODE_FILES = /^(sources\/(cluster|kube|api-)|exec\/)/;

export const RULES: Readonly<Record<Layer, LayerRule>> = {
  leaf: { layers: [], builtins: false, packages: [], why: 'a leaf at src/ root imports only other leaves' },
  model: { layers: [], builtins: false, packages: [], why: 'model/ is plain data and imports nothing outside itself' },
  // CliError is for users; the engine assumes valid input and never throws on policy content.
  engine: { layers: ['model', 'leaf'], notLeaves: ['errors.ts'], builtins: false, packages: [], why: 'engine/ imports model/ and pure leaves only: no node: module, no package, no CliError' },
  render: { layers: ['engine', 'model', 'leaf'], builtins: false, packages: ['yaml'], why: 'render/ imports engine/, model/, leaves and yaml, and never prints' },
  node: { layers: ['engine', 'model', 'leaf'], builtins: false, packages: [], why: 'node/ is pure functions over engine/ and model/' },
  sources: { layers: ['model', 'leaf'], builtins: true, packages: ['yaml', 'ipaddr.js', CLIENT_NODE], why: 'sources/ imports model/, leaves, node: modules, yaml, ipaddr.js and (sources/cluster*, kube*, api-* only) client-node' },
  exec: { layers: ['model', 'leaf'], builtins: true, packages: [CLIENT_NODE], why: 'exec/ imports model/, leaves, node: modules and client-node' },
  control: { layers: ['leaf'], builtins: false, packages: [], why: 'control/ is the reconcile loop, its I/O and clock given by the caller' },
  cli: { layers: ['leaf', 'model', 'engine', 'render', 'node', 'sources', 'exec', 'control'], builtins: true, packages: 'any', why: 'cli/ may import every layer, and no layer imports cli/' },
};

const FOLDERS: ReadonlySet<string> = new Set(Object.keys(RULES).filter((l) => l !== 'leaf'));

/** The layer of a src/ path, or undefined for a folder that has no rule yet. */
export function layerOf(path: string): Layer | undefined {
  const slash = path.indexOf('/');
  if (slash < 0) return 'leaf';
  const folder = path.slice(0, slash);
  return FOLDERS.has(folder) ? (folder as Layer) : undefined;
}

/** Why src/`from` may not import `to`, or undefined when it may. */
export function forbiddenImport(from: string, to: Target): string | undefined {
  const layer = layerOf(from);
  if (layer === undefined) return `${from}: src/${from.split('/')[0]}/ has no layer rule (add one to RULES)`;
  const rule = RULES[layer];
  const no = `${from} may not import ${to.kind === 'src' ? to.path : to.name}: ${rule.why}`;
  switch (to.kind) {
    case 'src': {
      const target = layerOf(to.path);
      if (target === undefined) return `${to.path}: src/${to.path.split('/')[0]}/ has no layer rule (add one to RULES)`;
      if (target === layer) return undefined;
      if (!rule.layers.includes(target)) return no;
      return target === 'leaf' && (rule.notLeaves ?? []).includes(to.path) ? no : undefined;
    }
    case 'builtin':
      return rule.builtins ? undefined : no;
    case 'package':
      if (to.name === CLIENT_NODE && !CLIENT_NODE_FILES.test(from)) return `${from} may not import ${CLIENT_NODE}: only sources/cluster*, kube*, api-* and exec/ do, so offline commands start without it`;
      return rule.packages === 'any' || rule.packages.includes(to.name) ? undefined : no;
    default:
      return assertNever(to);
  }
}

/** src/ path -> the src/ paths it imports (type-only imports included). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * Every cycle of the graph, one per strongly connected component with more than one file (or a
 * file importing itself), as a path that starts and ends at the component's first file in sort
 * order: ['a.ts', 'b.ts', 'a.ts']. Tarjan's algorithm, iterative so that a deep graph cannot
 * overflow the stack.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const nodes = [...new Set([...graph.keys(), ...[...graph.values()].flat()])].sort();
  const next = (n: string): readonly string[] => graph.get(n) ?? [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const work: { node: string; edge: number }[] = [];
  const enter = (n: string): void => {
    index.set(n, counter);
    low.set(n, counter++);
    stack.push(n);
    onStack.add(n);
    work.push({ node: n, edge: 0 });
  };
  for (const root of nodes) {
    if (index.has(root)) continue;
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; edge: number };
      const edges = next(top.node);
      if (top.edge < edges.length) {
        const to = edges[top.edge++] as string;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) ?? 0, index.get(to) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(top.node) ?? 0));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
          onStack.delete(n);
          component.push(n);
          if (n === top.node) break;
        }
        if (component.length > 1 || next(top.node).includes(top.node)) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1)).map((c) => cycleThrough(graph, new Set(c), c[0] as string));
}

/** A shortest path from `start` back to itself inside one component (breadth first). */
function cycleThrough(graph: ImportGraph, component: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as string;
    for (const to of graph.get(n) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const between: string[] = [];
        for (let at: string | undefined = n; at !== undefined && at !== start; at = cameFrom.get(at)) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, n);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
