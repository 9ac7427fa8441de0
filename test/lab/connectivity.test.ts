/**
 * The shared connectivity table (test/support/connectivity.ts) judged by real packets: one netns
 * lab holds the table's world, each node runs its apply-node script for the row's policies, and a
 * TCP or UDP probe from the row's source address must be accepted (allowed) or REJECTed (denied).
 * Rows the lab cannot build (SCTP, template pods, addresses off the lab's networks) are skipped
 * one by one with the reason; see ./table-lab.ts.
 */
import { downLab, SKIP_UNLESS_ROOT, upLab } from './lab.js';
import { Probers } from './probe.js';
import { runTable } from '../support/connectivity.js';
import { judgeInLab, tableLabSpec } from './table-lab.js';

runTable(
  'netns lab (apply-node script, real packets)',
  async (rows) => {
    const lab = await upLab(tableLabSpec());
    const probers = new Probers(lab);
    try {
      return await judgeInLab(lab, probers, rows);
    } finally {
      probers.close();
      await downLab(lab);
    }
  },
  SKIP_UNLESS_ROOT,
);
