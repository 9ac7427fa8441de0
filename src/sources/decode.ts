/**
 * @module sources/decode
 * One wire-format object (a manifest document, a List item, or an item from the API server) to a
 * validated model object. Files and the live cluster share this code path, so both are held to
 * the API server's rules. Kinds the tool does not use, and same-named kinds of other API groups
 * (Calico's `NetworkPolicy`, say), decode to undefined; API versions the server no longer serves
 * are errors, since the server would refuse them too. Unknown fields are errors in files and
 * ignored in objects from the server (DecodeOptions.fieldValidation).
 */
import type { ClusterNode, Namespace, NodeAddress, TierPolicyKind } from '../model/index.js';
import { at, Decoder, type FieldValidation, type JsonObject, type LineFinder } from './decode-fields.js';
import { decodeController, decodePodBody, decodeWorkload, type ControllerReference } from './decode-pod.js';
import { decodePolicySpec } from './decode-policy.js';
import { decodeServiceSpec } from './decode-service.js';
import { decodeTierPolicySpec } from './decode-tier.js';
import { decodeLabels } from './decode-selector.js';
import { checkIp } from './ip.js';
import { NODE_ADDRESS, OBJECT_META, TOP_LEVEL } from './known-fields.js';
import type { DecodedObject, Origin } from './objects.js';
import { checkDns1123Label, checkDns1123Subdomain } from './validate-names.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface KindInfo {
  readonly namespaced: boolean;
  readonly served: readonly string[];
  /** Versions the API server used to serve for this kind; input using them is rejected. */
  readonly removed: readonly string[];
  /** For a workload: the path to its pod template, which stands for its pods. */
  readonly template?: readonly string[];
}

const TEMPLATE = ['spec', 'template'];

const APPS_REMOVED = ['apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'];
const KINDS: Readonly<Record<string, KindInfo>> = {
  Namespace: { namespaced: false, served: ['v1'], removed: [] },
  Node: { namespaced: false, served: ['v1'], removed: [] },
  Pod: { namespaced: true, served: ['v1'], removed: [] },
  Service: { namespaced: true, served: ['v1'], removed: [] },
  NetworkPolicy: {
    namespaced: true,
    served: ['networking.k8s.io/v1'],
    removed: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
  },
  AdminNetworkPolicy: { namespaced: false, served: ['policy.networking.k8s.io/v1alpha1'], removed: [] },
  BaselineAdminNetworkPolicy: { namespaced: false, served: ['policy.networking.k8s.io/v1alpha1'], removed: [] },
  ClusterNetworkPolicy: { namespaced: false, served: ['policy.networking.k8s.io/v1alpha2'], removed: [] },
  Deployment: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED, template: TEMPLATE },
  StatefulSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED, template: TEMPLATE },
  DaemonSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED, template: TEMPLATE },
  ReplicaSet: { namespaced: true, served: ['apps/v1'], removed: APPS_REMOVED, template: TEMPLATE },
  ReplicationController: { namespaced: true, served: ['v1'], removed: [], template: TEMPLATE },
  Job: { namespaced: true, served: ['batch/v1'], removed: [], template: TEMPLATE },
  CronJob: { namespaced: true, served: ['batch/v1'], removed: ['batch/v1beta1', 'batch/v2alpha1'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
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
    dec.fields(obj, p, NODE_ADDRESS);
    const type = dec.string(obj['type'], at(p, 'type')) ?? '';
    const text = dec.string(obj['address'], at(p, 'address')) ?? '';
    // Hostname and DNS entries are not addresses; only IPs matter to ipBlocks.
    const ip = checkIp(text);
    if (typeof ip !== 'string') addresses.push({ type, ip });
  });
  const metadata = dec.object(raw['metadata'], 'metadata') ?? {};
  return { name, labels: decodeLabels(dec, metadata['labels'], 'metadata.labels'), addresses };
}

/** A workload that owns an object: kind and name, in the object's own namespace. */
export interface WorkloadOwner {
  readonly kind: string;
  readonly name: string;
}

/** A decoded object, with what only the reading of files needs to know about it. */
export interface DecodedEntry {
  readonly object: DecodedObject;
  /**
   * For a pod or workload: its controller, when that is a workload kind this tool reads (a
   * ReplicaSet's Deployment, a Pod's ReplicaSet). Kept out of the model: it only serves to count
   * each group of pods once.
   */
  readonly owner?: WorkloadOwner;
}

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function workloadOwner(ref: ControllerReference | undefined): WorkloadOwner | undefined {
  const info = ref === undefined ? undefined : KINDS[ref.kind];
  // A same-named kind of another group (an operator's own `Deployment`) is not ours.
  if (ref === undefined || info?.template === undefined || info.served.every((v) => apiGroup(v) !== apiGroup(ref.apiVersion))) return undefined;
  return { kind: ref.kind, name: ref.name };
}

export interface DecodeOptions {
  /** Overrides `raw.kind` (API list items carry none). */
  readonly kind?: string;
  /**
   * The namespace of a namespaced object that names none, as `kubectl apply -n NS -f` gives it;
   * `default` when not given. It must be a valid namespace name.
   */
  readonly defaultNamespace?: string;
  /** `strict` (the default, for files) or `ignore` (objects from the API server). */
  readonly fieldValidation?: FieldValidation;
  /** Where a field of this object is in its file, for error messages. */
  readonly lineOf?: LineFinder;
}

/**
 * Decodes one object. Returns undefined for kinds, and API groups, this tool does not use; throws a
 * CliError naming origin, object and field.
 */
export function decodeEntry(raw: unknown, origin: Origin, options: DecodeOptions = {}): DecodedEntry | undefined {
  const kind = options.kind;
  const dec = new Decoder(origin, kind ?? 'object', options);
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
    if (namespace === '') namespace = options.defaultNamespace ?? 'default';
    dec.subject = `${k} ${namespace}/${name}`;
    dec.check(checkDns1123Label(namespace), 'metadata.namespace');
  } else {
    dec.subject = `${k} ${name}`;
  }
  dec.check(k === 'Namespace' ? checkDns1123Label(name) : checkDns1123Subdomain(name), 'metadata.name');
  // Checked once the message can name the object.
  dec.fields(obj, '', TOP_LEVEL);
  dec.fields(metadata, 'metadata', OBJECT_META);

  switch (k) {
    case 'Namespace':
      return { object: { kind: 'Namespace', value: decodeNamespace(dec, obj, name) } };
    case 'Node':
      return { object: { kind: 'Node', value: decodeNode(dec, obj, name) } };
    case 'NetworkPolicy':
      return { object: { kind: 'NetworkPolicy', value: decodePolicySpec(dec, obj['spec'], namespace, name) } };
    case 'Service':
      return { object: { kind: 'Service', value: decodeServiceSpec(dec, obj['spec'], namespace, name) } };
    case 'AdminNetworkPolicy':
    case 'BaselineAdminNetworkPolicy':
    case 'ClusterNetworkPolicy':
      return { object: { kind: 'TierPolicy', value: decodeTierPolicySpec(dec, k as TierPolicyKind, obj['spec'], name) } };
    default: {
      // A Pod, or a workload: every other kind read has a pod template.
      const value = info.template === undefined ? decodePodBody(dec, obj, namespace, name) : decodeWorkload(dec, obj, k, namespace, name, info.template);
      const owner = workloadOwner(decodeController(dec, metadata));
      return { object: { kind: 'Pod', value }, ...(owner === undefined ? {} : { owner }) };
    }
  }
}

/** Decodes one object, without what only files need. See decodeEntry. */
export function decodeObject(raw: unknown, origin: Origin, options: DecodeOptions = {}): DecodedObject | undefined {
  return decodeEntry(raw, origin, options)?.object;
}
