// The README's console examples and the examples' own header comments run as written: each
// offline command (every -f file in the repository) is run through a shell with the plugin on
// PATH and the real kubectl hosting it, and its output must be exactly what the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo, run } from './run.js';

interface Example {
  readonly where: string;
  readonly command: string;
  /** The output shown under it; undefined where none is (a header comment). */
  readonly output?: string;
}

/** The files a command reads: each -f, and diff's BEFORE and AFTER (comma-separated lists). */
function filesOf(command: string): string[] {
  const diff = /^kubectl netpol diff\s+(\S+)\s+(\S+)/.exec(command);
  const sides = diff === null ? [] : [diff[1] ?? '', diff[2] ?? ''].flatMap((s) => s.split(','));
  return [...[...command.matchAll(/(?:^|\s)-f\s+(\S+)/g)].map((m) => m[1] ?? ''), ...sides];
}

/** `$ kubectl netpol ...` lines of ```console blocks, each with the lines up to the next `$ ` or the block's end. */
function readmeExamples(): Example[] {
  const lines = readFileSync(join(repo, 'README.md'), 'utf8').split('\n');
  const out: Example[] = [];
  let inConsole = false;
  let current: { where: string; command: string; output: string[] } | undefined;
  const flush = (): void => {
    if (current) out.push({ where: current.where, command: current.command, output: `${current.output.join('\n').replace(/\n+$/, '')}\n` });
    current = undefined;
  };
  lines.forEach((line, i) => {
    if (line.startsWith('```')) {
      flush();
      inConsole = line === '```console';
      return;
    }
    if (!inConsole) return;
    if (line.startsWith('$ ')) {
      flush();
      if (line.startsWith('$ kubectl netpol ')) current = { where: `README.md:${i + 1}`, command: line.slice(2), output: [] };
    } else current?.output.push(line);
  });
  return out;
}

function headerExamples(): Example[] {
  const dir = join(repo, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => {
          const m = /^#\s+(kubectl netpol .*)$/.exec(line);
          return m ? [{ where: `examples/${f}:${i + 1}`, command: (m[1] ?? '').trim() }] : [];
        }),
    );
}

const offline = (e: Example): boolean => !/--cluster|--kubeconfig|--context/.test(e.command) && filesOf(e.command).length > 0 && filesOf(e.command).every((f) => existsSync(join(repo, f)));
const examples = [...readmeExamples(), ...headerExamples()];

test('docs: the README and the examples hold offline commands to run', () => {
  assert.ok(examples.filter(offline).length >= 8, examples.map((e) => e.command).join('\n'));
  assert.ok(headerExamples().length >= 2);
});

for (const e of examples.filter(offline)) {
  test(`docs: ${e.where}: ${e.command}`, async () => {
    const r = await run('sh', ['-c', e.command], { cwd: repo });
    // 1 is an answer, not a failure, for can-reach (denied), diff (connectivity changed) and lint (findings).
    assert.ok(r.code === 0 || (r.code === 1 && / (can-reach|diff|lint) /.test(e.command)), `exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    if (e.output !== undefined) assert.equal(r.stdout, e.output);
    else assert.notEqual(r.stdout, '');
  });
}
