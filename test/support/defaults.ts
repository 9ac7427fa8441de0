/**
 * @module test/support/defaults
 * The defaults kube-apiserver writes into an object before storing it, for the fields the plugin
 * reads. Every object the fake serves, whether a test seeded it or a client created it, goes through
 * here, so code under test never sees a shape (a policy without policyTypes, a port without a
 * protocol) that a real cluster cannot return. Facts from the API's defaulting rules:
 * - NetworkPolicy: an empty or absent spec.policyTypes becomes [Ingress], plus Egress when
 *   spec.egress has at least one rule; every ingress[].ports[] and egress[].ports[] entry without a
 *   protocol gets TCP. spec.podSelector is a struct, so it is always served, `{}` when unset.
 * - Pod: every container and init container port without a protocol gets TCP; with hostNetwork, a
 *   port without hostPort gets hostPort = containerPort; restartPolicy Always, dnsPolicy
 *   ClusterFirst and schedulerName default-scheduler when unset.
 * - Service: spec.type ClusterIP, sessionAffinity None, and every spec.ports[] entry without a
 *   protocol gets TCP and without a targetPort (or with 0) gets its port. The cluster IP the real
 *   server allocates is not: the plugin never reads it.
 * - Namespace: the immutable label kubernetes.io/metadata.name = its name (which namespaceSelectors
 *   match on), spec.finalizers [kubernetes] and status.phase Active.
 * - AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy: custom resources; their
 *   CRDs' schemas declare no defaults, so only metadata.generation (1 when created) is filled in.
 */
import type { ResourceName } from './resources.js';
import type { JsonObject } from './selectors.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectsIn(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function defaultProtocols(ports: unknown): void {
  for (const p of objectsIn(ports)) p['protocol'] ??= 'TCP';
}

function defaultNetworkPolicy(obj: JsonObject): void {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  obj['spec'] = spec;
  spec['podSelector'] ??= {};
  const types = spec['policyTypes'];
  if (!Array.isArray(types) || types.length === 0) {
    spec['policyTypes'] = Array.isArray(spec['egress']) && spec['egress'].length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const rule of objectsIn(spec['ingress'])) defaultProtocols(rule['ports']);
  for (const rule of objectsIn(spec['egress'])) defaultProtocols(rule['ports']);
}

function defaultPod(obj: JsonObject): void {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  obj['spec'] = spec;
  spec['restartPolicy'] ??= 'Always';
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['schedulerName'] ??= 'default-scheduler';
  const hostNetwork = spec['hostNetwork'] === true;
  for (const c of [...objectsIn(spec['containers']), ...objectsIn(spec['initContainers'])]) {
    for (const p of objectsIn(c['ports'])) {
      p['protocol'] ??= 'TCP';
      if (hostNetwork && (p['hostPort'] === undefined || p['hostPort'] === 0)) p['hostPort'] = p['containerPort'];
    }
  }
}

function defaultService(obj: JsonObject): void {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  obj['spec'] = spec;
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  for (const p of objectsIn(spec['ports'])) {
    p['protocol'] ??= 'TCP';
    if (p['targetPort'] === undefined || p['targetPort'] === 0 || p['targetPort'] === '') p['targetPort'] = p['port'];
  }
}

function defaultNamespace(obj: JsonObject, name: string): void {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
  obj['metadata'] = meta;
  meta['labels'] = { ...(isObject(meta['labels']) ? meta['labels'] : {}), 'kubernetes.io/metadata.name': name };
  obj['spec'] ??= { finalizers: ['kubernetes'] };
  obj['status'] ??= { phase: 'Active' };
}

/** Fills in, in place, what the real server would before storing `obj` (a copy the store owns). */
export function applyServerDefaults(resource: ResourceName, name: string, obj: JsonObject): void {
  switch (resource) {
    case 'networkpolicies':
      return defaultNetworkPolicy(obj);
    case 'pods':
      return defaultPod(obj);
    case 'namespaces':
      return defaultNamespace(obj, name);
    case 'services':
      return defaultService(obj);
    case 'nodes':
      return;
    case 'adminnetworkpolicies':
    case 'baselineadminnetworkpolicies':
    case 'clusternetworkpolicies': {
      const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
      obj['metadata'] = meta;
      meta['generation'] ??= 1;
      return;
    }
    default: {
      const never: never = resource;
      throw new Error(`fake apiserver: no defaults for ${String(never)}`);
    }
  }
}
