// examples/rbac.yaml grants what each command actually asks of the API server: every request the
// real executable sends to the fake is turned into RBAC terms (verb, API group, resource,
// namespace) and checked against the file's roles and bindings. Also: a user bound only inside one
// namespace can still check connections there (and read that Namespace, through the RoleBinding);
// with a Role that lacks namespaces, it is told what that costs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { receivedScript, type ExecHandler, type RequestLogEntry } from '../support/apiserver.js';
import { renderStateScript, renderStatusScript } from '../../src/node/index.js';
import { stateText } from '../node/states.js';
import { parseRoute } from '../support/routes.js';
import { fakeCluster, multiDir, wireObjects } from './cluster-fixtures.js';
import { netpol, repo } from './run.js';

interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}
interface RbacObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string }[];
}

const rbac = parseAllDocuments(readFileSync(`${repo}examples/rbac.yaml`, 'utf8')).map((d) => d.toJS() as RbacObject);

/** One request in RBAC terms. */
interface Access {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
}

function accessOf(e: RequestLogEntry): Access[] {
  const route = parseRoute(e.path);
  assert.ok(route, `not a resource path: ${e.path}`);
  const resource = route.subresource !== undefined ? `${route.resource.name}/${route.subresource}` : route.resource.name;
  const base = { group: route.resource.group, resource, ...(route.namespace !== undefined ? { namespace: route.namespace } : {}) };
  // Exec over WebSocket is a GET, authorized as `get` on pods/exec; newer API servers also check `create`.
  if (e.upgrade) return [{ ...base, verb: 'create' }, { ...base, verb: 'get' }];
  const watch = ['true', '1'].includes(e.query.get('watch') ?? '');
  const verb = e.method === 'POST' ? 'create' : e.method === 'DELETE' ? 'delete' : route.name !== undefined ? 'get' : watch ? 'watch' : 'list';
  return [{ ...base, verb }];
}

function grants(rules: readonly PolicyRule[], a: Access): boolean {
  return rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb));
}

/** Whether a member of `group` may do `a`, through the file's bindings. */
function allowed(group: string, a: Access): boolean {
  const bound = rbac.filter((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && o.subjects?.some((s) => s.kind === 'Group' && s.name === group));
  return bound.some((b) => {
    // A RoleBinding grants only inside its namespace, whatever role it refers to.
    if (b.kind === 'RoleBinding' && a.namespace !== b.metadata.namespace) return false;
    const role = rbac.find(
      (o) => o.kind === b.roleRef?.kind && o.metadata.name === b.roleRef.name && (o.kind === 'ClusterRole' || o.metadata.namespace === b.metadata.namespace),
    );
    return role?.rules !== undefined && grants(role.rules, a);
  });
}

const describeAccess = (a: Access): string => `${a.verb} ${a.resource} (group "${a.group}") ${a.namespace !== undefined ? `in ${a.namespace}` : 'cluster-wide'}`;

test('rbac.yaml: the roles and bindings it documents', () => {
  assert.deepEqual(
    rbac.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    [
      'ClusterRole /kubectl-netpol-reader',
      'Role kube-system/kubectl-netpol-node-admin',
      'ClusterRole /kubectl-netpol-watcher',
      'ClusterRoleBinding /kubectl-netpol-reader',
      'RoleBinding kube-system/kubectl-netpol-node-admin',
      'ClusterRoleBinding /kubectl-netpol-watcher',
      'RoleBinding shop/kubectl-netpol-reader',
    ],
  );
  for (const b of rbac.filter((o) => o.kind.endsWith('Binding'))) {
    assert.ok(rbac.some((o) => o.kind === b.roleRef?.kind && o.metadata.name === b.roleRef.name), `${b.metadata.name} refers to a role in the file`);
  }
  const reader = rbac[0]?.rules ?? [];
  for (const verb of ['create', 'update', 'patch', 'delete', 'watch']) {
    for (const resource of ['pods', 'namespaces', 'nodes']) assert.ok(!grants(reader, { verb, group: '', resource }), `the reader may not ${verb} ${resource}`);
  }
  // apply-node --watch: node admins watch everything it reads, cluster-wide; readers do not.
  for (const [group, resource] of [['', 'pods'], ['', 'namespaces'], ['', 'nodes'], ['networking.k8s.io', 'networkpolicies']] as const) {
    assert.ok(allowed('netpol-node-admins', { verb: 'watch', group, resource }), `node admins may watch ${resource}`);
    assert.ok(!allowed('netpol-readers', { verb: 'watch', group, resource }), `readers may not watch ${resource}`);
  }
});

/** Plays the node for apply-node and status: reads each script up to its sentinel line; a fresh node's state, then a program that went through. */
const node: ExecHandler = async (req, io) => {
  const script = (await receivedScript(req, io)).script;
  const isState = script === renderStateScript() || script === renderStatusScript();
  io.stdout.write(isState ? stateText() : 'knp-report step=check result=ok\nknp-report result=done\n');
  return 0;
};

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly group: 'netpol-readers' | 'netpol-node-admins';
  /** The role the command needs beyond the reader (to show the reader alone would not do). */
  readonly needsNodeAdmin?: boolean;
  readonly code: number;
}

const cases: Case[] = [
  { name: 'explain', args: ['explain', '-A'], group: 'netpol-readers', code: 0 },
  { name: 'can-reach with an address (reads nodes)', args: ['can-reach', '192.168.10.12', 'shop/web-1', '--port', '8080'], group: 'netpol-readers', code: 0 },
  { name: 'matrix -n', args: ['matrix', '-n', 'shop', '--port', '80'], group: 'netpol-readers', code: 0 },
  { name: 'apply-node --dry-run', args: ['apply-node', 'node-1', '--dry-run'], group: 'netpol-readers', code: 0 },
  { name: 'completion of namespaces', args: ['__complete', 'matrix', '-n', ''], group: 'netpol-readers', code: 0 },
  { name: 'apply-node', args: ['apply-node', 'node-1'], group: 'netpol-node-admins', needsNodeAdmin: true, code: 0 },
  { name: 'status (a node with nothing installed)', args: ['status', 'node-1'], group: 'netpol-node-admins', needsNodeAdmin: true, code: 1 },
];

describe('examples/rbac.yaml grants every request each command makes', { concurrency: 3 }, () => {
  const objects = wireObjects([multiDir]);
  for (const c of cases) {
    test(`${c.name}: ${c.group}`, async () => {
      const cluster = await fakeCluster(objects);
      cluster.server.setExecHandler(node);
      try {
        const r = await netpol(c.args, { env: { KUBECONFIG: cluster.kubeconfig } });
        assert.equal(r.code, c.code, r.stderr);
        assert.notEqual(r.stdout.replace(':4\n', ''), '', 'an answer');
        const accesses = cluster.server.log.flatMap(accessOf);
        assert.ok(accesses.length > 0);
        const missing = accesses.filter((a) => !allowed(c.group, a)).map(describeAccess);
        // Exec needs only one of create/get (whichever the server checks); both are granted anyway.
        assert.deepEqual(missing, []);
        const readerOnly = accesses.filter((a) => !allowed('netpol-readers', a));
        assert.equal(readerOnly.length > 0, c.needsNodeAdmin === true, readerOnly.map(describeAccess).join(', '));
      } finally {
        await cluster.close();
      }
    });
  }
});

/**
 * The fake denies by rule rather than granting by role, so each test below also checks that the
 * fake's answers (403 or not) agree, request by request, with what `may` says RBAC grants.
 */
function assertAgrees(log: readonly RequestLogEntry[], may: (a: Access) => boolean): void {
  const disagree = log
    .map((e) => ({ e, granted: accessOf(e).every(may) }))
    .filter(({ e, granted }) => (e.status !== 403) !== granted)
    .map(({ e, granted }) => `${e.method} ${e.path}: ${e.status ?? '?'} but RBAC ${granted ? 'grants' : 'denies'} it`);
  assert.deepEqual(disagree, []);
}

describe('a user bound only in namespace shop (RoleBinding)', { concurrency: 3 }, () => {
  const objects = wireObjects([multiDir]);
  const others = ['payments', 'data', 'monitoring', 'dev', 'kube-system'];
  const readerRules = rbac.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'kubectl-netpol-reader')?.rules ?? [];
  /** A Role in shop like the reader but without namespaces, which some teams are given. */
  const noNamespaces: PolicyRule[] = readerRules.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'namespaces') }));
  const inShop = (rules: readonly PolicyRule[]) => (a: Access) => a.namespace === 'shop' && grants(rules, a);
  /**
   * Everything is denied at the cluster scope and in the other namespaces; `denyInShop` narrows shop
   * too. Namespace shop gets the label team=platform, which only shop/api's ingress[0] from[1] looks
   * at, so the verdict for cart-0 shows whether its labels were read.
   */
  const confine = async (denyInShop?: { verb: string; resource: string }) => {
    const cluster = await fakeCluster(objects);
    cluster.server.forbid({ verb: '*', resource: '*', clusterScope: true });
    for (const namespace of others) cluster.server.forbid({ verb: '*', resource: '*', namespace });
    if (denyInShop !== undefined) cluster.server.forbid({ ...denyInShop, namespace: 'shop' });
    const ns = cluster.server.get('Namespace', undefined, 'shop');
    assert.ok(ns);
    const meta = ns['metadata'] as { labels: Record<string, string> };
    meta.labels = { ...meta.labels, team: 'platform' };
    return cluster;
  };
  const cartToApi = ['can-reach', 'shop/cart-0', 'shop/api-1', '--port', 'http-api'];
  const warning = 'warning: cannot get namespace shop (Forbidden): its labels are unknown, so namespaceSelectors see only kubernetes.io/metadata.name=shop\n';
  // A RoleBinding cannot grant cluster-scoped resources, so such a user is always told about the admin tiers.
  const tiers =
    'warning: cannot list adminnetworkpolicies, baselineadminnetworkpolicies, clusternetworkpolicies (policy.networking.k8s.io) cluster-wide (Forbidden): ' +
    'the answers leave out every AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy\n';

  test('the rbac.yaml RoleBinding in shop lets it read namespace shop: real labels, only the admin tiers warned of', async () => {
    const cluster = await confine();
    try {
      const r = await netpol([...cartToApi, '--kubeconfig', cluster.kubeconfig]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /ingress of shop\/api-1: allowed by shop\/api ingress\[0\] \(from\[1\], ports\[0\]\)/);
      assert.equal(r.stderr, tiers);
      assert.deepEqual(cluster.server.requests(/^\/api\/v1\/namespaces\/shop$/).map((e) => e.status), [200]);
      assertAgrees(cluster.server.log, (a) => allowed('shop-developers', a));
    } finally {
      await cluster.close();
    }
  });
  test('matrix -n shop -o json works; stdout stays pure JSON, stderr only the admin tiers warning', async () => {
    const cluster = await confine();
    try {
      const r = await netpol(['matrix', '-n', 'shop', '--port', '80', '-o', 'json', '--kubeconfig', cluster.kubeconfig]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { pods: string[] }).pods.length, 10);
      assert.equal(r.stderr, tiers);
      assertAgrees(cluster.server.log, (a) => allowed('shop-developers', a));
    } finally {
      await cluster.close();
    }
  });
  test('a Role without namespaces: can-reach works, with a warning, and sees only the name label', async () => {
    const cluster = await confine({ verb: '*', resource: 'namespaces' });
    try {
      const r = await netpol([...cartToApi, '--kubeconfig', cluster.kubeconfig]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /from\[1\]: namespace shop does not match team=platform/);
      assert.equal(r.stderr, warning + tiers);
      assert.deepEqual(cluster.server.requests(/^\/api\/v1\/namespaces\/shop$/).map((e) => e.status), [403]);
      assertAgrees(cluster.server.log, inShop(noNamespaces));
    } finally {
      await cluster.close();
    }
  });
  test('a Role without namespaces: matrix -o json keeps stdout pure JSON, the warning on stderr', async () => {
    const cluster = await confine({ verb: '*', resource: 'namespaces' });
    try {
      const r = await netpol(['matrix', '-n', 'shop', '--port', '80', '-o', 'json', '--kubeconfig', cluster.kubeconfig]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { pods: string[] }).pods.length, 10);
      assert.equal(r.stderr, warning + tiers);
      assertAgrees(cluster.server.log, inShop(noNamespaces));
    } finally {
      await cluster.close();
    }
  });
  test('explain needs every namespace: a clear 403', async () => {
    const cluster = await confine();
    try {
      const r = await netpol(['explain', '-n', 'shop', '--kubeconfig', cluster.kubeconfig]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: Error from server \(Forbidden\): \S+ is forbidden: User "tester" cannot list resource "\S+" in API group "[^"]*" at the cluster scope\n$/);
      assertAgrees(cluster.server.log, (a) => allowed('shop-developers', a));
    } finally {
      await cluster.close();
    }
  });
});
