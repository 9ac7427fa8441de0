/**
 * @module cli/commands/can-reach
 * `can-reach SRC DST --port P[/PROTO]`: the verdict on one connection with both sides' reasons.
 * Exit 0 allowed, 1 denied (2 for errors, from the top-level catch).
 */
import type { Pod, Protocol, Snapshot } from '../../model/index.js';
import { compileSnapshot, evaluateConnection, isAllowed, resolveNamedPort, type Endpoint } from '../../engine/index.js';
import { renderVerdictText } from '../../render/verdict.js';
import { renderData } from '../../render/data.js';
import { CliError } from '../../errors.js';
import { parseEndpointArg, parsePortArg, type EndpointArg } from '../args.js';
import type { GlobalArgs } from '../global-args.js';
import { loadObjects, overlayNotice } from '../source.js';
import type { Output } from '../output.js';

export function toEndpoint(snapshot: Snapshot, arg: EndpointArg, what: string): Endpoint {
  if (arg.kind === 'ip') {
    const node = snapshot.nodes.find((n) => n.addresses.some((a) => a.ip.family === arg.ip.family && a.ip.value === arg.ip.value));
    return node ? { kind: 'ip', ip: arg.ip, node } : { kind: 'ip', ip: arg.ip };
  }
  const pod = snapshot.pods.find((p) => p.namespace === arg.namespace && p.name === arg.name);
  if (!pod) throw new CliError(`${what}: pod "${arg.name}" not found in namespace ${arg.namespace}`);
  return { kind: 'pod', pod };
}

/** A named port becomes a number on the destination pod; elsewhere it means nothing. */
export function resolvePortArg(port: number | string, protocol: Protocol, dst: Endpoint): number {
  if (typeof port === 'number') return port;
  const pod: Pod | undefined = dst.kind === 'pod' ? dst.pod : undefined;
  const n = pod && !pod.hostNetwork ? resolveNamedPort(pod, port, protocol) : undefined;
  if (n === undefined) {
    const where = pod ? `pod ${pod.namespace}/${pod.name}` : 'an address outside the cluster';
    throw new CliError(`--port "${port}": ${where} declares no ${protocol} container port named "${port}"`);
  }
  return n;
}

export async function runCanReach(args: GlobalArgs, srcText: string, dstText: string, portText: string, out: Output): Promise<number> {
  const portArg = parsePortArg(portText);
  // Parse once without a namespace to learn which namespaces are needed, then again with the default.
  const loaded = await loadObjects(args, (defaultNamespace) => {
    const ends = [parseEndpointArg(srcText, 'SRC', defaultNamespace), parseEndpointArg(dstText, 'DST', defaultNamespace)];
    const namespaces = [...new Set(ends.flatMap((e) => (e.kind === 'pod' ? [e.namespace] : [])))];
    return { namespaces, nodes: ends.some((e) => e.kind === 'ip') };
  });
  const src = toEndpoint(loaded.snapshot, parseEndpointArg(srcText, 'SRC', loaded.defaultNamespace), 'SRC');
  const dst = toEndpoint(loaded.snapshot, parseEndpointArg(dstText, 'DST', loaded.defaultNamespace), 'DST');
  const port = resolvePortArg(portArg.port, portArg.protocol, dst);
  const c = compileSnapshot(loaded.snapshot);
  const verdict = evaluateConnection(c, { src, dst, port, protocol: portArg.protocol });
  const allowed = isAllowed(verdict);
  const notice = overlayNotice(loaded);
  if (args.output === 'json' || args.output === 'yaml') {
    const { from, to, protocol, egress, ingress, bypass } = verdict;
    out.write(renderData({ allowed, from, to, port, protocol, ...(typeof portArg.port === 'string' ? { portName: portArg.port } : {}), ...(bypass ? { bypass } : {}), egress, ingress, ...(notice ? { includesLocalFiles: loaded.overlayFiles } : {}) }, args.output));
  } else {
    out.write(renderVerdictText(verdict, args.output === 'wide'));
    if (notice) out.write(`${notice}\n`);
  }
  return allowed ? 0 : 1;
}
