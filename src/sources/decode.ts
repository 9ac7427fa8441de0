/**
 * @module sources/decode
 * One wire-format object (a manifest document, a List item, or an item from the API server) to a
 * validated model object. Files and the live cluster share this code path, so both are held to
 * the API server's rules. Kinds the tool does not use, and same-named kinds of other API groups
 * (Calico's `NetworkPolicy`, say), decode to undefined; API versions the server no longer serves
 * are errors, since the server would refuse them too.
 */
import type { ClusterNode, Namespace, NodeAddress } from '../model/index.js';
import { at, Decoder, type JsonObject } from './decode-fields.js';
import { decodePodBody, decodeWorkload, WORKLOAD_TEMPLATE_PATHS } from './decode-pod.js';
import { decodePolicySpec } from './decode-policy.js';
import { decodeLabels } from './decode-selector.js';
import { checkIp } from './ip.js';
import type { DecodedObject, Origin } from './objects.js';
import { checkDns1123Label, checkDns1123Subdomain } from './validate-names.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface KindInfo {
  readonly namespaced: boolean;
  readonly served: readonly string[];
  /** Versions the API server used to serve for this kind; input using them is rejected. */
  readonly removed: readonly string[];
}

const APPS_REMOVED = ['apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'];
const KINDS: Readonly<Record<string, KindInfo>> = {
  Namespace: { namespaced: false, served: ['v1'], removed: [] },
  Node: { namespaced: false, served: ['v1'], removed: [] },
  Pod: { namespaced: true, served: ['v1'], removed: [] },
  NetworkPolicy: {
    namespaced: true,
    served: ['networking.k8s.io/v1'],
    removed: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
  },
  Deployment: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED },
  StatefulSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED },
  DaemonSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED },
  ReplicaSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED },
  ReplicationController: { namespaced: true, served: ['v1'], removed: [] },
  Job: { namespaced: true, served: ['batch/v1'], removed: [] },
  CronJob: { namespaced: true, served: ['batch/v1'], removed: ['batch/v1beta1', 'batch/v2alpha1'] },
};

/** `PodList` -> `Pod`: the kind of items in a typed list, whose items may carry no kind. */
export function listItemKind(listKind: string): string | undefined {
  if (!listKind.endsWith('List') || listKind === 'List') return undefined;
  return listKind.slice(0, -'List'.length);
}

/** Whether an object of this kind is a list whose `items` should be read one by one. */
export function isListKind(kind: string): boolean {
  return kind.endsWith('List');
}

function decodeNamespace(dec: Decoder, raw: JsonObject, name: string): Namespace {
  const metadata = dec.object(raw['metadata'], 'metadata') ?? {};
  const labels = decodeLabels(dec, metadata['labels'], 'metadata.labels');
  // The API server sets this label on every namespace and overwrites any other value.
  return { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } };
}

function decodeNode(dec: Decoder, raw: JsonObject, name: string): ClusterNode {
  const status = dec.object(raw['status'], 'status') ?? {};
  const list = dec.list(status['addresses'], 'status.addresses') ?? [];
  const addresses: NodeAddress[] = [];
  list.forEach((entry, i) => {
    const p = at('status.addresses', i);
    const obj = dec.required(dec.object(entry, p), p);
    const type = dec.string(obj['type'], at(p, 'type')) ?? '';
    const text = dec.string(obj['address'], at(p, 'address')) ?? '';
    // Hostname and DNS entries are not addresses; only IPs matter to ipBlocks.
    const ip = checkIp(text);
    if (typeof ip !== 'string') addresses.push({ type, ip });
  });
  return { name, addresses };
}

/**
 * Decodes one object. `kind` overrides `raw.kind` (API list items carry none). Returns undefined for
 * kinds, and API groups, this tool does not use; throws a CliError naming origin, object and field.
 */
export function decodeObject(raw: unknown, origin: Origin, kind?: string): DecodedObject | undefined {
  const dec = new Decoder(origin, kind ?? 'object');
  const obj = dec.object(raw, '');
  if (obj === undefined) return dec.fail('', 'must be an object (got null)');
  const k = kind ?? dec.required(dec.string(obj['kind'], 'kind'), 'kind');
  const info = KINDS[k];
  if (info === undefined) return undefined;
  dec.subject = k;
  const apiVersion = dec.string(obj['apiVersion'], 'apiVersion');
  if (apiVersion !== undefined && !info.served.includes(apiVersion)) {
    if (info.removed.includes(apiVersion)) {
      dec.fail('apiVersion', `${apiVersion} ${k} is no longer served by Kubernetes; use ${info.served.join(' or ')}`);
    }
    return undefined;
  }

  const metadata = dec.object(obj['metadata'], 'metadata') ?? {};
  const name = dec.required(dec.string(metadata['name'], 'metadata.name'), 'metadata.name');
  let namespace = '';
  if (info.namespaced) {
    namespace = dec.string(metadata['namespace'], 'metadata.namespace') ?? '';
    if (namespace === '') namespace = 'default';
    dec.subject = `${k} ${namespace}/${name}`;
    dec.check(checkDns1123Label(namespace), 'metadata.namespace');
  } else {
    dec.subject = `${k} ${name}`;
  }
  dec.check(k === 'Namespace' ? checkDns1123Label(name) : checkDns1123Subdomain(name), 'metadata.name');

  switch (k) {
    case 'Namespace':
      return { kind: 'Namespace', value: decodeNamespace(dec, obj, name) };
    case 'Node':
      return { kind: 'Node', value: decodeNode(dec, obj, name) };
    case 'Pod':
      return { kind: 'Pod', value: decodePodBody(dec, obj, namespace, name) };
    case 'NetworkPolicy':
      return { kind: 'NetworkPolicy', value: decodePolicySpec(dec, obj['spec'], namespace, name) };
    default:
      if (WORKLOAD_TEMPLATE_PATHS[k] === undefined) return undefined;
      return { kind: 'Pod', value: decodeWorkload(dec, obj, k, namespace, name) };
  }
}
