/**
 * @module cli/commands/can-reach
 * `can-reach SRC DST --port P[/PROTO]`: the verdict on one connection with both sides' reasons.
 * Exit 0 allowed, 1 denied (2 for errors, from the top-level catch).
 */
import { qualifiedName, type IpFamily, type Protocol } from '../../model/index.js';
import { compileSnapshot, destinationPort, endpointName, evaluateConnection, isAllowed, isFinished, type Endpoint } from '../../engine/index.js';
import { renderVerdictText } from '../../render/verdict.js';
import { verdictRecord } from '../../render/verdict-record.js';
import { CliError } from '../../errors.js';
import { parseEndpointArg, parsePortArg, protocolOn, type EndpointArg } from '../args.js';
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
export function toEndpoint(loaded: Loaded, bareAnywhere: boolean, arg: EndpointArg, what: string): Endpoint {
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
  const ends = [parseEndpointArg(srcText, 'SRC'), parseEndpointArg(dstText, 'DST')] as const;
  const loaded = await loadObjects(args, (defaultNamespace) => {
    // An address may be any pod's, anywhere: then every namespace is needed to find it.
    const pods = ends.flatMap((e) => (e.kind === 'pod' ? [e.namespace ?? defaultNamespace] : []));
    if (pods.length < ends.length) return { namespaces: 'all', nodes: true };
    return { namespaces: [...new Set(pods)], nodes: false };
  });
  const bareAnywhere = loaded.offline && args.namespace === undefined;
  const src = toEndpoint(loaded, bareAnywhere, ends[0], 'SRC');
  const dst = toEndpoint(loaded, bareAnywhere, ends[1], 'DST');
  if (src.kind === 'ip' && dst.kind === 'ip') {
    throw new CliError(`neither ${src.ip.text} nor ${dst.ip.text} is a pod's address: NetworkPolicy governs only connections to or from pods`);
  }
  const protocol = protocolOn(portArg, dst);
  const port = resolvePortArg(portArg.port, protocol, dst);
  const family = familyFor(o.ipFamily, [src, dst]);
  const gap = connectionGap(src, dst, undefined);
  if (gap !== undefined) throw new CliError(`${endpointName(src)} -> ${endpointName(dst)}: ${gap}: there is no such connection to judge`);
  const addressless = describeAddressless([...new Set([src, dst].flatMap((e) => (e.kind === 'pod' ? [e.pod] : [])))]);
  if (addressless) out.error(addressless);
  const c = compileSnapshot(loaded.snapshot);
  const verdict = evaluateConnection(c, { src, dst, port, protocol, ...(family === undefined ? {} : { family }) });
  const allowed = isAllowed(verdict);
  const notice = overlayNotice(loaded);
  const printData = await dataPrinter(args.output);
  if (printData !== undefined) {
    const record = verdictRecord(verdict, allowed, typeof portArg.port === 'string' ? portArg.port : undefined);
    out.write(printData({ ...record, ...overlayField(loaded) }));
  } else {
    out.write(renderVerdictText(verdict, args.output === 'wide', isDualStack(src) || isDualStack(dst)));
    if (notice) out.write(`${notice}\n`);
  }
  return allowed ? 0 : 1;
}

function isDualStack(e: Endpoint): boolean {
  return e.kind === 'pod' && new Set(e.pod.ips.map((a) => a.family)).size > 1;
}
