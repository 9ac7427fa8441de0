// matrix and diff as pictures and review tables, through the real executable: -o svg rendered in
// a real browser (Debian's chromium, headless) shows every namespace and pod with no console
// error and draws something; -o csv and -o md of matrix say what the grid says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { example, netpol, repo } from './run.js';
import { inkShare, SKIP_WITHOUT_BROWSER, withBrowser } from '../support/browser.js';

const NAMESPACES = ['default', 'myproject', 'my-namespace'];
const PODS = ['db-0', 'frontend-0', 'other-0', 'client-0', 'batch-0', 'report'];

test('matrix -o svg in a real browser: every namespace and pod drawn, no console error, ink on the page', { skip: SKIP_WITHOUT_BROWSER }, async () => {
  const r = await netpol(['matrix', '-f', example, '-A', '--port', '6379', '--show-denied', '-o', 'svg']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /<svg /);
  await withBrowser(async (open) => {
    const { page, errors, requests } = await open(`<!doctype html><html><body style="margin:0;background:#fff">${r.stdout.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>/, '')}</body></html>`);
    const texts = await page.$$eval('svg text', (els) => els.map((e) => e.textContent ?? ''));
    for (const ns of NAMESPACES) assert.ok(texts.includes(`namespace ${ns}`), `namespace ${ns} in ${texts.join('|')}`);
    for (const pod of PODS) assert.ok(texts.includes(pod), `pod ${pod}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    assert.ok((await inkShare(page)) > 0.01, 'the picture is not blank');
  });
});

test('diff -o svg in a real browser: the changed pair and its connections drawn', { skip: SKIP_WITHOUT_BROWSER }, async () => {
  const r = await netpol(['diff', example, `${example},${join(repo, 'examples/db-from-other.yaml')}`, '-o', 'svg']);
  assert.equal(r.code, 1, r.stderr);
  await withBrowser(async (open) => {
    const { page, errors } = await open(`<!doctype html><html><body>${r.stdout.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>/, '')}</body></html>`);
    const texts = await page.$$eval('svg text', (els) => els.map((e) => e.textContent ?? ''));
    for (const t of ['other-0', 'db-0', 'namespace default', 'none -> TCP 6379']) assert.ok(texts.includes(t), `${t} in ${texts.join('|')}`);
    assert.deepEqual(errors, []);
  });
});

test('matrix -o csv and -o md: one line per pair and port, and a Markdown grid per port, as the text grid says', async () => {
  const args = ['matrix', '-f', example, '-n', 'default', '--port', '6379'];
  const csv = await netpol([...args, '-o', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'from,to,port,allowed,reason');
  assert.equal(lines.length, 1 + 9);
  assert.match(csv.stdout, /^default\/frontend-0,default\/db-0,6379\/TCP,true,/m);
  assert.match(csv.stdout, /^default\/other-0,default\/db-0,6379\/TCP,false,/m);
  const md = await netpol([...args, '-o', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^\*\*Port 6379\/TCP\*\*/);
  assert.match(md.stdout, /^\| from \\ to \| `default\/db-0` \| `default\/frontend-0` \| `default\/other-0` \|$/m);
  assert.match(md.stdout, /^\| `default\/frontend-0` \| ✓ \| ✓ \| ✓ \|$/m);
  const dot = await netpol([...args, '-o', 'dot']);
  assert.match(dot.stdout, /^digraph netpol \{/);
});
