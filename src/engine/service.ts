/**
 * @module engine/service
 * A Service as the end of a connection. Policies never see a Service: kube-proxy translates its
 * address and port to one backend pod's address and targetPort before the packet reaches any
 * policy, so a connection to a Service port is judged as one connection per backend. Backends are
 * found here by selector, as the EndpointSlice controller finds them: pods of the Service's
 * namespace whose labels hold every selector entry and that have not finished. A targetPort that is
 * a name is resolved per pod, on a container port of that name and the port's protocol, so one
 * Service port may lead to different numbers on different backends; a pod that declares no such
 * container port gets no endpoint for that port.
 */
import type { Pod, Protocol, Service, ServicePort } from '../model/index.js';
import { isFinished } from './endpoint.js';
import { namedPortNumber } from './port.js';
import { selectorMatches } from './selector.js';

/** One connection a Service port leads to: the backend pod and the number its targetPort is there. */
export interface ServiceBackend {
  readonly pod: Pod;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A pod the selector matches that is no backend of the port: it declares no container port so named. */
export interface MissingTargetPort {
  readonly pod: Pod;
  readonly name: string;
  readonly protocol: Protocol;
}

/** The Service port a user named: a number or a Service port name, with the protocol if one was written. */
export interface ServicePortQuery {
  readonly port: number | string;
  readonly protocol?: Protocol;
}

/**
 * Cases:
 * - backends: the port exists and leads to at least one pod;
 * - no-such-port: the Service has no port of that number or name (and protocol, when given);
 * - ambiguous-port: a number without protocol that the Service has over several protocols, none TCP;
 * - external-name: the Service is a DNS alias, kube-proxy sends nothing to pods;
 * - no-selector: the port exists, but without a selector no pod is a backend by labels;
 * - no-backends: the port exists, but no pod that has not finished matches the selector, or every
 *   one that does lacks the named targetPort (`missing`).
 */
export type ServiceResolution =
  | { readonly kind: 'backends'; readonly port: ServicePort; readonly backends: readonly ServiceBackend[]; readonly missing: readonly MissingTargetPort[] }
  | { readonly kind: 'no-such-port'; readonly ports: readonly ServicePort[] }
  | { readonly kind: 'ambiguous-port'; readonly ports: readonly ServicePort[] }
  | { readonly kind: 'external-name' }
  | { readonly kind: 'no-selector'; readonly port: ServicePort }
  | { readonly kind: 'no-backends'; readonly port: ServicePort; readonly missing: readonly MissingTargetPort[] };

/** Whether a Service's selector picks `pod`: same namespace, every selector entry among its labels. */
export function serviceSelects(service: Service, pod: Pod): boolean {
  if (service.selector === undefined || pod.namespace !== service.namespace) return false;
  return selectorMatches({ matchLabels: service.selector, matchExpressions: [] }, pod.labels);
}

/** The number a Service port's targetPort is on `pod`; undefined for a name the pod does not declare. */
export function targetPortOn(pod: Pod, port: ServicePort): number | undefined {
  return typeof port.targetPort === 'number' ? port.targetPort : namedPortNumber(pod, port.targetPort, port.protocol);
}

/** The Services whose selector picks the pod, in the order given. */
export function servicesSelecting(services: readonly Service[], pod: Pod): Service[] {
  return services.filter((s) => serviceSelects(s, pod));
}

type PortLookup =
  | { readonly kind: 'found'; readonly port: ServicePort }
  | { readonly kind: 'no-such-port' }
  | { readonly kind: 'ambiguous-port'; readonly ports: readonly ServicePort[] };

/**
 * A name is unique among a Service's ports. A number may be there once per protocol: without a
 * protocol written, the only one, else the TCP one (the protocol a bare number means everywhere).
 */
function findServicePort(service: Service, q: ServicePortQuery): PortLookup {
  const hits = service.ports.filter(
    (p) => (typeof q.port === 'number' ? p.port === q.port : p.name === q.port) && (q.protocol === undefined || p.protocol === q.protocol),
  );
  const only = hits.length === 1 ? hits[0] : hits.find((p) => p.protocol === 'TCP');
  if (only !== undefined) return { kind: 'found', port: only };
  return hits.length === 0 ? { kind: 'no-such-port' } : { kind: 'ambiguous-port', ports: hits };
}

/** Each pod the selector matches, as a backend of `port` or as missing its named targetPort. */
export function backendsOf(service: Service, pods: readonly Pod[], port: ServicePort): { backends: ServiceBackend[]; missing: MissingTargetPort[] } {
  const backends: ServiceBackend[] = [];
  const missing: MissingTargetPort[] = [];
  for (const pod of pods) {
    if (isFinished(pod) || !serviceSelects(service, pod)) continue;
    const number = targetPortOn(pod, port);
    if (number === undefined) missing.push({ pod, name: String(port.targetPort), protocol: port.protocol });
    else backends.push({ pod, port: number, protocol: port.protocol });
  }
  return { backends, missing };
}

/** The connections a Service port leads to, or why it leads to none. */
export function resolveServicePort(service: Service, pods: readonly Pod[], q: ServicePortQuery): ServiceResolution {
  if (service.type === 'ExternalName') return { kind: 'external-name' };
  const found = findServicePort(service, q);
  if (found.kind === 'no-such-port') return { kind: 'no-such-port', ports: service.ports };
  if (found.kind === 'ambiguous-port') return found;
  if (service.selector === undefined) return { kind: 'no-selector', port: found.port };
  const { backends, missing } = backendsOf(service, pods, found.port);
  if (backends.length === 0) return { kind: 'no-backends', port: found.port, missing };
  return { kind: 'backends', port: found.port, backends, missing };
}
