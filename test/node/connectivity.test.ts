/**
 * The shared connectivity table (test/support/connectivity.ts) judged by the node rule sets: each
 * node's RuleSet is built (buildRuleSet), and the connection's first packet runs along its path
 * through the interpreter of ./interpret.ts (the source node's hook, then the destination node's),
 * then the reply, which must pass whenever the request did. Pods of one node are bridged, as in
 * the lab; packets of other nodes are routed.
 */
import { addressIn, compileSnapshot, connectionFamily } from '../../src/engine/index.js';
import { buildRuleSet, type RuleSet } from '../../src/node/index.js';
import { endpointOf, NODES, runTable, snapshotOf } from '../support/connectivity.js';
import { deliver } from './interpret.js';

/** Any port above the ones rows use: the reply's destination is the client's ephemeral port. */
const EPHEMERAL_PORT = 40_000;

runTable('node rule sets (buildRuleSet, interpreted)', async (rows) =>
  rows.map((row) => {
    const s = snapshotOf(row);
    const c = compileSnapshot(s);
    const rules = new Map<string, RuleSet>(NODES.map((n) => [n.name, buildRuleSet(c, n.name)]));
    const src = endpointOf(row.src);
    const dst = endpointOf(row.dst);
    const family = connectionFamily(src, dst, row.family);
    const a = addressIn(src, family);
    const b = addressIn(dst, family);
    // A template pod sends and receives nothing: there is no packet to run.
    if (a === undefined || b === undefined) return { skip: `${a === undefined ? row.src : row.dst} has no address: no packet to run` };
    const protocol = row.protocol ?? 'TCP';
    const request = deliver(s, rules, src, dst, { src: a, dst: b, protocol, port: row.port, bridged: true, established: false, mark: 0 });
    if (!request) return { allowed: false, detail: 'the rules reject the first packet' };
    const reply = deliver(s, rules, dst, src, { src: b, dst: a, protocol, port: EPHEMERAL_PORT, bridged: true, established: true, mark: 0 });
    return reply ? { allowed: true, detail: 'the first packet and its reply pass' } : { allowed: false, detail: 'the first packet passes but its reply is rejected' };
  }),
);
