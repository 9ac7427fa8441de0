// Offline commands and --help start without loading @kubernetes/client-node (about a third of a second of
// imports); commands that reach a cluster load it. The real executable runs with a resolve hook
// preloaded through NODE_OPTIONS (startup-hook.ts) that writes down every module URL resolved, and
// the test reads that list: no timing is measured here (scripts/startup-times.sh does that).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fakeCluster, multiDir, seedFiles, wireObjects, type FakeCluster } from './cluster-fixtures.js';
import { netpol } from './run.js';

const hook = pathToFileURL(new URL('./startup-hook.js', import.meta.url).pathname).href;
const CLIENT_NODE = '/node_modules/@kubernetes/client-node/';
const seed = seedFiles[0] ?? '';

interface Case {
  readonly name: string;
  /** `K` stands for the fake's kubeconfig. */
  readonly args: readonly string[];
  readonly env?: 'kubeconfig';
  readonly code: number;
  readonly loadsClientNode: boolean;
}

const cases: Case[] = [
  { name: '--help', args: ['--help'], code: 0, loadsClientNode: false },
  { name: '--version', args: ['--version'], code: 0, loadsClientNode: false },
  { name: 'explain -f', args: ['explain', '-f', seed], code: 0, loadsClientNode: false },
  { name: 'can-reach -f -o json', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', '-o', 'json', '-f', seed], code: 0, loadsClientNode: false },
  { name: 'matrix -f', args: ['matrix', '-A', '--port', '6379', '-f', seed], code: 0, loadsClientNode: false },
  { name: 'apply-node --dry-run -f', args: ['apply-node', 'node-a', '--dry-run', '-f', seed], code: 0, loadsClientNode: false },
  { name: 'an offline error', args: ['explain', 'nope', '-f', seed], code: 2, loadsClientNode: false },
  { name: 'completing subcommands', args: ['__complete', ''], code: 0, loadsClientNode: false },
  { name: 'explain from the cluster', args: ['explain', '-A', '--kubeconfig', 'K'], code: 0, loadsClientNode: true },
  { name: 'can-reach from the cluster', args: ['can-reach', 'shop/web-0', 'shop/api-0', '--port', '9000', '--kubeconfig', 'K'], code: 0, loadsClientNode: true },
  { name: '-f with --cluster', args: ['explain', '-A', '-f', seed, '--cluster'], env: 'kubeconfig', code: 0, loadsClientNode: true },
  { name: 'completing node names', args: ['__complete', 'apply-node', ''], env: 'kubeconfig', code: 0, loadsClientNode: true },
];

describe('which commands load @kubernetes/client-node', { concurrency: 3 }, () => {
  let cluster: FakeCluster;
  before(async () => {
    cluster = await fakeCluster(wireObjects([multiDir]));
  });
  after(() => cluster.close());

  for (const [i, c] of cases.entries()) {
    test(`${c.name}: ${c.loadsClientNode ? 'loads' : 'does not load'} client-node`, async () => {
      const log = join(cluster.dir, `resolved-${i}.log`);
      const env: NodeJS.ProcessEnv = {
        NODE_OPTIONS: `--import ${hook}`,
        NETPOL_RESOLVE_LOG: log,
        ...(c.env === 'kubeconfig' ? { KUBECONFIG: cluster.kubeconfig } : {}),
      };
      const r = await netpol(c.args.map((a) => (a === 'K' ? cluster.kubeconfig : a)), { env });
      assert.equal(r.code, c.code, r.stderr);
      const resolved = readFileSync(log, 'utf8').split('\n');
      // The hook saw the run at all: yargs is always resolved.
      assert.ok(resolved.some((u) => u.includes('/node_modules/yargs/')), 'the resolve log holds the run');
      const clientNode = resolved.filter((u) => u.includes(CLIENT_NODE));
      assert.equal(clientNode.length > 0, c.loadsClientNode, clientNode.slice(0, 3).join('\n'));
      // Offline runs load none of the cluster side: no source, no exec module, no spinner.
      if (!c.loadsClientNode) {
        assert.deepEqual(resolved.filter((u) => /\/src\/sources\/(cluster|kubeconfig|api-errors)|\/src\/exec\/|\/node_modules\/ora\//.test(u)), []);
      }
    });
  }
});
