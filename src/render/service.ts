/**
 * @module render/service
 * can-reach to a Service in words: one verdict block per backend (the same block as for a pod),
 * the pods its selector matches that are no backend of the port, then one summary line; and the
 * reasons a Service port leads to no connection at all, which the CLI reports as errors.
 */
import { assertNever, type MissingTargetPort, type ServiceResolution, type Verdict } from '../engine/index.js';
import { qualifiedName, type Service, type ServicePort } from '../model/index.js';
import { renderVerdictText } from './verdict.js';
import { formatPortSpec, plural, serviceRef } from './words.js';

export function serviceName(s: Service): string {
  return serviceRef(qualifiedName(s));
}

/** `80/TCP "http" -> targetPort http`. */
function describeServicePort(p: ServicePort): string {
  const name = p.name === undefined ? '' : ` "${p.name}"`;
  return `${formatPortSpec(p)}${name} -> targetPort ${p.targetPort}`;
}

function describeMissing(m: MissingTargetPort): string {
  return `${qualifiedName(m.pod)} declares no ${m.protocol} container port named "${m.name}"`;
}

/** Why a Service port leads to no backend, for the error line. */
export function describeNoBackends(service: Service, asked: string, r: Exclude<ServiceResolution, { kind: 'backends' }>): string {
  const name = serviceName(service);
  switch (r.kind) {
    case 'no-such-port':
      return r.ports.length === 0
        ? `${name} has no ports`
        : `${name} has no port ${asked} (its ports: ${r.ports.map(describeServicePort).join(', ')})`;
    case 'ambiguous-port':
      return `${name} has port ${asked} over ${r.ports.map((p) => p.protocol).join(' and ')}: write ${r.ports.map((p) => formatPortSpec(p)).join(' or ')}`;
    case 'external-name':
      return `${name} is of type ExternalName, a DNS alias: kube-proxy sends nothing to pods, so there is no backend to judge; name the address it stands for`;
    case 'no-selector':
      return `${name} has no selector, so no pod is its backend by labels (EndpointSlices managed by hand are not read): name its backends as pods or addresses`;
    case 'no-backends': {
      const port = `${name} port ${formatPortSpec(r.port)}`;
      if (r.missing.length === 0) {
        const selector = Object.entries(service.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
        return `${port} has no backends: no pod in namespace ${service.namespace} that has not finished matches its selector ${selector}`;
      }
      return `${port} has no backends: targetPort "${r.port.targetPort}" is on none of the pods its selector matches (${r.missing.map(describeMissing).join('; ')})`;
    }
    default:
      return assertNever(r);
  }
}

export interface BackendVerdict {
  readonly verdict: Verdict;
  readonly allowed: boolean;
}

/** `wide` and `showFamily` as for one connection (renderVerdictText). */
export function renderServiceText(service: Service, port: ServicePort, results: readonly BackendVerdict[], missing: readonly MissingTargetPort[], wide: boolean, showFamily: boolean): string {
  const blocks = results.map((r) => renderVerdictText(r.verdict, wide, showFamily));
  const notes = missing.map((m) => `not a backend of this port: ${describeMissing(m)}, so kube-proxy sends it nothing\n`);
  const allowed = results.filter((r) => r.allowed).length;
  const summary = `${serviceName(service)} port ${formatPortSpec(port)}: allowed to ${allowed} of ${plural(results.length, 'backend')}\n`;
  return [blocks.join('\n'), ...(notes.length > 0 ? ['\n', ...notes] : []), '\n', summary].join('');
}
