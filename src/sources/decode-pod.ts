/**
 * @module sources/decode-pod
 * Pods, and workloads read as the pod their template would create. A workload (Deployment, Job,
 * ...) becomes one Pod named after it, with the template's labels and container ports and no IP:
 * enough for selectors and named ports to be explained before anything runs. Of a pod's fields,
 * unknown ones are refused only where the type is small and stable (the template, container ports,
 * pod IPs, owner references): PodSpec and Container gain fields nearly every release, and a list
 * of theirs would refuse manifests written for a newer server.
 *
 * Every pod of a file or a cluster comes through here, so the usual shapes of container ports and
 * pod IPs are recognised first, without building a field path per field; whatever is not plainly
 * valid takes the long way, which reads it field by field and names the field at fault.
 */
import { PROTOCOLS, type ContainerPort, type IpAddress, type Pod, type Protocol } from '../model/index.js';
import { at, decodeProtocol, type Decoder, type JsonObject } from './decode-fields.js';
import { decodeLabels } from './decode-selector.js';
import { checkIp } from './ip.js';
import { CONTAINER_PORT, OBJECT_META, OWNER_REFERENCE, POD_IP, TEMPLATE_SPEC } from './known-fields.js';
import { checkPortName, checkPortNumber } from './validate-names.js';

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Whether every key of `obj` is one of `known`. */
function onlyKnown(obj: JsonObject, known: readonly string[]): boolean {
  for (const key in obj) if (!known.includes(key)) return false;
  return true;
}

/** A container port in its usual shape, when it is plainly valid; else undefined (the long way decides). */
function plainContainerPort(v: unknown, names: Set<string>): ContainerPort | undefined {
  if (!isPlainObject(v) || !onlyKnown(v, CONTAINER_PORT)) return undefined;
  const number = v['containerPort'];
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) return undefined;
  const written = v['protocol'];
  const protocol: Protocol | undefined = written === undefined ? 'TCP' : PROTOCOLS.find((x) => x === written);
  if (protocol === undefined) return undefined;
  const name = v['name'];
  if (name === undefined) return { containerPort: number, protocol };
  if (typeof name !== 'string' || checkPortName(name) !== undefined || names.has(name)) return undefined;
  names.add(name);
  return { name, containerPort: number, protocol };
}

/** One container port, field by field: the reference reading, whose errors name the field. */
function containerPort(dec: Decoder, p: unknown, pp: string, names: Set<string>): ContainerPort {
  const port = dec.required(dec.object(p, pp), pp);
  dec.fields(port, pp, CONTAINER_PORT);
  const number = dec.required(dec.integer(port['containerPort'], at(pp, 'containerPort')), at(pp, 'containerPort'));
  dec.check(checkPortNumber(number), at(pp, 'containerPort'));
  const protocol = decodeProtocol(dec, port['protocol'], at(pp, 'protocol'));
  const name = dec.string(port['name'], at(pp, 'name'));
  if (name === undefined) return { containerPort: number, protocol };
  dec.check(checkPortName(name), at(pp, 'name'));
  if (names.has(name)) dec.fail(at(pp, 'name'), `duplicate port name ${JSON.stringify(name)} in this container`);
  names.add(name);
  return { name, containerPort: number, protocol };
}

function decodeContainerPorts(dec: Decoder, podSpec: JsonObject, path: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  const containers = dec.list(podSpec['containers'], at(path, 'containers')) ?? [];
  for (let ci = 0; ci < containers.length; ci++) {
    const c = containers[ci];
    const container = isPlainObject(c) ? c : dec.required(dec.object(c, at(at(path, 'containers'), ci)), at(at(path, 'containers'), ci));
    const ports = container['ports'];
    const list = Array.isArray(ports) ? (ports as readonly unknown[]) : (dec.list(ports, at(at(at(path, 'containers'), ci), 'ports')) ?? []);
    const names = new Set<string>();
    for (let pi = 0; pi < list.length; pi++) {
      const p = list[pi];
      out.push(plainContainerPort(p, names) ?? containerPort(dec, p, at(at(at(at(path, 'containers'), ci), 'ports'), pi), names));
    }
  }
  return out;
}

/** `status.podIPs[i].ip`, or `status.podIP` for index -1. */
function podIpPath(index: number): string {
  return index < 0 ? 'status.podIP' : at(at('status.podIPs', index), 'ip');
}

function decodePodIps(dec: Decoder, status: JsonObject): IpAddress[] {
  // Every entry's shape is checked before any address, as the fields come.
  const texts: string[] = [];
  const indexes: number[] = [];
  const list = dec.list(status['podIPs'], 'status.podIPs') ?? [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    let ip: string | undefined;
    if (isPlainObject(entry) && typeof entry['ip'] === 'string' && onlyKnown(entry, POD_IP)) ip = entry['ip'];
    else {
      const p = at('status.podIPs', i);
      const obj = dec.required(dec.object(entry, p), p);
      dec.fields(obj, p, POD_IP);
      ip = dec.string(obj['ip'], at(p, 'ip'));
    }
    if (ip !== undefined && ip !== '') {
      texts.push(ip);
      indexes.push(i);
    }
  }
  const single = dec.string(status['podIP'], 'status.podIP');
  if (single !== undefined && single !== '') {
    texts.push(single);
    indexes.push(-1);
  }
  const out: IpAddress[] = [];
  for (let k = 0; k < texts.length; k++) {
    const text = texts[k]!;
    // status.podIP repeats podIPs[0]: the same text needs no second reading.
    if (k > 0 && texts.indexOf(text) < k) continue;
    const ip = checkIp(text);
    if (typeof ip === 'string') dec.fail(podIpPath(indexes[k]!), `${JSON.stringify(text)} ${ip}`);
    if (!out.some((o) => o.family === ip.family && o.value === ip.value)) out.push(ip);
  }
  return out;
}

/** One `metadata.ownerReferences` entry with `controller: true`, as written. */
export interface ControllerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * The controller among `metadata.ownerReferences`, validated as the API server does: apiVersion,
 * kind, name and uid are required, and at most one reference may be the controller.
 */
export function decodeController(dec: Decoder, metadata: JsonObject): ControllerReference | undefined {
  const path = 'metadata.ownerReferences';
  const refs = dec.list(metadata['ownerReferences'], path) ?? [];
  let controller: { ref: ControllerReference; path: string } | undefined;
  refs.forEach((entry, i) => {
    const p = at(path, i);
    const obj = dec.required(dec.object(entry, p), p);
    dec.fields(obj, p, OWNER_REFERENCE);
    const field = (key: string): string => {
      const v = dec.required(dec.string(obj[key], at(p, key)), at(p, key));
      if (v === '') dec.fail(at(p, key), 'required');
      return v;
    };
    const ref = { apiVersion: field('apiVersion'), kind: field('kind'), name: field('name') };
    field('uid');
    if (dec.boolean(obj['controller'], at(p, 'controller')) !== true) return;
    if (controller !== undefined) {
      dec.fail(at(p, 'controller'), `only one reference may be the controller, and ${controller.path} is already`);
    }
    controller = { ref, path: p };
  });
  return controller?.ref;
}

/** A Pod whose namespace and name are already validated. */
export function decodePodBody(dec: Decoder, raw: JsonObject, namespace: string, name: string): Pod {
  const metadata = dec.object(raw['metadata'], 'metadata') ?? {};
  const spec = dec.object(raw['spec'], 'spec') ?? {};
  const status = dec.object(raw['status'], 'status') ?? {};
  const nodeName = dec.string(spec['nodeName'], 'spec.nodeName');
  return {
    namespace,
    name,
    labels: decodeLabels(dec, metadata['labels'], 'metadata.labels'),
    ...(nodeName === undefined || nodeName === '' ? {} : { nodeName }),
    hostNetwork: dec.boolean(spec['hostNetwork'], 'spec.hostNetwork') ?? false,
    ips: decodePodIps(dec, status),
    phase: dec.string(status['phase'], 'status.phase') ?? '',
    ports: decodeContainerPorts(dec, spec, 'spec'),
  };
}

/** The pod a workload's template stands for. */
export function decodeWorkload(dec: Decoder, raw: JsonObject, kind: string, namespace: string, name: string, steps: readonly string[]): Pod {
  let node: unknown = raw;
  let path = '';
  for (const step of steps) {
    path = at(path, step);
    node = dec.required(dec.object((node as JsonObject)[step], path), path);
  }
  const template = node as JsonObject;
  dec.fields(template, path, TEMPLATE_SPEC);
  const metadata = dec.object(template['metadata'], at(path, 'metadata')) ?? {};
  dec.fields(metadata, at(path, 'metadata'), OBJECT_META);
  const spec = dec.object(template['spec'], at(path, 'spec')) ?? {};
  return {
    namespace,
    name,
    labels: decodeLabels(dec, metadata['labels'], at(at(path, 'metadata'), 'labels')),
    hostNetwork: dec.boolean(spec['hostNetwork'], at(at(path, 'spec'), 'hostNetwork')) ?? false,
    ips: [],
    phase: '',
    ports: decodeContainerPorts(dec, spec, at(path, 'spec')),
    workload: kind,
  };
}
