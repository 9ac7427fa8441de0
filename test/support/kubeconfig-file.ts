/**
 * @module test/support/kubeconfig-file
 * Writes kubeconfig files the way kubectl and client-node both read them (YAML, base64
 * certificate-authority-data, bearer tokens), for tests that exercise kubeconfig resolution.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  readonly name: string;
  readonly server: string;
  /** PEM of the CA to trust; written as certificate-authority-data. */
  readonly caPem?: string;
  readonly insecure?: boolean;
}

export interface KubeconfigUser {
  readonly name: string;
  readonly token?: string;
}

export interface KubeconfigContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

export interface KubeconfigSpec {
  readonly clusters: readonly KubeconfigCluster[];
  readonly users: readonly KubeconfigUser[];
  readonly contexts: readonly KubeconfigContext[];
  readonly currentContext?: string;
}

export function kubeconfigText(spec: KubeconfigSpec): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: spec.clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server,
        ...(c.caPem !== undefined ? { 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') } : {}),
        ...(c.insecure === true ? { 'insecure-skip-tls-verify': true } : {}),
      },
    })),
    users: spec.users.map((u) => ({ name: u.name, user: u.token !== undefined ? { token: u.token } : {} })),
    contexts: spec.contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.cluster, user: c.user, ...(c.namespace !== undefined ? { namespace: c.namespace } : {}) },
    })),
    ...(spec.currentContext !== undefined ? { 'current-context': spec.currentContext } : {}),
  };
  return stringify(doc);
}

/** Writes the file (creating its directory) and returns its path. */
export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigText(spec), { mode: 0o600 });
  return path;
}
