/**
 * @module test/support/objects
 * Raw wire-format objects for seeding the fake API server, with only the fields a test cares about.
 */
import type { JsonObject } from './selectors.js';

export function namespaceObj(name: string, labels: Record<string, string> = {}): JsonObject {
  return { kind: 'Namespace', apiVersion: 'v1', metadata: { name, labels } };
}

export interface PodOpts {
  readonly labels?: Record<string, string>;
  readonly ip?: string;
  readonly nodeName?: string;
  readonly phase?: string;
  readonly hostNetwork?: boolean;
  readonly ports?: readonly { name?: string; containerPort: number; protocol?: string }[];
}

export function podObj(namespace: string, name: string, o: PodOpts = {}): JsonObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace, labels: o.labels ?? {} },
    spec: {
      ...(o.nodeName !== undefined ? { nodeName: o.nodeName } : {}),
      ...(o.hostNetwork === true ? { hostNetwork: true } : {}),
      containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', ...(o.ports ? { ports: o.ports } : {}) }],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip !== undefined ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
    },
  };
}

export function nodeObj(name: string, internalIp: string): JsonObject {
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { addresses: [{ type: 'InternalIP', address: internalIp }, { type: 'Hostname', address: name }] },
  };
}

export function policyObj(namespace: string, name: string, spec: JsonObject): JsonObject {
  return { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { name, namespace }, spec };
}
