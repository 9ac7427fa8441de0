/**
 * @module test/support/respond
 * A whole JSON response (an object or a Status), with its status code noted in the request log, for
 * the fake's REST and watch handlers alike.
 */
import type { ServerResponse } from 'node:http';
import type { RequestLogEntry } from './state.js';
import type { StatusBody } from './status.js';

export function send(res: ServerResponse, entry: RequestLogEntry, code: number, body: unknown): void {
  entry.status = code;
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, entry: RequestLogEntry, s: StatusBody): void {
  send(res, entry, s.code, s);
}
