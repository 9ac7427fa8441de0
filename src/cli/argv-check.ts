/**
 * @module cli/argv-check
 * kubectl's errors for words it does not know, checked before yargs parses: yargs reports a missing
 * required flag before an unknown one (`--prot 80` became "Missing required argument: port") and
 * names unknown words without their dashes. Here an unknown command or flag is one line, in
 * kubectl's wording, with the close match when there is one.
 */
import { CliError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { COMMAND_FLAGS, COMMANDS, flagInfos, GLOBAL_FLAGS, type FlagInfo } from './flags.js';

const BUILTIN: FlagInfo[] = [
  { spellings: ['--help', '-h'], takesValue: false },
  { spellings: ['--version'], takesValue: false },
];
const GLOBAL = [...flagInfos(GLOBAL_FLAGS), ...BUILTIN];
const COMMAND_NAMES = Object.keys(COMMANDS);

function flagsOf(command: string | undefined): FlagInfo[] {
  const own = command !== undefined && command in COMMAND_FLAGS ? flagInfos(COMMAND_FLAGS[command as keyof typeof COMMAND_FLAGS]) : [];
  return [...own, ...GLOBAL];
}

/** The command named: the first word that is neither a flag nor a flag's value. */
function findCommand(argv: readonly string[]): string | undefined {
  const valueFlags = new Set(GLOBAL.filter((f) => f.takesValue).flatMap((f) => f.spellings));
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] ?? '';
    if (w === '--') return undefined;
    if (!w.startsWith('-') || w === '-') return w;
    if (valueFlags.has(w)) i++;
  }
  return undefined;
}

/** Throws kubectl's error for the first unknown command or flag; returns the command named, if any. */
export function checkArgv(argv: readonly string[]): string | undefined {
  const command = findCommand(argv);
  if (command !== undefined && !COMMAND_NAMES.includes(command)) {
    throw new CliError(`unknown command "${command}" for "kubectl netpol"${didYouMean(command, COMMAND_NAMES)}`);
  }
  const flags = flagsOf(command);
  const bySpelling = new Map(flags.flatMap((f) => f.spellings.map((s) => [s, f] as const)));
  const longs = flags.flatMap((f) => f.spellings.filter((s) => s.startsWith('--')));
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] ?? '';
    if (w === '--') break;
    if (w.startsWith('--')) {
      const name = w.includes('=') ? w.slice(0, w.indexOf('=')) : w;
      const info = bySpelling.get(name) ?? negated(bySpelling, name);
      if (info === undefined) throw new CliError(`unknown flag: ${name}${didYouMean(name, longs, (s) => s)}`);
      if (info.takesValue && !w.includes('=') && !info.optionalValue) i++;
    } else if (w.startsWith('-') && w !== '-') {
      i += checkShorthands(w, bySpelling) ? 1 : 0;
    }
  }
  return command;
}

/** `--no-cluster` is yargs' negation of a boolean flag. */
function negated(bySpelling: ReadonlyMap<string, FlagInfo>, name: string): FlagInfo | undefined {
  if (!name.startsWith('--no-')) return undefined;
  const info = bySpelling.get(`--${name.slice('--no-'.length)}`);
  return info !== undefined && !info.takesValue ? info : undefined;
}

/**
 * `-Ao json` is `-A -o json`, as pflag reads it: each letter a known shorthand, and the first one
 * that takes a value ends the group (the rest of the word, or else the next word, is its value).
 * Returns whether the next word is that value.
 */
function checkShorthands(word: string, bySpelling: ReadonlyMap<string, FlagInfo>): boolean {
  const letters = word.slice(1);
  for (let k = 0; k < letters.length; k++) {
    const ch = letters[k] ?? '';
    if (ch === '=') return false;
    const info = bySpelling.get(`-${ch}`);
    if (info === undefined) throw new CliError(`unknown shorthand flag: '${ch}' in ${word}`);
    if (info.takesValue) return k === letters.length - 1 && !info.optionalValue;
  }
  return false;
}
