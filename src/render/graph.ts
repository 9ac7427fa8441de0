/**
 * @module render/graph
 * Connectivity as a picture: pods (and workloads, and address blocks) as nodes grouped by
 * namespace, connections as edges labelled with their ports. Built from matrix's grids or diff's
 * changes, written as Graphviz DOT or a Mermaid flowchart; `-o svg` is the DOT laid out by
 * Graphviz itself (a WebAssembly build, loaded only then: cli/picture.ts).
 */
import { assertNever, type ConnectionSet, type ConnectivityChange } from '../engine/index.js';
import { connsText } from './diff.js';
import type { MatrixView } from './matrix.js';

/** Cases of an edge: allowed or denied (matrix), or how a pair's connections changed (diff). */
export type EdgeKind = 'allowed' | 'denied' | 'added' | 'removed' | 'changed';

export interface GraphNode {
  readonly id: string;
  /** The namespace box it is drawn in; undefined: outside the cluster. */
  readonly group: string | undefined;
  readonly label: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label: string;
}

export interface Graph {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** An end as a node: `ns/name` in its namespace's box; a CIDR block outside the cluster. */
function nodeOf(id: string): GraphNode {
  const slash = id.indexOf('/');
  const isBlock = /^[0-9a-f.:]+\/\d+$/.test(id);
  return isBlock || slash < 0 ? { id, group: undefined, label: id } : { id, group: id.slice(0, slash), label: id.slice(slash + 1) };
}

/** matrix's grids: an edge for each ordered pair of distinct pods with a column allowed (and, with showDenied, one denied). */
export function matrixGraph(view: MatrixView, showDenied: boolean): Graph {
  const n = view.pods.length;
  const edges: GraphEdge[] = [];
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < n; i++) {
      if (r === i) continue;
      const allowed: string[] = [];
      const denied: string[] = [];
      for (const g of view.grids) {
        const cell = g.cells[r * n + i];
        if (cell?.allowed === true) allowed.push(g.column);
        else if (cell?.allowed === false) denied.push(g.column);
      }
      const from = view.pods[r] as string;
      const to = view.pods[i] as string;
      if (allowed.length > 0) edges.push({ from, to, kind: 'allowed', label: allowed.join(', ') });
      if (showDenied && denied.length > 0) edges.push({ from, to, kind: 'denied', label: denied.join(', ') });
    }
  }
  const columns = view.grids.map((g) => g.column).join(', ');
  return { title: `kubectl netpol matrix: ${columns}`, nodes: view.pods.map(nodeOf), edges };
}

/** report's pairs: an edge for each pair with some connection, labelled with what is allowed. */
export function connectionsGraph(title: string, ends: readonly string[], pairs: readonly { readonly from: string; readonly to: string; readonly set: ConnectionSet }[]): Graph {
  return {
    title,
    nodes: ends.map(nodeOf),
    edges: pairs.filter((p) => p.set.kind !== 'none').map((p) => ({ from: p.from, to: p.to, kind: 'allowed', label: connsText(p.set) })),
  };
}

/** diff's changes: an edge a pair, labelled before -> after. */
export function diffGraph(changes: readonly ConnectivityChange[]): Graph {
  const ids = [...new Set(changes.flatMap((c) => [c.from, c.to]))].sort();
  return {
    title: 'kubectl netpol diff',
    nodes: ids.map(nodeOf),
    edges: changes.map((c) => ({ from: c.from, to: c.to, kind: c.change, label: `${connsText(c.before)} -> ${connsText(c.after)}` })),
  };
}

const STYLE: Readonly<Record<EdgeKind, { readonly dot: string; readonly mermaid: '-->' | '-.->' }>> = {
  allowed: { dot: 'color="#2e7d32"', mermaid: '-->' },
  denied: { dot: 'color="#c62828", style=dashed', mermaid: '-.->' },
  added: { dot: 'color="#2e7d32", penwidth=2', mermaid: '-->' },
  removed: { dot: 'color="#c62828", style=dashed, penwidth=2', mermaid: '-.->' },
  changed: { dot: 'color="#ef6c00", penwidth=2', mermaid: '-->' },
};

/** A DOT double-quoted string. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function groups(g: Graph): Map<string | undefined, GraphNode[]> {
  const by = new Map<string | undefined, GraphNode[]>();
  for (const n of g.nodes) by.set(n.group, [...(by.get(n.group) ?? []), n]);
  return by;
}

export function renderDot(g: Graph): string {
  const lines = ['digraph netpol {', `  label=${q(g.title)};`, '  labelloc=t;', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  let i = 0;
  for (const [group, nodes] of groups(g)) {
    const inner = nodes.map((n) => `    ${q(n.id)} [label=${q(n.label)}];`);
    if (group === undefined) {
      lines.push(`  subgraph cluster_${i++} {`, `    label=${q('outside the cluster')};`, '    style=dashed;', ...inner, '  }');
    } else {
      lines.push(`  subgraph cluster_${i++} {`, `    label=${q(`namespace ${group}`)};`, '    style="rounded,filled";', '    fillcolor="#f0f4f8";', ...inner, '  }');
    }
  }
  for (const e of g.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}, ${STYLE[e.kind].dot}];`);
  lines.push('}', '');
  return lines.join('\n');
}

/** Mermaid text: `"` and the characters Mermaid reads as syntax inside labels, as entity codes. */
function m(s: string): string {
  return s.replace(/[#"<>]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

export function renderMermaid(g: Graph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR', `  %% ${g.title.replace(/\n/g, ' ')}`];
  let i = 0;
  for (const [group, nodes] of groups(g)) {
    lines.push(`  subgraph g${i++} ["${m(group === undefined ? 'outside the cluster' : `namespace ${group}`)}"]`);
    for (const n of nodes) lines.push(`    ${ids.get(n.id) ?? ''}["${m(n.label)}"]`);
    lines.push('  end');
  }
  for (const e of g.edges) lines.push(`  ${ids.get(e.from) ?? ''} ${STYLE[e.kind].mermaid}|"${m(`${e.kind === 'allowed' ? '' : `${e.kind}: `}${e.label}`)}"| ${ids.get(e.to) ?? ''}`);
  return `${lines.join('\n')}\n`;
}

export type PictureFormat = 'dot' | 'mermaid';

export function renderGraph(g: Graph, format: PictureFormat): string {
  switch (format) {
    case 'dot':
      return renderDot(g);
    case 'mermaid':
      return renderMermaid(g);
    default:
      return assertNever(format);
  }
}
