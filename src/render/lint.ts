/**
 * @module render/lint
 * lint's findings: a kubectl-style table, a Markdown table for a pull-request comment, and the
 * records -o json|yaml print (their fields are the contract, kept apart from the engine's type).
 */
import type { Finding, Severity } from '../engine/index.js';
import { SEVERITIES } from '../engine/index.js';
import { mdCell, renderTable } from './table.js';
import { ManifestError, type CliError } from '../errors.js';

/** A finding as lint names it: the engine's codes and `invalid-manifest` for input that could not be read. */
export interface LintFinding {
  readonly code: Finding['code'] | 'invalid-manifest';
  readonly severity: Severity;
  /** The object's kind ('' when a whole file could not be read). */
  readonly kind: string;
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

/** An object that could not be read, as a finding: `Kind ns/name` splits into kind and object. */
export function invalidFinding(e: CliError): LintFinding {
  const subject = e instanceof ManifestError ? e.subject : '';
  const space = subject.indexOf(' ');
  return {
    code: 'invalid-manifest',
    severity: 'error',
    kind: space < 0 ? subject : subject.slice(0, space),
    object: space < 0 ? '' : subject.slice(space + 1),
    path: e instanceof ManifestError ? e.path : '',
    message: e.message,
  };
}

export function findingRecord(f: LintFinding): Record<string, string> {
  return { code: f.code, severity: f.severity, kind: f.kind, object: f.object, path: f.path, message: f.message };
}

/** "2 errors, 1 warning, 0 info". */
export function severityCounts(findings: readonly LintFinding[]): string {
  return SEVERITIES.map((s) => {
    const n = findings.filter((f) => f.severity === s).length;
    return `${n} ${s}${n === 1 || s === 'info' ? '' : 's'}`;
  }).join(', ');
}

const objectText = (f: LintFinding): string => (f.kind === '' ? f.object : `${f.kind.toLowerCase()}/${f.object}`);

export function lintTable(findings: readonly LintFinding[], checked: string): string {
  if (findings.length === 0) return `No findings in ${checked}.\n`;
  const rows = findings.map((f) => [f.severity, f.code, objectText(f), f.path, f.message]);
  return `${renderTable(['SEVERITY', 'CODE', 'OBJECT', 'PATH', 'MESSAGE'], rows)}\n${findings.length} finding${findings.length === 1 ? '' : 's'} (${severityCounts(findings)}) in ${checked}.\n`;
}

export function lintMarkdown(findings: readonly LintFinding[], checked: string): string {
  if (findings.length === 0) return `**kubectl netpol lint**: no findings in ${checked}.\n`;
  const code = (t: string): string => (t === '' ? '' : `\`${mdCell(t)}\``);
  const rows = findings.map((f) => `| ${f.severity} | ${code(f.code)} | ${code(objectText(f))} | ${code(f.path)} | ${mdCell(f.message)} |`);
  return [`**kubectl netpol lint**: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${severityCounts(findings)}) in ${checked}.`, '', '| Severity | Code | Object | Path | Message |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}
