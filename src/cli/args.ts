/**
 * @module cli/args
 * Parsing of the positional and flag values users type: PORT[/PROTO], connection endpoints and
 * label selectors in kubectl's syntax. Each turns text into a typed value or a CliError naming the
 * argument.
 */
import type { IpAddress, LabelSelector, Protocol, SelectorRequirement } from '../model/index.js';
import { PROTOCOLS } from '../model/index.js';
import type { Endpoint } from '../engine/index.js';
import { CliError } from '../errors.js';
import { checkCidr, checkIp } from '../sources/ip.js';
import { checkLabelKey, checkLabelValue, checkPortName } from '../sources/validate-names.js';

export interface PortArg {
  /** A number, or a name to resolve on the destination pod. */
  readonly port: number | string;
  /** As written, else TCP: for a name without one, see protocolOn. */
  readonly protocol: Protocol;
  readonly protocolGiven: boolean;
}

/**
 * The protocol of the connection to `dst`: as written; for a number without one, TCP (as the API
 * defaults it); for a name without one, the protocol `dst` declares for that name (a pod's port
 * names are unique), so `--port metrics` reaches a UDP metrics port without spelling it out.
 */
export function protocolOn(pa: PortArg, dst: Endpoint): Protocol {
  if (pa.protocolGiven || typeof pa.port === 'number' || dst.kind !== 'pod') return pa.protocol;
  return dst.pod.ports.find((p) => p.name === pa.port)?.protocol ?? pa.protocol;
}

export function parsePortArg(text: string, flag = '--port'): PortArg {
  const [portText = '', protoText, ...rest] = text.split('/');
  if (rest.length > 0 || portText === '') throw new CliError(`${flag} "${text}": expected PORT or PORT/PROTOCOL, e.g. 80 or 53/UDP`);
  const protocol = (protoText ?? 'TCP').toUpperCase();
  if (!PROTOCOLS.includes(protocol as Protocol)) {
    throw new CliError(`${flag} "${text}": unknown protocol "${protoText ?? ''}" (use TCP, UDP or SCTP)`);
  }
  if (/^[0-9]+$/.test(portText)) {
    const port = Number(portText);
    if (port < 1 || port > 65535) throw new CliError(`${flag} "${text}": port must be between 1 and 65535`);
    return { port, protocol: protocol as Protocol, protocolGiven: protoText !== undefined };
  }
  const bad = checkPortName(portText);
  if (bad) throw new CliError(`${flag} "${text}": not a port number or a valid port name: ${bad}`);
  return { port: portText, protocol: protocol as Protocol, protocolGiven: protoText !== undefined };
}

/**
 * Cases: `NS/POD`, `POD` or kubectl's `pod/POD` (namespace from -n, the context, or a unique name in
 * the input); a Service, `svc/NAME`, `NS/svc/NAME` or `svc/NS/NAME` (also `service/`, `services/`); or an IP
 * address outside the cluster. `pod/`, `svc/` and their other spellings are read as the resource
 * type, as kubectl reads them, never as a namespace of that name.
 */
export type EndpointArg =
  | { readonly kind: 'pod'; readonly namespace?: string; readonly name: string }
  | { readonly kind: 'service'; readonly namespace?: string; readonly name: string }
  | { readonly kind: 'ip'; readonly ip: IpAddress };

const POD_TYPES: readonly string[] = ['pod', 'pods', 'po'];
const SERVICE_TYPES: readonly string[] = ['svc', 'service', 'services'];

export function parseEndpointArg(text: string, what: string): EndpointArg {
  const ip = checkIp(text);
  if (typeof ip !== 'string') return { kind: 'ip', ip };
  if (typeof checkCidr(text) !== 'string') throw new CliError(`${what} "${text}": a network, not an address: name one address`);
  const parts = text.split('/');
  if (parts.length === 1 && parts[0]) return { kind: 'pod', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) {
    if (SERVICE_TYPES.includes(parts[0])) return { kind: 'service', name: parts[1] };
    return POD_TYPES.includes(parts[0]) ? { kind: 'pod', name: parts[1] } : { kind: 'pod', namespace: parts[0], name: parts[1] };
  }
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) {
    if (SERVICE_TYPES.includes(parts[1])) return { kind: 'service', namespace: parts[0], name: parts[2] };
    // As can-reach prints a Service (svc/NS/NAME), so that its output can be pasted back.
    if (SERVICE_TYPES.includes(parts[0])) return { kind: 'service', namespace: parts[1], name: parts[2] };
  }
  throw new CliError(`${what} "${text}": expected NAMESPACE/POD, POD or pod/POD (with -n), svc/NAME or NAMESPACE/svc/NAME, or an IP address`);
}

/** kubectl's -l syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated. */
export function parseSelectorArg(text: string, flag = '-l'): LabelSelector {
  const reqs: SelectorRequirement[] = [];
  const fail = (why: string): never => {
    throw new CliError(`${flag} "${text}": ${why}`);
  };
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  for (const raw of terms) {
    const t = raw.trim();
    if (t === '') fail('empty requirement');
    let m: RegExpExecArray | null;
    let req: SelectorRequirement;
    if ((m = /^(\S+?)\s+(in|notin)\s*\(([^()]*)\)$/.exec(t))) {
      if ((m[3] ?? '').trim() === '') fail("for 'in' and 'notin', the values set can't be empty");
      const values = (m[3] ?? '').split(',').map((v) => v.trim());
      req = { key: m[1] ?? '', operator: m[2] === 'in' ? 'In' : 'NotIn', values };
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(t))) {
      req = { key: m[1] ?? '', operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3] ?? ''] };
    } else if ((m = /^!\s*([^=!\s()]+)$/.exec(t))) {
      req = { key: m[1] ?? '', operator: 'DoesNotExist', values: [] };
    } else if ((m = /^([^=!\s()]+)$/.exec(t))) {
      req = { key: m[1] ?? '', operator: 'Exists', values: [] };
    } else {
      return fail(`cannot parse "${t}"`);
    }
    const badKey = checkLabelKey(req.key);
    if (badKey) fail(`label key "${req.key}": ${badKey}`);
    for (const v of req.values) {
      const badValue = checkLabelValue(v);
      if (badValue) fail(`label value "${v}": ${badValue}`);
    }
    reqs.push(req);
  }
  return { matchLabels: {}, matchExpressions: reqs };
}
