/**
 * @module node/script
 * The scripts run on a node with `sh -s`: one that installs a RuleSet, one that removes everything
 * of ours. The data (sets, rules, the names to expect) sits in here-documents and variables at the
 * top; the steps are the fixed text of script-lib.ts. The whole body is function definitions until
 * the last two lines, so a script cut short in transit runs nothing at all, and the final `exit`
 * means sh never reads past it (the exec delivery may append a sentinel line).
 */
import { CHAIN_GLOBS, FORWARD_CHAIN, INPUT_CHAIN, PREFIX, SET_GLOBS } from './names.js';
import { hex, hookSpec, renderChainBlocks, renderSetBlocks } from './restore.js';
import { entryCount, ruleCount, type FamilyRules, type RuleSet } from './rule-data.js';
import { APPLY_MAIN, CLEANUP_MAIN, SHELL_LIB } from './script-lib.js';

/** Text for a comment line: nothing that could end the line or confuse a terminal. */
function commentText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/** Single-quoted for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const COMMON_VARS: readonly string[] = [
  `knp_prefix=${shQuote(PREFIX)}`,
  `knp_hook_fwd_spec=${shQuote(hookSpec(FORWARD_CHAIN))}`,
  // Only ever removed: the INPUT jump of earlier versions (names.INPUT_CHAIN).
  `knp_hook_in_spec=${shQuote(hookSpec(INPUT_CHAIN))}`,
];

/**
 * Functions telling our names from everyone else's, by their exact shapes (names.ts): a foreign
 * KNP-ADMIN chain or KNP-blocklist set is not ours to flush, delete or destroy.
 */
const NAME_FUNCTIONS: readonly string[] = [
  'knp_is_chain() {',
  `  case $1 in ${CHAIN_GLOBS.join(' | ')}) return 0 ;; esac`,
  '  return 1',
  '}',
  'knp_is_set() {',
  `  case $1 in ${SET_GLOBS.join(' | ')}) return 0 ;; esac`,
  '  return 1',
  '}',
  '# The rules of our chains among iptables-save lines.',
  'knp_grep_rules() {',
  `  grep ${CHAIN_GLOBS.map((g) => shQuote(`^-A ${g} `)).map((p) => `-e ${p}`).join(' ')}`,
  '}',
];

/** Everything after an apply script's data: the same for every node, so joined once, not per node. */
const APPLY_TAIL = [...NAME_FUNCTIONS, SHELL_LIB.trimEnd(), APPLY_MAIN.trimEnd(), 'knp_main', 'exit $?', ''].join('\n');

/** A function printing `lines` through a quoted here-document (no expansion inside). */
function dataFunction(name: string, delimiter: string, lines: readonly string[]): string[] {
  return [`${name}() {`, `cat <<'${delimiter}'`, ...lines, delimiter, '}'];
}

function familyVars(f: FamilyRules): string[] {
  const n = f.family;
  return [
    `knp_want_chains_${n}=${shQuote(f.chains.map((c) => c.name).join(' '))}`,
    `knp_rule_count_${n}=${ruleCount(f) - f.hooks.length}`,
    `knp_enforcing_${n}=${f.enforcing ? 1 : 0}`,
  ];
}

function summary(f: FamilyRules): string {
  if (!f.enforcing) return `IPv${f.family}: nothing to enforce (no isolated IPv${f.family} pod on this node): nothing installed, any of ours from an earlier apply removed`;
  return `IPv${f.family}: ${f.chains.length} chains, ${ruleCount(f)} rules, ${f.sets.length} sets (${entryCount(f)} entries)`;
}

export function renderApplyScript(rs: RuleSet): string {
  const families = [rs.v4, rs.v6];
  const sets = families.flatMap((f) => f.sets);
  const setText = renderSetBlocks(sets);
  const lines = [
    '#!/bin/sh',
    `# kubectl-netpol: NetworkPolicy rules for node ${commentText(rs.node)}; generated, do not edit.`,
    '# Run on the node as root: sh -s < this-file. It reads nothing from stdin.',
    '# KNP_IPTABLES_MODE=legacy|nft|plain overrides the iptables backend detection.',
    ...families.map((f) => `# ${summary(f)}`),
    `# Packet mark bits: egress ${hex(rs.marks.egress)}, ingress ${hex(rs.marks.ingress)} (--mark-bits ${hex(rs.marks.egress + rs.marks.ingress)}), zero again when a packet leaves our chain.`,
    `knp_node=${shQuote(rs.node)}`,
    ...COMMON_VARS,
    ...families.flatMap(familyVars),
    `knp_want_sets=${shQuote(sets.map((s) => s.name).join(' '))}`,
    `knp_set_entries=${sets.reduce((n, s) => n + s.entries.length, 0)}`,
    ...dataFunction('knp_sets_text', 'KNP_SETS_EOF', setText),
    ...families.flatMap((f) => dataFunction(`knp_rules_${f.family}`, 'KNP_RULES_EOF', renderChainBlocks(f))),
  ];
  return `${lines.join('\n')}\n${APPLY_TAIL}`;
}

/** The cleanup script names no node and no rule set: one text for every node and every call. */
const CLEANUP_SCRIPT = [
  '#!/bin/sh',
  '# kubectl-netpol: removes every chain, rule and set of ours, IPv4 and IPv6: chains and sets whose',
  `# names have the exact shapes of ours (see knp_is_chain, knp_is_set; not just any ${PREFIX}*), and`,
  '# rules elsewhere whose target is one of our chains.',
  '# Run on the node as root: sh -s < this-file. It reads nothing from stdin; running it twice is fine.',
  '# KNP_IPTABLES_MODE=legacy|nft|plain overrides the iptables backend detection.',
  ...COMMON_VARS,
  ...NAME_FUNCTIONS,
  SHELL_LIB.trimEnd(),
  CLEANUP_MAIN.trimEnd(),
  'knp_main',
  'exit $?',
  '',
].join('\n');

export function renderCleanupScript(): string {
  return CLEANUP_SCRIPT;
}

/**
 * The line before each node's script when apply-node --all --dry-run prints them all. A comment,
 * so the output stays sh text, but not one script to run: each script ends in `exit`, and each
 * belongs on its own node only.
 */
export function renderScriptHeading(node: string): string {
  return `# ===== node ${commentText(node)}: its script follows; run each script on its own node, never this whole output =====\n`;
}
