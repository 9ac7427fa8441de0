/**
 * @module test/node/restore-model
 * What `iptables-restore --noflush` does to a filter table, for the lines our programs send
 * (declare, -D, -I, -A, -X), modelled on text: a declaration creates or flushes a chain, -D takes
 * the first rule with that exact spec, -I inserts at a position (at most one past the end), -X
 * deletes an empty chain nothing jumps to. A line the kernel would refuse throws, as the whole
 * transaction would fail. The table prints back as iptables-save prints it: built-in chains
 * first, then user chains by name, then each chain's rules in order.
 */
import { jumpTarget, parseFilterTable, type FilterTable } from '../../src/node/index.js';

const BUILT_IN = ['INPUT', 'FORWARD', 'OUTPUT'];

export interface TableModel {
  readonly policies: Map<string, string>;
  readonly rules: Map<string, string[]>;
}

export function modelOf(text: string): TableModel {
  const t: FilterTable = parseFilterTable(text);
  const rules = new Map<string, string[]>(t.chains.map((c) => [c.name, []]));
  for (const r of t.rules) rules.get(r.chain)?.push(r.spec);
  return { policies: new Map(t.chains.map((c) => [c.name, c.policy])), rules };
}

function chainOf(m: TableModel, name: string): string[] {
  const rules = m.rules.get(name);
  if (rules === undefined) throw new Error(`no chain ${name}`);
  return rules;
}

/** The table after `input` (lines, or blocks of lines) runs as one transaction; throws where the kernel would refuse. */
export function restore(before: TableModel, input: readonly string[]): TableModel {
  const m: TableModel = { policies: new Map(before.policies), rules: new Map([...before.rules].map(([c, r]) => [c, [...r]])) };
  for (const line of input.flatMap((b) => b.split('\n'))) {
    if (line === '*filter' || line === 'COMMIT') continue;
    let x: RegExpExecArray | null;
    if ((x = /^:(\S+) - \[0:0\]$/.exec(line))) {
      const name = x[1] as string;
      if (!m.rules.has(name)) m.policies.set(name, '-');
      m.rules.set(name, []);
    } else if ((x = /^-D (\S+) (.+)$/.exec(line))) {
      const rules = chainOf(m, x[1] as string);
      const at = rules.indexOf(x[2] as string);
      if (at < 0) throw new Error(`${line}: no such rule`);
      rules.splice(at, 1);
    } else if ((x = /^-I (\S+) (\d+) (.+)$/.exec(line))) {
      const rules = chainOf(m, x[1] as string);
      const at = Number(x[2]) - 1;
      if (at > rules.length) throw new Error(`${line}: past the end`);
      rules.splice(at, 0, x[3] as string);
    } else if ((x = /^-A (\S+) (.+)$/.exec(line))) {
      chainOf(m, x[1] as string).push(x[2] as string);
    } else if ((x = /^-X (\S+)$/.exec(line))) {
      const name = x[1] as string;
      if (chainOf(m, name).length > 0) throw new Error(`${line}: not empty`);
      for (const [chain, rules] of m.rules) {
        if (rules.some((spec) => jumpTarget({ chain, line: '', spec, position: 0 }) === name)) throw new Error(`${line}: ${chain} still jumps to it`);
      }
      m.rules.delete(name);
      m.policies.delete(name);
    } else {
      throw new Error(`unexpected line ${line}`);
    }
  }
  return m;
}

export function saveText(m: TableModel): string {
  const chains = [...BUILT_IN.filter((c) => m.rules.has(c)), ...[...m.rules.keys()].filter((c) => !BUILT_IN.includes(c)).sort()];
  return [
    '*filter',
    ...chains.map((c) => `:${c} ${m.policies.get(c) === '-' ? '- [0:0]' : (m.policies.get(c) ?? '-')}`),
    ...chains.flatMap((c) => (m.rules.get(c) ?? []).map((spec) => `-A ${c} ${spec}`)),
    'COMMIT',
  ].join('\n');
}
