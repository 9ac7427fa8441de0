/**
 * @module node/program
 * The text sent to a node: the fixed state script, and the apply program of a plan (its data in
 * variables and quoted here-documents, then the fixed steps of sh-lib.ts). Everything but the
 * last two lines only defines, so a program cut short in transit runs nothing at all, and the
 * final `exit` means sh never reads past it (the exec delivery may append a sentinel line).
 */
import { PREFIX } from './names.js';
import { hex, renderSetBlocks } from './restore.js';
import { entryCount, ruleCount, type FamilyRules } from './rule-data.js';
import { familyPlans, type FamilyPlan, type NodePlan } from './plan.js';
import { APPLY_MAIN, READ_LIB, SET_FUNCTION, STALE_EXIT, STATE_MAIN, STATUS_MAIN } from './sh-lib.js';

/** Text for a comment line: nothing that could end the line or confuse a terminal. */
function commentText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/** Single-quoted for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const TAIL = (main: string): string => [SET_FUNCTION, READ_LIB, main, 'knp_main', 'exit $?', ''].join('\n');
/** Everything after a program's data: the same for every node, so joined once, not per node. */
const APPLY_TAIL = TAIL(APPLY_MAIN);

const STATE_SCRIPT = [
  '#!/bin/sh',
  "# kubectl-netpol: reads this node's state for apply-node and changes nothing: the iptables backend",
  '# (detected as kube-proxy\'s image does; KNP_IPTABLES_MODE=legacy|nft|plain overrides it), the filter',
  '# table of IPv4 and IPv6, and the names and sizes of our ipsets.',
  '# Run on the node as root: sh -s < this-file > state.txt; then apply-node NODE --dry-run --node-state state.txt.',
  TAIL(STATE_MAIN),
].join('\n');

export function renderStateScript(): string {
  return STATE_SCRIPT;
}

const STATUS_SCRIPT = [
  '#!/bin/sh',
  "# kubectl-netpol: reads this node's state for status and changes nothing: what the state script prints",
  '# (the iptables backend, both filter tables, our ipsets), then the packet counters of our rules.',
  '# Run on the node as root: sh -s < this-file > status.txt; then status NODE --node-state status.txt.',
  TAIL(STATUS_MAIN),
].join('\n');

export function renderStatusScript(): string {
  return STATUS_SCRIPT;
}

/** A function printing `blocks` (lines, or lines joined by newlines) through a quoted here-document. */
function dataFunction(name: string, delimiter: string, blocks: readonly string[]): string[] {
  return [`${name}() {`, `cat <<'${delimiter}'`, ...blocks, delimiter, '}'];
}

function wanted(f: FamilyRules): string {
  if (!f.enforcing) return `IPv${f.family}: nothing to enforce (no isolated IPv${f.family} pod on this node): nothing installed, any of ours from an earlier apply removed`;
  return `IPv${f.family}: ${f.chains.length} chains, ${ruleCount(f)} rules, ${f.sets.length} sets (${entryCount(f)} entries)`;
}

function change(p: FamilyPlan): string {
  switch (p.kind) {
    case 'left-alone':
      return `IPv${p.family}: ${p.why}`;
    case 'unchanged':
      return `IPv${p.family}: unchanged`;
    case 'restore':
      return `IPv${p.family}: chains +${p.chains.added} -${p.chains.removed}, rules +${p.rules.added} -${p.rules.removed}${p.hookMoved ? ', jump moved back to the top of FORWARD' : ''}`;
  }
}

function header(p: NodePlan): string[] {
  const rs = p.rules;
  const run = ['# Run on the node as root: sh -s < this-file. It reads nothing from stdin.', '# KNP_IPTABLES_MODE=legacy|nft|plain overrides the iptables backend detection.'];
  // A cleanup's text names no node, so that --all --cleanup --dry-run shows one program for all.
  const what =
    p.purpose === 'cleanup'
      ? ['# kubectl-netpol: removes every chain, rule and set of ours, IPv4 and IPv6; generated, do not edit.', ...run]
      : [
          `# kubectl-netpol: NetworkPolicy rules for node ${commentText(rs.node)}; generated, do not edit.`,
          ...run,
          ...[rs.v4, rs.v6].map((f) => `# ${wanted(f)}`),
          `# Packet mark bits: egress ${hex(rs.marks.egress)}, ingress ${hex(rs.marks.ingress)} (--mark-bits ${hex(rs.marks.egress + rs.marks.ingress)}), zero again when a packet leaves our chain.`,
        ];
  const basis =
    p.state === undefined
      ? [
          `# Computed for a node that holds no chain or set of ours (${PREFIX}*, exactly as names.ts shapes them): on a`,
          `# node that does, it changes nothing and exits ${STALE_EXIT}. Compute it from the node's state instead: run`,
          '# `kubectl netpol apply-node --print-state-script` on the node, then apply-node NODE --dry-run --node-state FILE.',
        ]
      : [
          "# Computed from the node's state as read (the backend, both filter tables, our sets): when the node is no",
          `# longer in exactly that state, it changes nothing and exits ${STALE_EXIT}; read the state again and compute anew.`,
        ];
  const sets = p.sets;
  return [
    '#!/bin/sh',
    ...what,
    '# It prints a "knp-report" line per step; when a step fails, the node keeps its previous rules.',
    ...basis,
    `# Changes: ${familyPlans(p).map(change).join('; ')}; sets +${sets.created.length} -${sets.stale.length}${sets.leftAlone ? ` (${sets.leftAlone})` : ''}.`,
    '# shellcheck disable=SC2317 # the data functions below are called by name (knp_restore)',
  ];
}

function words(names: readonly string[]): string {
  return shQuote(names.join(' '));
}

/** The apply program of a plan (a cleanup plan's too). */
export function renderProgram(p: NodePlan): string {
  const restoring = familyPlans(p).filter((f) => f.kind === 'restore');
  const lines = [
    ...header(p),
    `knp_check=${p.state === undefined ? 'empty' : 'exact'}`,
    `knp_families=${words(restoring.map((f) => String(f.family)))}`,
    `knp_fill=${words(p.sets.fill.map((s) => s.name))}`,
    `knp_created=${words(p.sets.created)}`,
    `knp_stale=${words(p.sets.stale)}`,
    ...(p.state === undefined ? [] : dataFunction('knp_expected_state', 'KNP_STATE_EOF', [p.state.text])),
    ...dataFunction('knp_sets_text', 'KNP_SETS_EOF', renderSetBlocks(p.sets.fill)),
    ...restoring.flatMap((f) =>
      f.kind === 'restore'
        ? [...dataFunction(`knp_restore_${f.family}`, 'KNP_RULES_EOF', f.restore), ...dataFunction(`knp_rollback_${f.family}`, 'KNP_RULES_EOF', f.rollback)]
        : [],
    ),
  ];
  return `${lines.join('\n')}\n${APPLY_TAIL}`;
}

/**
 * The line before each node's program when apply-node --all --dry-run prints them all. A comment,
 * so the output stays sh text, but not one script to run: each program ends in `exit`, and each
 * belongs on its own node only.
 */
export function renderScriptHeading(node: string): string {
  return `# ===== node ${commentText(node)}: its script follows; run each script on its own node, never this whole output =====\n`;
}
