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

/** A response read line by line while it streams (a watch). */
export interface LineStream {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The next complete line; undefined once the body ended (or broke) with no line left. */
  nextLine(): Promise<string | undefined>;
  /** How the body finished: 'end' for a complete chunked body, 'aborted' for a cut connection. */
  readonly finished: Promise<'end' | 'aborted'>;
  close(): void;
}

export function openStream(server: FakeApiServer, path: string): Promise<LineStream> {
  const url = new URL(path, server.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { Accept: 'application/json', Authorization: `Bearer ${server.token}` };
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers, ...(url.protocol === 'https:' ? { ca: server.caPem } : {}) }, (res) => {
      const lines: string[] = [];
      const waiting: ((line: string | undefined) => void)[] = [];
      let partial = '';
      let done = false;
      const flush = (): void => {
        while (waiting.length > 0 && (lines.length > 0 || done)) waiting.shift()?.(lines.shift());
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
        flush();
      });
      const finished = new Promise<'end' | 'aborted'>((settle) => {
        res.on('end', () => settle('end'));
        res.on('aborted', () => settle('aborted'));
        res.on('error', () => settle('aborted'));
      });
      void finished.then(() => {
        if (partial !== '') lines.push(partial);
        done = true;
        flush();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        nextLine: () =>
          new Promise((give) => {
            waiting.push(give);
            flush();
          }),
        finished,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
