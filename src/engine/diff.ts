/**
 * @module engine/diff
 * What a change of the cluster (or of its manifests) does to connectivity: every ordered pair of
 * ends whose connections differ between two snapshots, with the connections before and after
 * (engine/connections) and the decisions at the first port that differs, which say why. Ends are
 * the pods of either snapshot, by namespace/name (a pod that exists in one only has no
 * connections in the other), and the address blocks outside the cluster that the ipBlocks of
 * both cut the address space into (engine/address-blocks).
 */
import { qualifiedName, type Pod, type Protocol } from '../model/index.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Endpoint } from './endpoint.js';
import { addressBlocks } from './address-blocks.js';
import { connectionsBetween, firstDifference, sameConnections, type ConnectionSet } from './connections.js';
import { decideConnection, type Decision } from './verdict.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ConnectivityChange {
  readonly from: string;
  readonly to: string;
  readonly change: ChangeKind;
  readonly before: ConnectionSet;
  readonly after: ConnectionSet;
  /** The first connection one side has and the other lacks. */
  readonly at: { readonly protocol: Protocol; readonly port: number };
  /** The decision there, in each snapshot where both ends exist. */
  readonly why: { readonly before?: Decision; readonly after?: Decision };
}

interface End {
  readonly name: string;
  readonly before?: Endpoint;
  readonly after?: Endpoint;
}

const NONE: ConnectionSet = { kind: 'none' };

function podEnds(before: CompiledSnapshot, after: CompiledSnapshot): End[] {
  const ends = new Map<string, { name: string; before?: Endpoint; after?: Endpoint }>();
  const put = (pods: readonly Pod[], side: 'before' | 'after'): void => {
    for (const pod of pods) {
      const name = qualifiedName(pod);
      const e = ends.get(name) ?? { name };
      e[side] = { kind: 'pod', pod };
      ends.set(name, e);
    }
  };
  put(before.pods, 'before');
  put(after.pods, 'after');
  return [...ends.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Every ordered pair whose connections differ, pods first (by name, sources then destinations),
 * then pods to blocks, then blocks to pods. `inScope` keeps the pairs with an end it accepts.
 */
export function diffConnectivity(before: CompiledSnapshot, after: CompiledSnapshot, inScope: (pod: string) => boolean = () => true): ConnectivityChange[] {
  const both = [before, after];
  const pods = podEnds(before, after);
  const blocks: End[] = addressBlocks(both).map((b) => {
    const e: Endpoint = { kind: 'ip', ip: b.address };
    return { name: b.cidr.text, before: e, after: e };
  });
  const out: ConnectivityChange[] = [];
  const compare = (src: End, dst: End): void => {
    const was = src.before && dst.before ? connectionsBetween(before, src.before, dst.before, both) : NONE;
    const now = src.after && dst.after ? connectionsBetween(after, src.after, dst.after, both) : NONE;
    if (sameConnections(was, now)) return;
    const at = firstDifference(was, now);
    if (at === undefined) return;
    const decide = (c: CompiledSnapshot, s: Endpoint | undefined, d: Endpoint | undefined): Decision | undefined => (s && d ? decideConnection(c, { src: s, dst: d, ...at }) : undefined);
    const whyBefore = decide(before, src.before, dst.before);
    const whyAfter = decide(after, src.after, dst.after);
    out.push({
      from: src.name,
      to: dst.name,
      change: was.kind === 'none' ? 'added' : now.kind === 'none' ? 'removed' : 'changed',
      before: was,
      after: now,
      at,
      why: { ...(whyBefore ? { before: whyBefore } : {}), ...(whyAfter ? { after: whyAfter } : {}) },
    });
  };
  for (const src of pods) for (const dst of pods) if (src !== dst && (inScope(src.name) || inScope(dst.name))) compare(src, dst);
  for (const src of pods) if (inScope(src.name)) for (const dst of blocks) compare(src, dst);
  for (const src of blocks) for (const dst of pods) if (inScope(dst.name)) compare(src, dst);
  return out;
}
