/**
 * @module engine/connections
 * Every connection one end may open to another, as protocol and port ranges: what `diff` compares.
 * Computed from the verdict itself, not from a second reading of the policies: within one pair,
 * the verdict can only change at a port where some rule of the policies that isolate either end
 * (or of the tier policies selecting it) starts or stops admitting (a range's ends; a named port's number on the destination pod), so
 * the port space of each protocol is cut there and each piece is judged at its first port.
 */
import type { IpFamily, Protocol } from '../model/index.js';
import { PROTOCOLS } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Direction } from './direction.js';
import type { Endpoint } from './endpoint.js';
import { rulesIn } from './policy.js';
import { namedPortNumber, namedPortTarget } from './port.js';
import { tierRulesIn } from './tier.js';
import { decideConnection, decisionAllows } from './verdict.js';

export const FIRST_PORT = 1;
export const LAST_PORT = 65535;

/** Inclusive port ranges, sorted and merged. */
export type PortRanges = readonly (readonly [number, number])[];

/** Cases: every port of every protocol, nothing, or some ranges of some protocols (none empty). */
export type ConnectionSet =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'some'; readonly protocols: ReadonlyMap<Protocol, PortRanges> };

/** The first port of each piece of the port space of `protocol` for this pair, ascending. */
function cutsFor(cs: readonly CompiledSnapshot[], src: Endpoint, dst: Endpoint, protocol: Protocol): number[] {
  const cuts = new Set<number>([FIRST_PORT]);
  const add = (n: number): void => {
    if (n >= FIRST_PORT && n <= LAST_PORT) cuts.add(n);
  };
  const target = namedPortTarget(dst);
  for (const c of cs) {
    const sides: [Endpoint, Direction][] = [
      [src, 'egress'],
      [dst, 'ingress'],
    ];
    for (const [end, direction] of sides) {
      if (end.kind !== 'pod') continue;
      // The tiers' rules cut the port space too: a Deny of one range inside an Allow of all.
      const rules = [...c.isolating(end.pod, direction).flatMap((p) => rulesIn(p, direction).rules), ...c.tiersOf(end.pod, direction).flatMap((p) => tierRulesIn(p, direction))];
      for (const rule of rules) {
        for (const m of rule.ports) {
          switch (m.kind) {
            case 'any':
            case 'protocol':
              break;
            case 'range':
              if (m.protocol === protocol) {
                add(m.first);
                add(m.last + 1);
              }
              break;
            case 'named': {
              const n = target === undefined || m.protocol !== protocol ? undefined : namedPortNumber(target, m.name, protocol);
              if (n !== undefined) {
                add(n);
                add(n + 1);
              }
              break;
            }
            default:
              assertNever(m);
          }
        }
      }
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

function merge(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of ranges) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev[1] + 1 >= r[0]) prev[1] = Math.max(prev[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * The connections src may open to dst in `c`. `all` is every snapshot whose policies cut the
 * port space (pass both sides of a comparison, so that both are cut at the same ports); `family`
 * as a Connection's.
 */
export function connectionsBetween(c: CompiledSnapshot, src: Endpoint, dst: Endpoint, all: readonly CompiledSnapshot[] = [c], family?: IpFamily): ConnectionSet {
  const protocols = new Map<Protocol, PortRanges>();
  let every = true;
  for (const protocol of PROTOCOLS) {
    const cuts = cutsFor(all, src, dst, protocol);
    const allowed: [number, number][] = [];
    cuts.forEach((first, i) => {
      const last = (cuts[i + 1] ?? LAST_PORT + 1) - 1;
      if (decisionAllows(decideConnection(c, { src, dst, port: first, protocol, ...(family === undefined ? {} : { family }) }))) allowed.push([first, last]);
    });
    const ranges = merge(allowed);
    if (!(ranges.length === 1 && ranges[0]?.[0] === FIRST_PORT && ranges[0][1] === LAST_PORT)) every = false;
    if (ranges.length > 0) protocols.set(protocol, ranges);
  }
  if (every) return { kind: 'all' };
  if (protocols.size === 0) return { kind: 'none' };
  return { kind: 'some', protocols };
}

/** Whether two sets hold the same connections. */
export function sameConnections(a: ConnectionSet, b: ConnectionSet): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'some' || b.kind !== 'some') return true;
  if (a.protocols.size !== b.protocols.size) return false;
  for (const [p, ra] of a.protocols) {
    const rb = b.protocols.get(p);
    if (rb === undefined || ra.length !== rb.length || ra.some((r, i) => r[0] !== rb[i]?.[0] || r[1] !== rb[i]?.[1])) return false;
  }
  return true;
}

/** Whether `set` holds the connection on `protocol` `port`. */
export function holds(set: ConnectionSet, protocol: Protocol, port: number): boolean {
  switch (set.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'some':
      return (set.protocols.get(protocol) ?? []).some(([a, b]) => port >= a && port <= b);
    default:
      return assertNever(set);
  }
}

/** The first protocol and port held by exactly one of the sets, in protocol then port order. */
export function firstDifference(a: ConnectionSet, b: ConnectionSet): { readonly protocol: Protocol; readonly port: number } | undefined {
  for (const protocol of PROTOCOLS) {
    const edges = new Set<number>([FIRST_PORT]);
    for (const s of [a, b]) {
      if (s.kind !== 'some') continue;
      for (const [x, y] of s.protocols.get(protocol) ?? []) {
        edges.add(x);
        if (y < LAST_PORT) edges.add(y + 1);
      }
    }
    for (const port of [...edges].sort((x, y) => x - y)) if (holds(a, protocol, port) !== holds(b, protocol, port)) return { protocol, port };
  }
  return undefined;
}

/** For messages and test details: "TCP 80-80, 443-443; UDP 53-53", "all", "none". */
export function connectionSetText(set: ConnectionSet): string {
  if (set.kind !== 'some') return set.kind;
  return [...set.protocols].map(([p, rs]) => `${p} ${rs.map(([a, b]) => `${a}-${b}`).join(', ')}`).join('; ');
}
