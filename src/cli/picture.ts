/**
 * @module cli/picture
 * `-o dot|mermaid|svg` for matrix and diff: the graph as text, or laid out as SVG by Graphviz's
 * own layout in WebAssembly (@viz-js/viz), so that no system package is needed. The WebAssembly is
 * loaded only for -o svg.
 */
import { renderGraph, renderDot, type Graph } from '../render/graph.js';

export type Picture = 'dot' | 'mermaid' | 'svg';

export function isPicture(format: string): format is Picture {
  return format === 'dot' || format === 'mermaid' || format === 'svg';
}

/** Graphviz's answer to a DOT text: its SVG, or its errors. */
export async function layOut(dot: string): Promise<{ readonly ok: true; readonly svg: string } | { readonly ok: false; readonly errors: readonly string[] }> {
  const { instance } = await import('@viz-js/viz');
  const r = (await instance()).render(dot, { format: 'svg' });
  return r.status === 'success' ? { ok: true, svg: r.output } : { ok: false, errors: r.errors.map((e) => e.message) };
}

export async function renderPicture(g: Graph, format: Picture): Promise<string> {
  if (format !== 'svg') return renderGraph(g, format);
  const r = await layOut(renderDot(g));
  // Our DOT is generated: Graphviz refusing it is a bug of ours, not bad input.
  if (!r.ok) throw new Error(`Graphviz could not lay out the graph: ${r.errors.join('; ')}`);
  return r.svg;
}
