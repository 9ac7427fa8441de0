/**
 * @module test/support/certs
 * A throwaway certificate authority and a server certificate for 127.0.0.1/localhost (and the
 * addresses lab nodes reach the test process on, HOST_LINK_ADDRESSES), made once per
 * test process with the openssl CLI (no npm package needed). Real kubectl (Go) insists on a SAN and a
 * CA with basicConstraints, so both are set explicitly instead of relying on openssl.cnf defaults.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerCerts {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * The test process's ends of the links test/lab gives its nodes to reach it (lab.ts linkToHost):
 * an agent running inside a lab node talks to the test API server at one of these.
 */
export const HOST_LINK_ADDRESSES: readonly string[] = ['169.254.77.1', '169.254.77.5', '169.254.77.9', '169.254.77.13'];

let cached: Promise<ServerCerts> | undefined;

/** The process-wide certificates; the temp dir is removed when the process exits. */
export function serverCerts(): Promise<ServerCerts> {
  cached ??= makeCerts('fake-apiserver-ca');
  return cached;
}

/** A fresh, unrelated CA (for TLS failure tests): its PEM only. */
export async function otherCaPem(): Promise<string> {
  return (await makeCerts('some-other-ca')).caPem;
}

async function makeCerts(caName: string): Promise<ServerCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-fake-ca-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const p = (f: string): string => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '3',
    '-subj', `/CN=${caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', p('srv.key'), '-out', p('srv.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(
    p('ext.cnf'),
    `subjectAltName=IP:127.0.0.1,${HOST_LINK_ADDRESSES.map((a) => `IP:${a}`).join(',')},DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`,
  );
  await run('openssl', [
    'x509', '-req', '-in', p('srv.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('srv.crt'), '-days', '3', '-extfile', p('ext.cnf'),
  ]);
  return {
    caPem: readFileSync(p('ca.crt'), 'utf8'),
    certPem: readFileSync(p('srv.crt'), 'utf8'),
    keyPem: readFileSync(p('srv.key'), 'utf8'),
  };
}
