/**
 * @module render/report
 * `report -o html`: one self-contained page for a reviewer: the connectivity graph (an inline SVG),
 * each namespace's matrix of connections, every policy explained in words, and lint's findings.
 * Nothing is fetched when the page is opened: styles are inline and there is no script.
 */
import { connectionSetText, type ConnectionSet } from '../engine/index.js';
import { connsText } from './diff.js';
import { severityCounts, type LintFinding } from './lint.js';

export interface NamespaceMatrix {
  readonly namespace: string;
  /** Pod (or workload) names, without the namespace. */
  readonly pods: readonly string[];
  /** Row-major: cells[r * n + i] is pods[r] to pods[i]; undefined on the diagonal. */
  readonly cells: readonly (ConnectionSet | undefined)[];
}

export interface ReportModel {
  readonly title: string;
  /** Where the objects came from: files, or the cluster's server. */
  readonly source: string;
  readonly namespaces: readonly string[];
  readonly podCount: number;
  /** The graph laid out by Graphviz: an <svg> element's text. */
  readonly svg: string;
  readonly matrices: readonly NamespaceMatrix[];
  readonly policies: readonly { readonly ref: string; readonly summary: string; readonly text: string }[];
  readonly findings: readonly LintFinding[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Graphviz's SVG as an element to inline: its XML prolog and DOCTYPE have no place in HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2733;background:#f7f9fb}
header{background:#1d3557;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}
nav{padding:8px 28px;background:#e8eef5;border-bottom:1px solid #d0dae6}
nav a{margin-right:18px;color:#1d3557;text-decoration:none;font-weight:600}
main{padding:8px 28px 40px;max-width:1400px}
section{margin-top:24px}
h2{font-size:18px;border-bottom:2px solid #d0dae6;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.graph{background:#fff;border:1px solid #d0dae6;border-radius:6px;padding:10px;overflow:auto}
.graph svg{max-width:100%;height:auto}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px}
th,td{border:1px solid #d0dae6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef3f8}
td.all{background:#e3f4e5}
td.none{background:#fbe4e4;color:#8a1c1c}
td.some{background:#fff6e0}
td.self{background:#f0f0f0;color:#999;text-align:center}
.sev-error{color:#b00020;font-weight:700}
.sev-warning{color:#a15c00;font-weight:700}
.sev-info{color:#2f5d8a}
pre{white-space:pre-wrap;background:#fff;border:1px solid #d0dae6;border-radius:6px;padding:10px;overflow:auto;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:#5b6b7c}
`;

function cellClass(set: ConnectionSet): string {
  return set.kind;
}

function matrixTable(m: NamespaceMatrix): string {
  const n = m.pods.length;
  if (n === 0) return '<p class="muted">No pods.</p>';
  const head = `<tr><th>from \\ to</th>${m.pods.map((p) => `<th>${escapeHtml(p)}</th>`).join('')}</tr>`;
  const rows = m.pods.map((from, r) => {
    const cells = m.pods.map((_, i) => {
      const set = m.cells[r * n + i];
      if (set === undefined) return '<td class="self">&mdash;</td>';
      return `<td class="${cellClass(set)}" title="${escapeHtml(connectionSetText(set))}">${escapeHtml(connsText(set))}</td>`;
    });
    return `<tr><th>${escapeHtml(from)}</th>${cells.join('')}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function findingsTable(findings: readonly LintFinding[]): string {
  if (findings.length === 0) return '<p>No findings.</p>';
  const rows = findings.map(
    (f) =>
      `<tr><td class="sev-${f.severity}">${f.severity}</td><td><code>${escapeHtml(f.code)}</code></td><td>${escapeHtml(f.kind === '' ? f.object : `${f.kind}/${f.object}`)}</td><td><code>${escapeHtml(f.path)}</code></td><td>${escapeHtml(f.message)}</td></tr>`,
  );
  return `<table><tr><th>Severity</th><th>Code</th><th>Object</th><th>Path</th><th>Message</th></tr>${rows.join('')}</table>`;
}

export function renderReportHtml(r: ReportModel): string {
  const policies =
    r.policies.length === 0
      ? '<p>No NetworkPolicy in scope.</p>'
      : r.policies.map((p) => `<h3 id="policy-${escapeHtml(p.ref)}">${escapeHtml(p.ref)}</h3><p>${escapeHtml(p.summary)}</p><pre>${escapeHtml(p.text)}</pre>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(r.title)}</h1><p>${escapeHtml(r.source)}: ${r.namespaces.length} namespace(s), ${r.podCount} pod(s), ${r.policies.length} polic${r.policies.length === 1 ? 'y' : 'ies'}; lint: ${severityCounts(r.findings)}.</p></header>
<nav><a href="#graph">Graph</a><a href="#matrices">Matrices</a><a href="#policies">Policies</a><a href="#findings">Findings</a></nav>
<main>
<section id="graph"><h2>Connectivity</h2>
<p class="muted">Each box is a namespace, each node a pod or workload; an edge is a connection that policies decide, labelled with what they allow. Pairs where neither end is isolated (everything allowed) are not drawn.</p>
<div class="graph">${inlineSvg(r.svg)}</div></section>
<section id="matrices"><h2>Matrices by namespace</h2>
<p class="muted">Row: from; column: to. <span class="muted">all</span>: every port of every protocol; <span class="muted">none</span>: nothing; otherwise the protocols and ports allowed.</p>
${r.matrices.map((m) => `<h3>namespace ${escapeHtml(m.namespace)}</h3>${matrixTable(m)}`).join('\n')}
</section>
<section id="policies"><h2>Policies</h2>
${policies}
</section>
<section id="findings"><h2>Lint findings</h2>
${findingsTable(r.findings)}
</section>
</main>
</body>
</html>
`;
}
