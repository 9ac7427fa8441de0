/**
 * @module sources/decode-pod
 * Pods, and workloads read as the pod their template would create. A workload (Deployment, Job,
 * ...) becomes one Pod named after it, with the template's labels and container ports and no IP:
 * enough for selectors and named ports to be explained before anything runs. Of a pod's fields,
 * unknown ones are refused only where the type is small and stable (the template, container ports,
 * pod IPs, owner references): PodSpec and Container gain fields nearly every release, and a list
 * of theirs would refuse manifests written for a newer server.
 */
import type { ContainerPort, IpAddress, Pod } from '../model/index.js';
import { at, decodeProtocol, type Decoder, type JsonObject } from './decode-fields.js';
import { decodeLabels } from './decode-selector.js';
import { checkIp } from './ip.js';
import { CONTAINER_PORT, OBJECT_META, OWNER_REFERENCE, POD_IP, TEMPLATE_SPEC } from './known-fields.js';
import { checkPortName, checkPortNumber } from './validate-names.js';

function decodeContainerPorts(dec: Decoder, podSpec: JsonObject, path: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  const containers = dec.list(podSpec['containers'], at(path, 'containers')) ?? [];
  containers.forEach((c, ci) => {
    const cp = at(at(path, 'containers'), ci);
    const container = dec.required(dec.object(c, cp), cp);
    const names = new Set<string>();
    const ports = dec.list(container['ports'], at(cp, 'ports')) ?? [];
    ports.forEach((p, pi) => {
      const pp = at(at(cp, 'ports'), pi);
      const port = dec.required(dec.object(p, pp), pp);
      dec.fields(port, pp, CONTAINER_PORT);
      const number = dec.required(dec.integer(port['containerPort'], at(pp, 'containerPort')), at(pp, 'containerPort'));
      dec.check(checkPortNumber(number), at(pp, 'containerPort'));
      const protocol = decodeProtocol(dec, port['protocol'], at(pp, 'protocol'));
      const name = dec.string(port['name'], at(pp, 'name'));
      if (name === undefined) {
        out.push({ containerPort: number, protocol });
        return;
      }
      dec.check(checkPortName(name), at(pp, 'name'));
      if (names.has(name)) dec.fail(at(pp, 'name'), `duplicate port name ${JSON.stringify(name)} in this container`);
      names.add(name);
      out.push({ name, containerPort: number, protocol });
    });
  });
  return out;
}

function decodePodIps(dec: Decoder, status: JsonObject): IpAddress[] {
  const texts: [string, string][] = [];
  const list = dec.list(status['podIPs'], 'status.podIPs') ?? [];
  list.forEach((entry, i) => {
    const p = at('status.podIPs', i);
    const obj = dec.required(dec.object(entry, p), p);
    dec.fields(obj, p, POD_IP);
    const ip = dec.string(obj['ip'], at(p, 'ip'));
    if (ip !== undefined && ip !== '') texts.push([ip, at(p, 'ip')]);
  });
  const single = dec.string(status['podIP'], 'status.podIP');
  if (single !== undefined && single !== '') texts.push([single, 'status.podIP']);
  const out: IpAddress[] = [];
  for (const [text, path] of texts) {
    const ip = checkIp(text);
    if (typeof ip === 'string') dec.fail(path, `${JSON.stringify(text)} ${ip}`);
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
