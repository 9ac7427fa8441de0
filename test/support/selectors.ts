/**
 * @module test/support/selectors
 * labelSelector and fieldSelector query parameters as kube-apiserver reads them. Label selectors
 * support `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k` and `!k`; field selectors support
 * `=`, `==` and `!=` on the fields the real server indexes for the kinds served here. An unsupported
 * field is a 400, as on the real server.
 */

export type Matcher = (obj: JsonObject) => boolean;
export type JsonObject = Record<string, unknown>;

export class SelectorError extends Error {}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function labelsOf(obj: JsonObject): Record<string, string> {
  const meta = obj['metadata'];
  if (typeof meta !== 'object' || meta === null) return {};
  const labels = (meta as JsonObject)['labels'];
  return typeof labels === 'object' && labels !== null ? (labels as Record<string, string>) : {};
}

function labelTerm(term: string): Matcher {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return (o) => {
      const v = labelsOf(o)[key];
      return op === 'in' ? v !== undefined && values.includes(v) : v === undefined || !values.includes(v);
    };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eq) {
    const [, key = '', op, value] = eq;
    return (o) => (op === '!=' ? labelsOf(o)[key] !== value : labelsOf(o)[key] === value);
  }
  const not = /^!\s*(\S+)$/.exec(term);
  if (not) return (o) => labelsOf(o)[not[1] ?? ''] === undefined;
  if (/^\S+$/.test(term)) return (o) => labelsOf(o)[term] !== undefined;
  throw new SelectorError(`unable to parse requirement: ${term}`);
}

export function parseLabelSelector(text: string | null): Matcher {
  if (text === null || text.trim() === '') return () => true;
  const terms = splitTopLevel(text).map(labelTerm);
  return (o) => terms.every((t) => t(o));
}

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'spec.restartPolicy', 'status.podIP'],
  Namespace: ['metadata.name', 'status.phase'],
  Node: ['metadata.name', 'spec.unschedulable'],
  NetworkPolicy: ['metadata.name', 'metadata.namespace'],
};

function fieldValue(obj: JsonObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    cur = typeof cur === 'object' && cur !== null ? (cur as JsonObject)[part] : undefined;
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

export function parseFieldSelector(text: string | null, kind: string): Matcher {
  if (text === null || text.trim() === '') return () => true;
  const allowed = FIELDS[kind] ?? ['metadata.name', 'metadata.namespace'];
  const terms = splitTopLevel(text).map((term): Matcher => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = m;
    if (!allowed.includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return (o) => (op === '!=' ? fieldValue(o, field) !== value : fieldValue(o, field) === value);
  });
  return (o) => terms.every((t) => t(o));
}
