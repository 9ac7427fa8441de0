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
import { last, toGlobalArgs, type FamilyArg } from './global-args.js';
import { COMMAND_FLAGS, COMMANDS, GLOBAL_FLAGS } from './flags.js';
import { processOutput } from './output.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

const EXAMPLES = `Examples:
  # Explain every policy in the bundled example
  kubectl netpol explain -f examples/seed-cluster.yaml

  # May frontend-0 reach db-0 on 6379?
  kubectl netpol can-reach default/frontend-0 default/db-0 --port 6379

  # Truth table of namespace shop on two ports
  kubectl netpol matrix -n shop --port 80 --port 53/UDP

  # Print the iptables script for node-a without touching it
  kubectl netpol apply-node node-a --dry-run`;

function build(argv: string[]): { parser: Argv; exitCode: () => number } {
  let code = 0;
  const y = yargs(argv)
    .options(GLOBAL_FLAGS)
    .scriptName('kubectl netpol')
    .usage('kubectl netpol: explain, check and enforce Kubernetes NetworkPolicies.\n\nUsage: kubectl netpol <command> [flags]')
    .command(
      COMMANDS.explain.usage,
      COMMANDS.explain.describe,
      (c) => c.positional('target', { type: 'string', describe: 'POLICY, networkpolicy/NAME or pod/NAME (default: every policy in scope)' }),
      async (a) => {
        const { runExplain } = await import('./commands/explain.js');
        code = await runExplain(toGlobalArgs(a), a.target, processOutput);
      },
    )
    .command(
      COMMANDS['can-reach'].usage,
      COMMANDS['can-reach'].describe,
      (c) =>
        c
          .positional('src', { type: 'string', demandOption: true, describe: 'NAMESPACE/POD, POD (with -n) or an IP address' })
          .positional('dst', { type: 'string', demandOption: true, describe: 'NAMESPACE/POD, POD (with -n) or an IP address' })
          .options(COMMAND_FLAGS['can-reach']),
      async (a) => {
        const { runCanReach } = await import('./commands/can-reach.js');
        const ipFamily = last(a.ipFamily) as FamilyArg | undefined;
        code = await runCanReach(toGlobalArgs(a), a.src, a.dst, { port: last(a.port) ?? '', ...(ipFamily ? { ipFamily } : {}) }, processOutput);
      },
    )
    .command(
      COMMANDS.matrix.usage,
      COMMANDS.matrix.describe,
      (c) => c.options(COMMAND_FLAGS.matrix),
      async (a) => {
        const { runMatrix } = await import('./commands/matrix.js');
        const ipFamily = last(a.ipFamily) as FamilyArg | undefined;
        code = await runMatrix(toGlobalArgs(a), { ports: a.port.map(String), ...(a.selector === undefined ? {} : { selector: last(a.selector) ?? '' }), ...(ipFamily ? { ipFamily } : {}) }, processOutput);
      },
    )
    .command(
      COMMANDS['apply-node'].usage,
      COMMANDS['apply-node'].describe,
      (c) =>
        c
          .positional('node', { type: 'string', describe: 'The node name' })
          .options(COMMAND_FLAGS['apply-node']),
      async (a) => {
        const { runApplyNode } = await import('./commands/apply-node.js');
        code = await runApplyNode(toGlobalArgs(a), {
          ...(a.node === undefined ? {} : { node: a.node }),
          all: a.all,
          dryRun: a.dryRun,
          cleanup: a.cleanup,
          ...(a.image === undefined ? {} : { image: a.image }),
          helperNamespace: a.helperNamespace,
          timeout: a.timeout,
          parallel: a.parallel,
          markBits: a.markBits,
        }, processOutput);
      },
    )
    .epilogue(EXAMPLES)
    .demandCommand(1, 'Name a command: explain, can-reach, matrix or apply-node')
    .strict()
    .version(pkg.version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .check((a) => {
      // yargs takes `-n -f x` as an empty namespace; kubectl says the flag needs an argument.
      for (const flag of ['namespace', 'output', 'kubeconfig', 'context', 'request-timeout']) {
        if (a[flag] === '' || (Array.isArray(a[flag]) && (a[flag] as unknown[]).includes(''))) throw new CliError(`flag needs an argument: --${flag}`);
      }
      if ((a['filename'] as unknown[] | undefined)?.some((f) => f === '' || f === undefined)) throw new CliError('flag needs an argument: -f/--filename');
      return true;
    }, true)
    .fail((msg, err) => {
      if (err) throw err;
      throw new CliError(msg.replace(/\s*\n\s*/g, ' '));
    });
  return { parser: y, exitCode: () => code };
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  // `__complete` takes arbitrary words (the line being completed), so it must bypass strict parsing.
  if (argv[0] === '__complete') {
    const { runComplete } = await import('./commands/complete.js');
    return runComplete(argv.slice(1), processOutput);
  }
  const { parser, exitCode } = build(stdinAsValue(argv));
  try {
    await parser.parseAsync();
    return exitCode();
  } catch (err) {
    return report(err);
  }
}

/** yargs reads a lone `-` as no value; kubectl's `-f -` (stdin) must reach us as a file name. */
function stdinAsValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if ((a === '-f' || a === '--filename') && argv[i + 1] === '-') {
      out.push('--filename=-');
      i++;
    } else out.push(a);
  }
  return out;
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
