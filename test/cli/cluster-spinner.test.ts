// The spinner while the cluster is read: on stderr, only when stderr is a terminal with a width,
// never with -o json/yaml. The terminal is a real PTY from util-linux `script`; stdout goes to a
// file so the PTY shows stderr alone. The fake delays every answer so the spinner has time to turn.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeCluster, multiDir, wireObjects } from './cluster-fixtures.js';
import { netpol, plugin, run } from './run.js';

const hasScript = existsSync('/usr/bin/script') || existsSync('/bin/script');
const skip = hasScript ? false : 'util-linux `script` is not installed: no PTY to test the spinner on';
const objects = wireObjects([multiDir]);
const reach = ['can-reach', 'shop/web-0', 'shop/api-0', '--port', '9000'];

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface SpinnerCase {
  readonly name: string;
  readonly args: readonly string[];
  /** `stty cols` inside the PTY: 0 is what `script` gives without a size, where ora 9.4.1 would hang. */
  readonly cols: number;
  readonly spinner: boolean;
  readonly code: number;
  /** What stdout (the file) must hold. */
  readonly stdout: RegExp;
  /** What the PTY must show last (stderr then the shell's `rc=` line). */
  readonly ptyEnd: RegExp;
  /** The terminal's environment on top of {@link TERMINAL}: CI jobs and dumb terminals get no spinner. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A person's terminal, whatever the machine running the tests has: ora picks its frames from TERM
 * and its colours from FORCE_COLOR/NO_COLOR, and CI runners set CI, which must not leak into the
 * cases that expect a spinner.
 */
const TERMINAL: NodeJS.ProcessEnv = { TERM: 'xterm-256color', CI: undefined, FORCE_COLOR: undefined, NO_COLOR: undefined };

const ESC = '\\x1b';
const SHOW = `${ESC}\\[\\?25h`;
/** ora's stop: back to column 1, erase the line, show the cursor. */
const CLEARED = `${ESC}\\[1G${ESC}\\[0K${SHOW}`;
const cases: SpinnerCase[] = [
  { name: 'a terminal shows the spinner while reading, then clears it', args: reach, cols: 100, spinner: true, code: 0, stdout: /^shop\/web-0 -> shop\/api-0 on 9000\/TCP: ALLOWED\n/, ptyEnd: new RegExp(`${CLEARED}(?:${SHOW})?rc=0\\r\\n$`) },
  { name: '-o json: no spinner even on a terminal', args: [...reach, '-o', 'json'], cols: 100, spinner: false, code: 0, stdout: /^\{\n {2}"allowed": true,/, ptyEnd: /^rc=0\r\n$/ },
  { name: '-o yaml: no spinner even on a terminal', args: ['matrix', '-n', 'shop', '--port', '80', '-o', 'yaml'], cols: 100, spinner: false, code: 0, stdout: /^pods:\n/, ptyEnd: /^rc=0\r\n$/ },
  { name: 'a 0-column terminal: no spinner, and no hang', args: reach, cols: 0, spinner: false, code: 0, stdout: /ALLOWED/, ptyEnd: /^rc=0\r\n$/ },
  { name: 'a CI job (CI set) on a terminal: no spinner, no log line', args: reach, cols: 100, spinner: false, code: 0, stdout: /ALLOWED/, ptyEnd: /^rc=0\r\n$/, env: { CI: 'true' } },
  { name: 'TERM=dumb: no spinner, no log line', args: reach, cols: 100, spinner: false, code: 0, stdout: /ALLOWED/, ptyEnd: /^rc=0\r\n$/, env: { TERM: 'dumb' } },
  { name: 'an error after the spinner is one clean line', args: ['explain', 'nope', '-n', 'shop'], cols: 100, spinner: true, code: 2, stdout: /^$/, ptyEnd: new RegExp(`${CLEARED}error: networkpolicy "nope" not found in namespace shop\\r\\n(?:${SHOW})?rc=2\\r\\n$`) },
];

describe('spinner on a PTY', { concurrency: 3, skip }, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const cluster = await fakeCluster(objects, { pageSizeCap: 7 });
      cluster.server.setDelay(250);
      try {
        const out = join(cluster.dir, 'stdout');
        const cmd = [plugin, ...c.args, '--kubeconfig', cluster.kubeconfig].map(quote).join(' ');
        const inner = `stty cols ${c.cols} rows 30; ${cmd} >${quote(out)}; echo rc=$?`;
        const r = await run('script', ['-qfc', inner, '/dev/null'], { timeoutMs: 20_000, env: { ...TERMINAL, ...c.env } });
        assert.equal(r.code, 0, `script: ${r.stderr}`);
        const pty = r.stdout;
        assert.match(pty, new RegExp(`rc=${c.code}\\r\\n$`), JSON.stringify(pty));
        const spun = pty.includes(`Reading objects from ${cluster.server.url}`);
        assert.doesNotMatch(pty, /^- Reading objects/m, 'never ora\'s non-interactive log line');
        assert.equal(spun, c.spinner, JSON.stringify(pty.slice(0, 300)));
        if (c.spinner) assert.match(pty, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Reading objects/);
        assert.match(pty, c.ptyEnd, JSON.stringify(pty.slice(-200)));
        const stdout = readFileSync(out, 'utf8');
        assert.match(stdout, c.stdout);
        assert.doesNotMatch(stdout, /\x1b/, 'no escape codes in stdout');
      } finally {
        await cluster.close();
      }
    });
  }
});

test('stderr not a terminal: nothing on stderr while reading a slow cluster', async () => {
  const cluster = await fakeCluster(objects, { pageSizeCap: 7 });
  cluster.server.setDelay(250);
  try {
    const r = await netpol([...reach, '--kubeconfig', cluster.kubeconfig]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /ALLOWED/);
  } finally {
    await cluster.close();
  }
});
