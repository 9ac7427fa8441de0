/**
 * The shared connectivity table (test/support/connectivity.ts) judged by the engine: the verdict
 * of `can-reach`, derived from the evaluation record as the CLI derives it.
 */
import { compileSnapshot, evaluateConnection, isAllowed } from '../../src/engine/index.js';
import { endpointOf, runTable, snapshotOf } from '../support/connectivity.js';

runTable('engine (evaluateConnection)', async (rows) =>
  rows.map((row) => {
    const v = evaluateConnection(compileSnapshot(snapshotOf(row)), {
      src: endpointOf(row.src),
      dst: endpointOf(row.dst),
      port: row.port,
      protocol: row.protocol ?? 'TCP',
      ...(row.family === undefined ? {} : { family: row.family }),
    });
    return { allowed: isAllowed(v), detail: `engine: egress ${v.egress.kind}, ingress ${v.ingress.kind}${v.bypass === undefined ? '' : `, bypass ${v.bypass}`}` };
  }),
);
