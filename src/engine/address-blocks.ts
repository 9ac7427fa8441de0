/**
 * @module engine/address-blocks
 * The address space outside the cluster, cut by every ipBlock (cidr and except) of some snapshots
 * into pieces that each policy treats alike: within a piece, every ipBlock either holds every
 * address or none. Each piece is given as the fewest CIDR blocks that make it up, with one
 * address of it to judge connections by (one that is no pod's or node's, since those are ends of
 * their own).
 */
import { bitsOf, type Cidr, type IpAddress, type IpFamily } from '../model/index.js';
import type { CompiledSnapshot } from './compiled.js';
import { rulesIn } from './policy.js';

export interface AddressBlock {
  readonly cidr: Cidr;
  /** An address of the block that is no pod's or node's, to judge it by. */
  readonly address: IpAddress;
}

function ipv6Text(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes '::' (the first such run on a tie).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** Canonical text of an address: dotted IPv4, compressed lower-case IPv6. */
export function addressText(family: IpFamily, value: bigint): string {
  if (family === 6) return ipv6Text(value);
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

function cidrOf(family: IpFamily, base: bigint, prefix: number): Cidr {
  return { family, base, prefix, text: `${addressText(family, base)}/${prefix}` };
}

/** The fewest CIDR blocks covering first..last (inclusive), in address order. */
function blocksOf(family: IpFamily, first: bigint, last: bigint): Cidr[] {
  const bits = bitsOf(family);
  const out: Cidr[] = [];
  for (let at = first; at <= last; ) {
    let size = 0;
    // Grow while the block stays aligned at `at` and inside the range.
    while (size < bits && (at & ((1n << BigInt(size + 1)) - 1n)) === 0n && at + (1n << BigInt(size + 1)) - 1n <= last) size++;
    out.push(cidrOf(family, at, bits - size));
    at += 1n << BigInt(size);
  }
  return out;
}

function ipBlocksOf(c: CompiledSnapshot): Cidr[] {
  return c.policies.flatMap((p) =>
    (['ingress', 'egress'] as const).flatMap((d) => rulesIn(p, d).rules.flatMap((r) => r.peers.flatMap((m) => (m.kind === 'cidr' ? [m.cidr, ...m.except] : [])))),
  );
}

/**
 * The pieces of each family's address space that the ipBlocks of `cs` cut it into, as blocks, for
 * the families any pod, node or ipBlock of `cs` has. Blocks made only of pod and node addresses
 * are left out: those addresses are ends of their own.
 */
export function addressBlocks(cs: readonly CompiledSnapshot[]): AddressBlock[] {
  const cidrs = cs.flatMap(ipBlocksOf);
  const known = new Set<string>();
  const families = new Set<IpFamily>(cidrs.map((x) => x.family));
  for (const c of cs) {
    for (const p of c.snapshot.pods) for (const ip of p.ips) (known.add(`${ip.family}/${ip.value}`), families.add(ip.family));
    for (const n of c.snapshot.nodes) for (const a of n.addresses) (known.add(`${a.ip.family}/${a.ip.value}`), families.add(a.ip.family));
  }
  const out: AddressBlock[] = [];
  for (const family of [4, 6] as const) {
    if (!families.has(family)) continue;
    const bits = BigInt(bitsOf(family));
    const end = 1n << bits;
    const edges = new Set<bigint>([0n]);
    for (const x of cidrs) {
      if (x.family !== family) continue;
      edges.add(x.base);
      const after = x.base + (1n << (bits - BigInt(x.prefix)));
      if (after < end) edges.add(after);
    }
    const sorted = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.forEach((first, i) => {
      const last = (sorted[i + 1] ?? end) - 1n;
      for (const cidr of blocksOf(family, first, last)) {
        const size = 1n << (bits - BigInt(cidr.prefix));
        // A few tries suffice: a block holds at most as many known addresses as pods and nodes.
        for (let v = cidr.base, tries = 0; v < cidr.base + size && tries <= known.size; v++, tries++) {
          if (known.has(`${family}/${v}`)) continue;
          out.push({ cidr, address: { family, value: v, text: addressText(family, v) } });
          break;
        }
      }
    });
  }
  return out;
}
