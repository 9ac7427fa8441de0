/**
 * The shared connectivity table (test/support/connectivity.ts) judged by the engine: the verdict
 * of `can-reach`, derived from the evaluation record as the CLI derives it; the decision `matrix`
 * reads (decideConnection), which must say the same; and the connection sets `diff` compares,
 * every port of every protocol at once, which must hold the row's port exactly when allowed.
 */
import { compileSnapshot, connectionsBetween, connectionSetText, decideConnection, decisionAllows, evaluateConnection, holds, isAllowed, type Connection } from '../../src/engine/index.js';
import { endpointOf, runTable, snapshotOf, type Row } from '../support/connectivity.js';

function connectionOf(row: Row): Connection {
  return {
    src: endpointOf(row.src),
    dst: endpointOf(row.dst),
    port: row.port,
    protocol: row.protocol ?? 'TCP',
    ...(row.family === undefined ? {} : { family: row.family }),
  };
}

runTable('engine (evaluateConnection)', async (rows) =>
  rows.map((row) => {
    const v = evaluateConnection(compileSnapshot(snapshotOf(row)), connectionOf(row));
    return { allowed: isAllowed(v), detail: `engine: egress ${v.egress.kind}, ingress ${v.ingress.kind}${v.bypass === undefined ? '' : `, bypass ${v.bypass}`}` };
  }),
);

runTable('engine (decideConnection)', async (rows) =>
  rows.map((row) => {
    const d = decideConnection(compileSnapshot(snapshotOf(row)), connectionOf(row));
    return { allowed: decisionAllows(d), detail: `decision: egress ${d.egress.kind}, ingress ${d.ingress.kind}${d.bypass === undefined ? '' : `, bypass ${d.bypass}`}` };
  }),
);

// Callers may hold their own copy of a pod (the lab reorders a pod's addresses): it is judged by
// its labels and addresses, not by being the snapshot's object.
runTable('engine (decideConnection, ends copied out of the snapshot)', async (rows) =>
  rows.map((row) => {
    const conn = connectionOf(row);
    const copy = (e: Connection['src']): Connection['src'] => (e.kind === 'pod' ? { kind: 'pod', pod: { ...e.pod } } : e);
    const d = decideConnection(compileSnapshot(snapshotOf(row)), { ...conn, src: copy(conn.src), dst: copy(conn.dst) });
    return { allowed: decisionAllows(d), detail: `decision on copies: egress ${d.egress.kind}, ingress ${d.ingress.kind}` };
  }),
);

runTable('engine (connectionsBetween, the sets diff compares)', async (rows) =>
  rows.map((row) => {
    const conn = connectionOf(row);
    const c = compileSnapshot(snapshotOf(row));
    const set = connectionsBetween(c, conn.src, conn.dst, [c], conn.family);
    return { allowed: holds(set, conn.protocol, conn.port), detail: `connections: ${connectionSetText(set)}` };
  }),
);
