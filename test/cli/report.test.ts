// report -o html through the real executable, opened in a real browser (Debian's chromium,
// headless): no console error, no request beyond the page itself, every namespace and pod in the
// graph and the matrices, every policy explained, lint's findings as lint lists them, each matrix
// cell what diff's engine says of the pair, and a screenshot that is not blank.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { example, netpol } from './run.js';
import { inkShare, SKIP_WITHOUT_BROWSER, withBrowser } from '../support/browser.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';

const NAMESPACES = ['default', 'myproject', 'my-namespace'];
const PODS: Record<string, string[]> = { default: ['db-0', 'frontend-0', 'other-0'], myproject: ['client-0'], 'my-namespace': ['batch-0', 'report'] };

let dir: string;
let server: FakeApiServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knp-report-'));
  const objects = parseAllDocuments(readFileSync(example, 'utf8')).map((d) => d.toJS() as JsonObject);
  const reportPod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'my-namespace', name: 'report', labels: { app: 'report' } },
    spec: { containers: [{ name: 'report', image: 'busybox:1.36' }] },
    status: { phase: 'Running', podIP: '10.244.3.40', podIPs: [{ ip: '10.244.3.40' }] },
  };
  server = await startApiServer({ objects: [...objects.filter((o) => o['kind'] !== 'Job'), reportPod] });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  readonly graphTexts: string[];
  readonly matrices: Record<string, string[][]>;
  readonly policyHeadings: string[];
  readonly findingRows: string[][];
  readonly svgBox: { width: number; height: number };
  readonly errors: readonly string[];
  readonly requests: readonly string[];
  readonly ink: number;
}

async function openReport(html: string): Promise<Seen> {
  return withBrowser(async (open) => {
    const { page, errors, requests } = await open(html);
    const graphTexts = await page.$$eval('#graph svg text', (els) => els.map((e) => e.textContent ?? ''));
    const matrices = await page.$$eval('#matrices h3', (hs) =>
      Object.fromEntries(
        hs.map((h) => {
          const table = h.nextElementSibling;
          const rows = table === null ? [] : [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? ''));
          return [h.textContent?.replace(/^namespace /, '') ?? '', rows];
        }),
      ),
    );
    const policyHeadings = await page.$$eval('#policies h3', (hs) => hs.map((h) => h.textContent ?? ''));
    const findingRows = await page.$$eval('#findings tr', (trs) => trs.slice(1).map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    const svgBox = await page.$eval('#graph svg', (s) => {
      const r = s.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    return { graphTexts, matrices, policyHeadings, findingRows, svgBox, errors, requests, ink: await inkShare(page) };
  });
}

test('report -o html offline, in a real browser: every namespace and pod, every policy and finding, cells as diff\'s engine says', { skip: SKIP_WITHOUT_BROWSER }, async () => {
  const r = await netpol(['report', '-f', example, '-o', 'html']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^<!doctype html>/);
  assert.doesNotMatch(r.stdout, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained: no script, no address to fetch');
  const seen = await openReport(r.stdout);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.requests, []);
  for (const ns of NAMESPACES) {
    assert.ok(seen.graphTexts.includes(`namespace ${ns}`), `namespace ${ns} in the graph`);
    for (const pod of PODS[ns] ?? []) assert.ok(seen.graphTexts.includes(pod), `${pod} in the graph`);
    const rows = seen.matrices[ns];
    assert.ok(rows !== undefined, `a matrix for ${ns}`);
    assert.deepEqual(rows[0]?.slice(1), PODS[ns], `${ns}'s matrix heads`);
    assert.deepEqual(rows.slice(1).map((row) => row[0]), PODS[ns], `${ns}'s matrix rows`);
  }
  // The cells are connection sets: frontend-0 reaches db-0 on TCP 6379 alone, other-0 nothing.
  const def = seen.matrices['default'] ?? [];
  assert.equal(def[2]?.[1], 'TCP 6379');
  assert.equal(def[3]?.[1], 'none');
  assert.equal(def[2]?.[3], 'all');
  assert.deepEqual(seen.policyHeadings, ['default/test-network-policy', 'my-namespace/deny-all-policy']);
  const lint = JSON.parse((await netpol(['lint', '-f', example, '-o', 'json'])).stdout) as { findings: { code: string; path: string }[] };
  assert.deepEqual(seen.findingRows.map((row) => [row[1], row[3]]), lint.findings.map((f) => [f.code, f.path]));
  assert.ok(seen.svgBox.width > 200 && seen.svgBox.height > 100, `the graph is drawn: ${JSON.stringify(seen.svgBox)}`);
  assert.ok(seen.ink > 0.02, `the screenshot is not blank (ink ${seen.ink})`);
});

test('report -o html from the live cluster: the same namespaces, pods and policies', { skip: SKIP_WITHOUT_BROWSER }, async () => {
  const r = await netpol(['report', '-A', '--kubeconfig', server.kubeconfigPath(dir)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`cluster ${server.url.replace(/[.:/]/g, '\\$&')}`));
  const seen = await openReport(r.stdout);
  assert.deepEqual(seen.errors, []);
  for (const ns of NAMESPACES) assert.deepEqual(seen.matrices[ns]?.[0]?.slice(1), PODS[ns]);
  assert.deepEqual(seen.policyHeadings, ['default/test-network-policy', 'my-namespace/deny-all-policy']);
});

test('report: -o other than html is refused in one line', async () => {
  const r = await netpol(['report', '-f', example, '-o', 'json']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
