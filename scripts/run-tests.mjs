#!/usr/bin/env node
// Runs every compiled test file under dist/test with node:test and the TAP reporter, so that CI
// reads the closing "# pass N" / "# fail N" lines. Node 20 does not expand globs and, given no
// argument, finds only .js files at default paths, so the files are listed here; a run that finds
// no test fails instead of passing silently.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../dist/test/', import.meta.url).pathname;
const only = process.argv.slice(2);
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
let files = walk(root);
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did tsc run?)');
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=3', '--test-reporter=tap', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const m = /^# tests (\d+)/m.exec(tail);
  if (!m || Number(m[1]) === 0) {
    console.error('run-tests: no test ran');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
