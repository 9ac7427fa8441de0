/**
 * @module cli/commands/can-reach
 * `can-reach SRC DST --port P[/PROTO]`: the verdict on one connection with both sides' reasons.
 * Exit 0 allowed, 1 denied (2 for errors, from the top-level catch). DST may be a Service: then
 * PORT is the Service's, and the answer is one verdict per backend pod on its targetPort, since
 * policies see the pod kube-proxy chose, never the Service; exit 0 only when every backend is allowed.
 */
import { qualifiedName, type IpFamily, type Protocol, type Service } from '../../model/index.js';
import {
  compileSnapshot,
  destinationPort,
  endpointName,
  evaluateConnection,
  isAllowed,
  isFinished,
  resolveServicePort,
  type CompiledSnapshot,
  type Endpoint,
} from '../../engine/index.js';
import { renderVerdictText } from '../../render/verdict.js';
import { serviceVerdictRecord, verdictRecord } from '../../render/verdict-record.js';
import { describeNoBackends, renderServiceText } from '../../render/service.js';
import { CliError } from '../../errors.js';
import { parseEndpointArg, parsePortArg, protocolOn, type EndpointArg, type PortArg } from '../args.js';
import type { FamilyArg, GlobalArgs } from '../global-args.js';
import { loadObjects, overlayField, overlayNotice, type Loaded } from '../source.js';
import type { Output } from '../output.js';
import { findNamed } from '../lookup.js';
import { connectionGap, familyGap, familyOf } from '../ip-family.js';
import { describeAddressless } from '../../render/notes.js';
import { dataPrinter } from '../data-output.js';

/**
 * The pod or address a user named. A bare POD is looked up in the default namespace, except
 * offline with no -n, where the scope is the whole input and a name unique across namespaces will
 * do. An address that is a pod's (not a hostNetwork pod's: that is the node's) stands for the pod.
 */
export function toEndpoint(loaded: Loaded, bareAnywhere: boolean, arg: Exclude<EndpointArg, { kind: 'service' }>, what: string): Endpoint {
  const { snapshot } = loaded;
  if (arg.kind === 'ip') {
    const owner = snapshot.pods.find((p) => !p.hostNetwork && !isFinished(p) && p.ips.some((a) => a.family === arg.ip.family && a.value === arg.ip.value));
    // Whether the address is a node's is the engine's to find (the node-to-local-pod and pod-to-own-node bypasses).
    return owner ? { kind: 'pod', pod: owner } : { kind: 'ip', ip: arg.ip };
  }
  const namespace = arg.namespace ?? (bareAnywhere ? undefined : loaded.defaultNamespace);
  const pod = findNamed(snapshot.pods, arg.name, namespace === undefined ? undefined : [namespace], `${what}: pod`, 'write NAMESPACE/POD');
  if (isFinished(pod)) throw new CliError(`${what}: pod ${qualifiedName(pod)} has finished (phase ${pod.phase}): finished pods take no part in connections`);
  return { kind: 'pod', pod };
}

/** A named port becomes a number on the destination pod; elsewhere it means nothing. */
export function resolvePortArg(port: number | string, protocol: Protocol, dst: Endpoint): number {
  const n = destinationPort(dst, port, protocol);
  if (n === undefined) {
    const where = dst.kind === 'pod' ? `pod ${qualifiedName(dst.pod)}` : 'an address outside the cluster';
    throw new CliError(`--port "${port}": ${where} declares no ${protocol} container port named "${port}"`);
  }
  return n;
}

/** The family asked for, checked against the ends: each end must have an address in it. */
function familyFor(arg: FamilyArg | undefined, ends: readonly Endpoint[]): IpFamily | undefined {
  if (arg === undefined) return undefined;
  for (const e of ends) {
    const gap = familyGap(arg, e);
    if (gap !== undefined) throw new CliError(`--ip-family ${arg}: ${gap}`);
  }
  return familyOf(arg);
}

export interface CanReachOptions {
  /** Every --port given: can-reach judges one connection, so more than one is refused. */
  readonly ports: readonly string[];
  readonly ipFamily?: FamilyArg;
}

export async function runCanReach(args: GlobalArgs, srcText: string, dstText: string, o: CanReachOptions, out: Output): Promise<number> {
  // yargs demands --port; a repeated one would silently judge only the last.
  if (o.ports.length > 1) {
    throw new CliError(`--port given ${o.ports.length} times (${o.ports.join(', ')}): can-reach judges one connection; use matrix for several ports`);
  }
  const portArg = parsePortArg(o.ports[0] ?? '');
  const src = parseEndpointArg(srcText, 'SRC');
  const dst = parseEndpointArg(dstText, 'DST');
  if (src.kind === 'service') {
    throw new CliError(`SRC "${srcText}": a Service cannot be the source of a connection: connections come from pods, and a Service only receives them; name a pod`);
  }
  const loaded = await loadObjects(args, (defaultNamespace) => {
    const ends = [src, dst];
    // An address may be any pod's, anywhere: then every namespace is needed to find it.
    const named = ends.flatMap((e) => (e.kind === 'ip' ? [] : [e.namespace ?? defaultNamespace]));
    const services = dst.kind === 'service' ? { services: 'required' as const } : {};
    if (named.length < ends.length) return { namespaces: 'all', nodes: true, ...services };
    return { namespaces: [...new Set(named)], nodes: false, ...services };
  });
  const bareAnywhere = loaded.offline && args.namespace === undefined;
  const from = toEndpoint(loaded, bareAnywhere, src, 'SRC');
  if (dst.kind === 'service') {
    const namespace = dst.namespace ?? (bareAnywhere ? undefined : loaded.defaultNamespace);
    const service = findNamed(loaded.snapshot.services, dst.name, namespace === undefined ? undefined : [namespace], 'DST: service', 'write NAMESPACE/svc/NAME');
    return reachService(args, loaded, from, service, portArg, o, out);
  }
  const to = toEndpoint(loaded, bareAnywhere, dst, 'DST');
  if (from.kind === 'ip' && to.kind === 'ip') {
    throw new CliError(`neither ${from.ip.text} nor ${to.ip.text} is a pod's address: NetworkPolicy governs only connections to or from pods`);
  }
  const protocol = protocolOn(portArg, to);
  const port = resolvePortArg(portArg.port, protocol, to);
  const c = compileSnapshot(loaded.snapshot);
  const verdict = judge(c, from, to, port, protocol, o.ipFamily, out);
  const allowed = isAllowed(verdict);
  const notice = overlayNotice(loaded);
  const printData = await dataPrinter(args.output);
  if (printData !== undefined) {
    const record = verdictRecord(verdict, allowed, typeof portArg.port === 'string' ? portArg.port : undefined);
    out.write(printData({ ...record, ...overlayField(loaded) }));
  } else {
    out.write(renderVerdictText(verdict, args.output === 'wide', isDualStack(from) || isDualStack(to)));
    if (notice) out.write(`${notice}\n`);
  }
  return allowed ? 0 : 1;
}

/** One connection, checked for a family both ends can use, as evaluateConnection needs it. */
function judge(c: CompiledSnapshot, src: Endpoint, dst: Endpoint, port: number, protocol: Protocol, ipFamily: FamilyArg | undefined, out: Output): ReturnType<typeof evaluateConnection> {
  const family = familyFor(ipFamily, [src, dst]);
  const gap = connectionGap(src, dst, undefined);
  if (gap !== undefined) throw new CliError(`${endpointName(src)} -> ${endpointName(dst)}: ${gap}: there is no such connection to judge`);
  const addressless = describeAddressless([...new Set([src, dst].flatMap((e) => (e.kind === 'pod' ? [e.pod] : [])))]);
  if (addressless) out.error(addressless);
  return evaluateConnection(c, { src, dst, port, protocol, ...(family === undefined ? {} : { family }) });
}

/** can-reach to a Service: each backend judged as a pod on its targetPort. */
async function reachService(args: GlobalArgs, loaded: Loaded, src: Endpoint, service: Service, portArg: PortArg, o: CanReachOptions, out: Output): Promise<number> {
  const resolution = resolveServicePort(service, loaded.snapshot.pods, { port: portArg.port, ...(portArg.protocolGiven ? { protocol: portArg.protocol } : {}) });
  const asked = `${portArg.port}${portArg.protocolGiven ? `/${portArg.protocol}` : ''}`;
  if (resolution.kind !== 'backends') throw new CliError(`DST: ${describeNoBackends(service, asked, resolution)}`);
  const c = compileSnapshot(loaded.snapshot);
  const results = resolution.backends.map((b) => {
    const verdict = judge(c, src, { kind: 'pod', pod: b.pod }, b.port, b.protocol, o.ipFamily, out);
    return { verdict, allowed: isAllowed(verdict) };
  });
  const printData = await dataPrinter(args.output);
  if (printData !== undefined) {
    const record = serviceVerdictRecord(endpointName(src), service, resolution.port, results, resolution.missing, typeof portArg.port === 'string' ? portArg.port : undefined);
    out.write(printData({ ...record, ...overlayField(loaded) }));
  } else {
    const dual = isDualStack(src) || resolution.backends.some((b) => isDualStack({ kind: 'pod', pod: b.pod }));
    out.write(renderServiceText(service, resolution.port, results, resolution.missing, args.output === 'wide', dual));
    const notice = overlayNotice(loaded);
    if (notice) out.write(`${notice}\n`);
  }
  return results.every((r) => r.allowed) ? 0 : 1;
}

function isDualStack(e: Endpoint): boolean {
  return e.kind === 'pod' && new Set(e.pod.ips.map((a) => a.family)).size > 1;
}
