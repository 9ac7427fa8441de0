/**
 * @module test/support/http-client
 * A bare HTTPS/HTTP client for poking the fake API server directly (no client-node), trusting its
 * CA. Tests of the fake itself use it to see exactly what goes over the wire.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FakeApiServer } from './apiserver.js';

export interface RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export function call(
  server: FakeApiServer,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; contentType?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, server.url);
  const token = opts.token === undefined ? server.token : opts.token;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ...(url.protocol === 'https:' ? { ca: server.caPem } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
