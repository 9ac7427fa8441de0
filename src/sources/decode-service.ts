/**
 * @module sources/decode-service
 * core/v1 Service -> model Service, validated with the API server's rules for the fields the tool
 * reads and defaulted as it defaults them: type ClusterIP, protocol TCP, and a targetPort left out
 * (or 0) means the port itself. A selector written as `{}` is no selector: the API drops an empty
 * map, and the endpoint controllers then leave the Service's endpoints to whoever manages them.
 * A Service may have no ports here, though the API server wants one unless it is headless: a port
 * asked of it is then simply one it does not have.
 */
import { SERVICE_TYPES, type Service, type ServicePort, type ServiceType } from '../model/index.js';
import { at, decodeProtocol, type Decoder } from './decode-fields.js';
import { decodeLabels } from './decode-selector.js';
import { SERVICE_PORT } from './known-fields.js';
import { checkDns1123Label, checkPortName, checkPortNumber } from './validate-names.js';

function decodeType(dec: Decoder, v: unknown): ServiceType {
  const text = dec.string(v, 'spec.type');
  if (text === undefined || text === '') return 'ClusterIP';
  const type = SERVICE_TYPES.find((t) => t === text);
  if (type === undefined) return dec.fail('spec.type', `${JSON.stringify(text)} is not one of ${SERVICE_TYPES.join(', ')} (case matters)`);
  return type;
}

function decodeTargetPort(dec: Decoder, v: unknown, path: string, port: number): number | string {
  const target = dec.intOrString(v, path);
  if (target === undefined || target === 0 || target === '') return port;
  dec.check(typeof target === 'number' ? checkPortNumber(target) : checkPortName(target), path);
  return target;
}

function decodeServicePort(dec: Decoder, v: unknown, path: string): ServicePort {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, SERVICE_PORT);
  const port = dec.required(dec.integer(obj['port'], at(path, 'port')), at(path, 'port'));
  dec.check(checkPortNumber(port), at(path, 'port'));
  const protocol = decodeProtocol(dec, obj['protocol'], at(path, 'protocol'));
  const targetPort = decodeTargetPort(dec, obj['targetPort'], at(path, 'targetPort'), port);
  const name = dec.string(obj['name'], at(path, 'name'));
  if (name === undefined || name === '') return { port, protocol, targetPort };
  dec.check(checkDns1123Label(name), at(path, 'name'));
  return { name, port, protocol, targetPort };
}

/** The ports, with the API server's checks across them: named when several, names and port/protocol unique. */
function decodeServicePorts(dec: Decoder, v: unknown): ServicePort[] {
  const list = dec.list(v, 'spec.ports') ?? [];
  const ports = list.map((p, i) => decodeServicePort(dec, p, at('spec.ports', i)));
  ports.forEach((p, i) => {
    const path = at('spec.ports', i);
    if (ports.length > 1 && p.name === undefined) dec.fail(at(path, 'name'), 'required when a Service has more than one port');
    const first = p.name === undefined ? i : ports.findIndex((q) => q.name === p.name);
    if (first < i) dec.fail(at(path, 'name'), `duplicate port name ${JSON.stringify(p.name)}: spec.ports[${first}] has it`);
    const same = ports.findIndex((q) => q.port === p.port && q.protocol === p.protocol);
    if (same < i) dec.fail(path, `duplicate port ${p.port}/${p.protocol}: spec.ports[${same}] has it`);
  });
  return ports;
}

/** The spec of a Service whose namespace and name are already validated. */
export function decodeServiceSpec(dec: Decoder, v: unknown, namespace: string, name: string): Service {
  const spec = dec.object(v, 'spec') ?? {};
  const selector = decodeLabels(dec, spec['selector'], 'spec.selector');
  return {
    namespace,
    name,
    ...(Object.keys(selector).length === 0 ? {} : { selector }),
    ports: decodeServicePorts(dec, spec['ports']),
    type: decodeType(dec, spec['type']),
  };
}
