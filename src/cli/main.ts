/**
 * @module cli/main
 * The command line: yargs commands and flags, and the one top-level catch. A CliError prints one
 * `error: ...` line and exits with its code (2 for bad input); anything else is an internal error,
 * printed as one line unless KUBECTL_NETPOL_DEBUG is set. Exit 0 and 1 are the verdicts.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createRequire } from 'node:module';
import { CliError } from '../errors.js';
import { last, parseDryRun, DRY_RUN_VALUES, toGlobalArgs, type ReviewFormat, type FamilyArg } from './global-args.js';
import { COMMAND_FLAGS, COMMANDS, GLOBAL_FLAGS } from './flags.js';
import { processOutput, terminalColumns } from './output.js';
import { checkArgv } from './argv-check.js';
import type { Severity } from '../engine/lint.js';
import type { LintFormat } from './commands/lint.js';
import type { ReportFormat } from './commands/report.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** kubectl's layout: a `# what` line above each command. */
function examplesText(list: readonly (readonly [string, string])[]): string {
  return `Examples:\n${list.map(([cmd, what]) => `  # ${what}\n  kubectl netpol ${cmd}`).join('\n\n')}`;
}

/** The top-level help shows each command's first example. */
const EXAMPLES = examplesText(Object.values(COMMANDS).map((c) => c.examples[0]));

type CommandName = keyof typeof COMMANDS;

/** A command's own examples under its --help, after its flags. */
function withExamples<T>(c: Argv<T>, name: CommandName): Argv<T> {
  return c.epilogue(examplesText(COMMANDS[name].examples));
}

function build(argv: string[]): { parser: Argv; exitCode: () => number } {
  let code = 0;
  const y = yargs(argv)
    .options(GLOBAL_FLAGS)
    .scriptName('kubectl netpol')
    .usage('kubectl netpol: explain, check and enforce Kubernetes NetworkPolicies.\n\nUsage: kubectl netpol <command> [flags]')
    .command(
      COMMANDS.explain.usage,
      COMMANDS.explain.describe,
      (c) => withExamples(c.positional('target', { type: 'string', describe: 'POLICY, networkpolicy/NAME or pod/NAME (default: every policy in scope)' }), 'explain'),
      async (a) => {
        const { runExplain } = await import('./commands/explain.js');
        code = await runExplain(toGlobalArgs(a), a.target, processOutput);
      },
    )
    .command(
      COMMANDS['can-reach'].usage,
      COMMANDS['can-reach'].describe,
      (c) =>
        withExamples(
          c
            .positional('src', { type: 'string', demandOption: true, describe: 'NAMESPACE/POD, POD or pod/POD (with -n), or an IP address' })
            .positional('dst', { type: 'string', demandOption: true, describe: 'NAMESPACE/POD, POD or pod/POD (with -n), or an IP address' })
            .options(COMMAND_FLAGS['can-reach']),
          'can-reach',
        ),
      async (a) => {
        const { runCanReach } = await import('./commands/can-reach.js');
        const ipFamily = last(a.ipFamily) as FamilyArg | undefined;
        code = await runCanReach(toGlobalArgs(a), a.src, a.dst, { ports: listOf(a.port), ...(ipFamily ? { ipFamily } : {}) }, processOutput);
      },
    )
    .command(
      COMMANDS.matrix.usage,
      COMMANDS.matrix.describe,
      (c) => withExamples(c.options(COMMAND_FLAGS.matrix), 'matrix'),
      async (a) => {
        const { runMatrix } = await import('./commands/matrix.js');
        const ipFamily = last(a.ipFamily) as FamilyArg | undefined;
        const expect = last(a.expect);
        code = await runMatrix(
          toGlobalArgs(a),
          {
            ports: listOf(a.port).flatMap(splitCommas),
            ...(a.selector === undefined ? {} : { selector: last(a.selector) ?? '' }),
            ...(ipFamily ? { ipFamily } : {}),
            ...(expect === undefined ? {} : { expect }),
            format: (last(a.output) ?? 'table') as ReviewFormat,
            showDenied: a.showDenied,
          },
          processOutput,
        );
      },
    )
    .command(
      COMMANDS['apply-node'].usage,
      COMMANDS['apply-node'].describe,
      (c) => withExamples(c.positional('node', { type: 'string', describe: 'The node name' }).options(COMMAND_FLAGS['apply-node']), 'apply-node'),
      async (a) => {
        const { runApplyNode } = await import('./commands/apply-node.js');
        code = await runApplyNode(toGlobalArgs(a), {
          ...(a.node === undefined ? {} : { node: a.node }),
          all: a.all,
          dryRun: parseDryRun(a.dryRun, processOutput),
          cleanup: a.cleanup,
          ...(a.image === undefined ? {} : { image: a.image }),
          helperNamespace: a.helperNamespace,
          timeout: a.timeout,
          parallel: a.parallel,
          markBits: last(a.markBits) ?? '',
          watch: a.watch,
          debounce: last(a.debounce) ?? '',
          ...(a.nodeState === undefined ? {} : { nodeState: last(a.nodeState) ?? '' }),
          printStateScript: a.printStateScript,
        }, processOutput);
      },
    )
    .command(
      COMMANDS.status.usage,
      COMMANDS.status.describe,
      (c) => withExamples(c.positional('node', { type: 'string', describe: 'The node name' }).options(COMMAND_FLAGS.status), 'status'),
      async (a) => {
        const { runStatus } = await import('./commands/status.js');
        const nodeState = last(a.nodeState);
        code = await runStatus(toGlobalArgs(a), {
          ...(a.node === undefined ? {} : { node: a.node }),
          all: a.all,
          ...(nodeState === undefined ? {} : { nodeState }),
          printStateScript: a.printStateScript,
          ...(a.image === undefined ? {} : { image: a.image }),
          helperNamespace: a.helperNamespace,
          timeout: a.timeout,
          parallel: a.parallel,
          markBits: last(a.markBits) ?? '',
        }, processOutput);
      },
    )
    .command(
      COMMANDS.diff.usage,
      COMMANDS.diff.describe,
      (c) =>
        withExamples(
          c
            .positional('before', { type: 'string', describe: 'A file or folder of manifests (- for stdin): the cluster before' })
            .positional('after', { type: 'string', describe: 'The cluster after; with --cluster, the files laid over the live cluster' })
            .options(COMMAND_FLAGS.diff),
          'diff',
        ),
      async (a) => {
        const { runDiff } = await import('./commands/diff.js');
        const format = (last(a.output) ?? 'table') as ReviewFormat;
        const paths = [a.before, a.after].filter((p): p is string => p !== undefined);
        code = await runDiff(toGlobalArgs(a), { paths, format }, processOutput);
      },
    )
    .command(
      COMMANDS.lint.usage,
      COMMANDS.lint.describe,
      (c) => withExamples(c.positional('policy', { type: 'string', describe: 'One NetworkPolicy (default: every policy in scope)' }).options(COMMAND_FLAGS.lint), 'lint'),
      async (a) => {
        const { runLint } = await import('./commands/lint.js');
        const policy = a.policy;
        code = await runLint(toGlobalArgs(a), {
          ...(policy === undefined ? {} : { policy }),
          failOn: (last(a.failOn) ?? 'warning') as Severity,
          format: (last(a.output) ?? 'table') as LintFormat,
        }, processOutput);
      },
    )
    .command(
      COMMANDS.report.usage,
      COMMANDS.report.describe,
      (c) => withExamples(c.options(COMMAND_FLAGS.report), 'report'),
      async (a) => {
        const { runReport } = await import('./commands/report.js');
        code = await runReport(toGlobalArgs(a), (last(a.output) ?? 'html') as ReportFormat, processOutput);
      },
    )
    .command(
      COMMANDS.agent.usage,
      COMMANDS.agent.describe,
      (c) => withExamples(c.options(COMMAND_FLAGS.agent), 'agent'),
      async (a) => {
        const { runAgent } = await import('./commands/agent.js');
        const node = last(a.node);
        const image = last(a.image);
        code = await runAgent(toGlobalArgs(a), {
          ...(node === undefined ? {} : { node }),
          printManifest: a.printManifest,
          ...(image === undefined ? {} : { image }),
          debounce: last(a.debounce) ?? '',
          markBits: last(a.markBits) ?? '',
        }, processOutput);
      },
    )
    .epilogue(EXAMPLES)
    .demandCommand(1, 'Name a command: explain, can-reach, matrix, apply-node, status, diff, lint, report or agent')
    .strict()
    .version(pkg.version)
    .help()
    .alias('h', 'help')
    // yargs lays out the whole help text after every command's handler starts (to cache it), some
    // 40 ms of word wrapping on a 2-core machine; without wrapping that layout is nearly free. Help is
    // only ever shown for --help/-h (failures are our one-line errors), so only then is it wrapped.
    .wrap(asksForHelp(argv) ? Math.min(110, terminalColumns(process.stdout, process.env) ?? 100) : null)
    .check((a) => {
      // yargs takes `-n -f x` as an empty namespace; kubectl says the flag needs an argument.
      for (const flag of ['namespace', 'output', 'kubeconfig', 'context', 'request-timeout']) {
        if (a[flag] === '' || (Array.isArray(a[flag]) && (a[flag] as unknown[]).includes(''))) throw new CliError(`flag needs an argument: --${flag}`);
      }
      if (listOf(a['filename']).some((f) => f === '')) throw new CliError('flag needs an argument: -f/--filename');
      return true;
    }, true)
    .fail((msg, err) => {
      if (err) throw err;
      const missing = /^Missing required arguments?: (.*)$/.exec(msg);
      if (missing) throw new CliError(`required flag(s) ${(missing[1] ?? '').split(', ').map((f) => `"${f}"`).join(', ')} not set`);
      throw new CliError(msg.replace(/\s*\n\s*/g, ' '));
    });
  return { parser: y, exitCode: () => code };
}

/** Whether the words ask for help: only then is the help text laid out to the terminal's width. */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((w) => w === '--help' || w === '-h');
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  // `__complete` takes arbitrary words (the line being completed), so it must bypass strict parsing.
  if (argv[0] === '__complete') {
    const { runComplete } = await import('./commands/complete.js');
    return runComplete(argv.slice(1), processOutput);
  }
  try {
    const words = normalizeArgv(argv);
    checkArgv(words);
    const { parser, exitCode } = build(words);
    await parser.parseAsync();
    return exitCode();
  } catch (err) {
    return report(err);
  }
}

/**
 * Words yargs would misread, rewritten as kubectl means them: `-f -` (stdin; yargs reads a lone `-`
 * as no value), and `--dry-run` alone (kubectl's `--dry-run=client`: the next word is the NODE, not
 * its value, unless it is one of the values).
 */
function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if ((a === '-f' || a === '--filename') && argv[i + 1] === '-') {
      out.push('--filename=-');
      i++;
    } else if (a === '--dry-run') {
      const next = argv[i + 1];
      const value = next !== undefined && (DRY_RUN_VALUES as readonly string[]).includes(next) ? next : 'client';
      if (value === next) i++;
      out.push(`--dry-run=${value}`);
    } else out.push(a);
  }
  return out;
}

/** A flag given once or repeated, as a list. */
function listOf(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function splitCommas(v: string): string[] {
  return v.split(',').filter((p) => p !== '');
}

export function report(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: internal error: ${message.split('\n')[0] ?? ''}\n`);
  if (process.env['KUBECTL_NETPOL_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return 2;
}
