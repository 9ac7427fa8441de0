/**
 * @module test/cli/startup-hook
 * Preloaded with `node --import` (or NODE_OPTIONS) to record which modules a run of the CLI
 * resolves: every URL the ESM resolver returns is appended, one per line, to the file named by
 * NETPOL_RESOLVE_LOG. The startup test reads that file to see whether client-node was loaded.
 */
import { register } from 'node:module';

const log = process.env['NETPOL_RESOLVE_LOG'];
if (log !== undefined && log !== '') register('./startup-resolve-hooks.js', import.meta.url, { data: { log } });
