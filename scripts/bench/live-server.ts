/**
 * @module scripts/bench/live-server
 * The child process that serves one bench cluster for the live rows: `node live-server.js FILE DIR`
 * loads the objects of the cluster file (the very file the `-f` rows read) into the project's test
 * API server, writes a kubeconfig for it to DIR and reports over IPC. It runs apart from the bench
 * so that its work (TLS, paging, serialising 500-item pages) never runs on the event loop that
 * times the plugin's processes, and the bench's own heap (its generated cluster) never makes the
 * server's GC pauses longer. Only the bench's messages drive it: 'stats' answers with what the
 * server saw since the last 'stats', 'close' shuts it down.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startApiServer } from '../../test/support/apiserver.js';
import type { JsonObject } from '../../test/support/selectors.js';
import { statsOf, type LiveReply, type LiveRequest } from './live-protocol.js';

async function main(file: string, dir: string): Promise<void> {
  const send = (m: LiveReply): void => {
    process.send?.(m);
  };
  const t0 = performance.now();
  const list = JSON.parse(readFileSync(file, 'utf8')) as { items: JsonObject[] };
  const server = await startApiServer({ objects: list.items });
  const kubeconfig = server.kubeconfigPath(dir, { fileName: 'kubeconfig-live' });
  let seen = 0;
  process.on('message', (m: LiveRequest) => {
    if (m.type === 'stats') {
      const entries = server.log.slice(seen);
      seen = server.log.length;
      send({ type: 'stats', stats: statsOf(entries) });
    } else {
      // The IPC channel holds the process open: drop it once the server is down.
      void server.close().then(() => process.disconnect());
    }
  });
  send({ type: 'ready', kubeconfig, objects: list.items.length, loadMs: performance.now() - t0 });
}

const [file, dir] = process.argv.slice(2);
if (file === undefined || dir === undefined || process.send === undefined) {
  console.error('usage: node live-server.js FILE DIR, forked by the bench (it talks over IPC)');
  process.exit(2);
}
main(file, dir).catch((e: unknown) => {
  process.send?.({ type: 'failed', reason: e instanceof Error ? e.message : String(e) } satisfies LiveReply);
  process.exit(1);
});
