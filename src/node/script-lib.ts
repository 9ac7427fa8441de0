/**
 * @module node/script-lib
 * The fixed part of the node scripts, in POSIX sh (dash). It needs only sh built-ins, iptables*-save,
 * iptables*-restore and ipset (grep and sleep when present, for the summary, a rollback and
 * retries): the distroless-iptables image has no sed, awk, sort or head. No command reads the
 * script's own stdin (it is the script: `sh -s`), so every one gets a here-document, a pipe or
 * /dev/null.
 * Variables and functions come from script.ts: knp_prefix (a quick filter only, never enough to
 * call a name ours), knp_hook_fwd_spec, knp_hook_in_spec (the INPUT jump of earlier versions, only
 * ever removed: INPUT is not hooked any more), knp_is_chain, knp_is_set,
 * knp_grep_rules, and for the apply script knp_node, knp_want_chains_4/6, knp_rule_count_4/6,
 * knp_enforcing_4/6, knp_want_sets, knp_set_entries, knp_sets_text, knp_rules_4/6. A family with
 * nothing to enforce has no chain in knp_want_chains_N: the apply takes away what an earlier one
 * left there and otherwise does not touch that family's table at all.
 */

/** Shared helpers: logging, backend detection (as kube-proxy's iptables-wrapper), reading our state. */
export const SHELL_LIB = `nl='
'
knp_log() { printf 'knp: %s\\n' "$*"; }
knp_err() { printf 'knp: error: %s\\n' "$*" >&2; }
knp_warn() { printf 'knp: warning: %s\\n' "$*" >&2; }
knp_has() { command -v "$1" >/dev/null 2>&1; }
knp_in() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

knp_count_lines() {
  knp_n=0
  while IFS= read -r knp_l; do knp_n=$((knp_n + 1)); done
  echo "$knp_n"
}

knp_count_rules() {
  knp_n=0
  while IFS= read -r knp_l; do
    case $knp_l in '-A '*) knp_n=$((knp_n + 1)) ;; esac
  done
  echo "$knp_n"
}

# Whether the iptables-save text on stdin declares one of the chains kubelet creates in the
# backend it uses (the same hint kube-proxy's iptables-wrapper trusts first).
knp_has_marker() {
  knp_found=1
  while IFS= read -r knp_l; do
    case $knp_l in ':KUBE-IPTABLES-HINT '* | ':KUBE-KUBELET-CANARY '*) knp_found=0 ;; esac
  done
  return "$knp_found"
}

# Reading a legacy table that does not exist creates it (empty, for good: it then makes
# iptables-nft-save warn about legacy tables, and outlives our cleanup). So a legacy table is
# read only when the kernel lists it in /proc/net/ip_tables_names (ip6_tables_names for
# ip6tables); no such file means no legacy table at all.
knp_legacy_names() {
  case $1 in
    iptables) knp_names=/proc/net/ip_tables_names ;;
    *) knp_names=/proc/net/ip6_tables_names ;;
  esac
  if [ -r "$knp_names" ]; then
    while IFS= read -r knp_l; do printf '%s\\n' "$knp_l"; done <"$knp_names"
  fi
}

# Whether legacy table $2 of $1 (iptables or ip6tables) exists.
knp_legacy_has() {
  for knp_tb in $(knp_legacy_names "$1" 2>/dev/null); do
    if [ "$knp_tb" = "$2" ]; then return 0; fi
  done
  return 1
}

# iptables-save text of every existing legacy table of $1 (iptables or ip6tables).
knp_legacy_save() {
  for knp_tb in $(knp_legacy_names "$1" 2>/dev/null); do
    "$1-legacy-save" -t "$knp_tb" </dev/null 2>/dev/null
  done
}

# Whether family $1's filter table may hold something of ours: false only when it certainly does
# not exist, which is found out without creating it. Reading an absent nft table creates nothing
# (iptables-nft-save prints its built-in chains, empty), so nft always may; a legacy table may
# only when the kernel lists it. The plain commands name their backend in --version (iptables
# 1.8 on; older ones are all legacy). Needs knp_mode (knp_pick_backend).
knp_may_have_table() {
  case $1 in
    4) knp_tp=iptables ;;
    *) knp_tp=ip6tables ;;
  esac
  case $knp_mode in
    nft) return 0 ;;
    legacy) ;;
    *)
      eval "knp_sv=\\$knp_save_$1"
      case $("$knp_sv" --version </dev/null 2>/dev/null) in *nf_tables*) return 0 ;; esac
      ;;
  esac
  knp_legacy_has "$knp_tp" filter
}

# The backend the host uses, when both are installed: kubelet's marker chains, else the one with
# more rules (legacy only when it has strictly more, as the wrapper decides).
knp_detect_mode() {
  for knp_m in nft legacy; do
    for knp_t in iptables ip6tables; do
      if [ "$knp_m" = legacy ] && ! knp_legacy_has "$knp_t" mangle; then continue; fi
      if "$knp_t-$knp_m-save" -t mangle </dev/null 2>/dev/null | knp_has_marker; then
        echo "$knp_m"
        return 0
      fi
    done
  done
  knp_legacy=$({ knp_legacy_save iptables; knp_legacy_save ip6tables; } </dev/null 2>/dev/null | knp_count_rules)
  knp_nft=$({ iptables-nft-save; ip6tables-nft-save; } </dev/null 2>/dev/null | knp_count_rules)
  if [ "$knp_legacy" -gt "$knp_nft" ]; then echo legacy; else echo nft; fi
}

knp_pick_backend() {
  knp_mode=\${KNP_IPTABLES_MODE:-}
  knp_how='set by KNP_IPTABLES_MODE'
  if [ -z "$knp_mode" ]; then
    knp_how=detected
    if knp_has iptables-legacy-save && knp_has iptables-nft-save; then
      knp_mode=$(knp_detect_mode)
    elif knp_has iptables-nft-save; then
      knp_mode=nft
    elif knp_has iptables-legacy-save; then
      knp_mode=legacy
    else
      knp_mode=plain
    fi
  fi
  case $knp_mode in
    legacy | nft) knp_sfx=-$knp_mode ;;
    plain) knp_sfx= ;;
    *)
      knp_err "KNP_IPTABLES_MODE must be legacy, nft or plain, not '$knp_mode'"
      return 2
      ;;
  esac
  knp_save_4=iptables$knp_sfx-save
  knp_restore_4=iptables$knp_sfx-restore
  knp_save_6=ip6tables$knp_sfx-save
  knp_restore_6=ip6tables$knp_sfx-restore
  knp_log "iptables backend: $knp_mode ($knp_how)"
}

# The flags telling iptables-restore $1 to wait for the xtables lock, which the legacy backend
# takes for the whole restore and a concurrent kube-proxy or CNI sync may hold: up to 10 s, with
# -w as kube-proxy passes it (without -w, older releases fail at once on a held lock; 1.8.9
# waits anyway). A restore older than -w (1.6.2) is told apart once, by --help, which takes no
# lock. The nft backend takes no lock (a restore is one kernel transaction) and accepts -w as a
# no-op; iptables-save takes no lock and rejects -w, so it is called without.
knp_wait_flags() {
  if "$1" -w 10 --help </dev/null >/dev/null 2>&1; then
    echo '-w 10'
  else
    knp_warn "$1 does not accept -w: if another program holds the xtables lock, this run fails"
  fi
}

# Reads our part of one family's filter table (save command in $1) into the variables below; on
# failure it says why, or with $2 "quiet" only sets knp_scan_error to that.
#   knp_chains     our chain names (knp_is_chain)    knp_nrules  how many rules our chains hold
#   knp_rules      those rules, one a line (only with grep, for the summary and a rollback: a
#                  shell loop that appends line by line is quadratic, far too slow for thousands)
#   knp_refs       rules of other chains whose target is one of ours (the hooks among them)
#   knp_drop_refs  those of them that are not hooks (stray jumps, to delete)
#   knp_hooks_fwd, knp_hooks_in  the FORWARD/INPUT rules that are exactly our hook (INPUT's
#                  from an earlier version: there is none to install now); knp_hook_fwd,
#                  knp_hook_in  their counts
#   knp_hook_fwd_first, knp_hook_in_first  1 when the first rule of FORWARD/INPUT is a hook, else 0
knp_scan() {
  # stderr stays out of the text we parse: iptables-nft-save warns there ("# Warning:
  # iptables-legacy tables present, ...") when legacy tables exist, and mixed into stdout the
  # warning lands in the middle of a rule line. On failure a second run fetches the message.
  knp_out=$("$1" -t filter </dev/null 2>/dev/null) || {
    knp_out=$("$1" -t filter </dev/null 2>&1 >/dev/null)
    knp_scan_error="$1 -t filter failed: $knp_out"
    if [ "\${2:-}" != quiet ]; then knp_err "$knp_scan_error"; fi
    return 1
  }
  knp_chains=
  knp_nrules=0
  knp_refs=
  knp_drop_refs=
  knp_hooks_fwd=
  knp_hooks_in=
  knp_hook_fwd=0
  knp_hook_in=0
  knp_first_fwd=
  knp_first_in=
  while IFS= read -r knp_l; do
    case $knp_l in
      "-A FORWARD "*) if [ -z "$knp_first_fwd" ]; then knp_first_fwd=$knp_l; fi ;;
      "-A INPUT "*) if [ -z "$knp_first_in" ]; then knp_first_in=$knp_l; fi ;;
    esac
    # Only a line naming something like ours needs a closer look.
    case $knp_l in *"$knp_prefix"*) ;; *) continue ;; esac
    case $knp_l in
      :*)
        knp_c=\${knp_l#:}
        knp_c=\${knp_c%% *}
        if knp_is_chain "$knp_c"; then knp_chains="$knp_chains $knp_c"; fi
        ;;
      "-A FORWARD $knp_hook_fwd_spec")
        knp_refs="$knp_refs$knp_l$nl"
        knp_hooks_fwd="$knp_hooks_fwd$knp_l$nl"
        knp_hook_fwd=$((knp_hook_fwd + 1))
        ;;
      "-A INPUT $knp_hook_in_spec")
        knp_refs="$knp_refs$knp_l$nl"
        knp_hooks_in="$knp_hooks_in$knp_l$nl"
        knp_hook_in=$((knp_hook_in + 1))
        ;;
      "-A "*)
        knp_c=\${knp_l#-A }
        knp_c=\${knp_c%% *}
        if knp_is_chain "$knp_c"; then
          knp_nrules=$((knp_nrules + 1))
        else
          # Another chain's rule is ours only when its target is one of our chains. iptables-save
          # prints the target last and quotes a comment, so a name inside a comment is never the
          # last word after " -j " or " -g ".
          knp_t=\${knp_l##* }
          case $knp_l in
            *" -j $knp_t" | *" -g $knp_t")
              if knp_is_chain "$knp_t"; then
                knp_refs="$knp_refs$knp_l$nl"
                knp_drop_refs="$knp_drop_refs$knp_l$nl"
              fi
              ;;
          esac
        fi
        ;;
    esac
  done <<KNP_SCAN_EOF
$knp_out
KNP_SCAN_EOF
  knp_hook_fwd_first=0
  if [ "$knp_first_fwd" = "-A FORWARD $knp_hook_fwd_spec" ]; then knp_hook_fwd_first=1; fi
  knp_hook_in_first=0
  if [ "$knp_first_in" = "-A INPUT $knp_hook_in_spec" ]; then knp_hook_in_first=1; fi
  knp_rules=
  if [ "$knp_nrules" -gt 0 ] && knp_has grep; then
    knp_rules="$(printf '%s\\n' "$knp_out" | knp_grep_rules)$nl"
  fi
}

# \`-D\` lines removing the rules listed in $1 (iptables-save lines).
knp_delete_lines() {
  printf '%s' "$1" | while IFS= read -r knp_l; do
    printf '%s\\n' "-D \${knp_l#-A }"
  done
}

# How many lines of $1 are not in $2 ('?' without grep).
knp_missing() {
  if [ -z "$1" ] || [ "$1" = "$2" ]; then
    echo 0
  elif [ -z "$2" ]; then
    printf '%s' "$1" | knp_count_lines
  else
    knp_k=
    if knp_has grep; then
      knp_k=$(printf '%s' "$1" | grep -cvxF -f /dev/fd/3 3<<KNP_DIFF_EOF 2>/dev/null
$2
KNP_DIFF_EOF
)
    fi
    echo "\${knp_k:-?}"
  fi
}

knp_words() {
  set -- $1
  echo "$#"
}

# The words of $1 that are not in $2, one a line (grep when it can, a shell loop otherwise).
knp_words_not_in() {
  if [ "$(knp_words "$1")" -eq 0 ]; then return 0; fi
  if [ "$(knp_words "$2")" -gt 0 ] && knp_has grep && [ -e /dev/fd/3 ] 3</dev/null; then
    printf '%s\\n' $1 | grep -vxF -f /dev/fd/3 3<<KNP_WORDS_EOF
$(printf '%s\\n' $2)
KNP_WORDS_EOF
    return 0
  fi
  for knp_w in $1; do knp_in "$knp_w" "$2" || printf '%s\\n' "$knp_w"; done
}

# How many words of $1 are not in $2.
knp_missing_words() {
  knp_words "$(knp_words_not_in "$1" "$2")"
}

# Our sets, one per line.
knp_our_sets() {
  knp_out=$(ipset list -n </dev/null 2>&1) || {
    knp_err "ipset list failed: $knp_out"
    return 1
  }
  printf '%s\\n' "$knp_out" | while IFS= read -r knp_l; do
    if knp_is_set "$knp_l"; then printf '%s\\n' "$knp_l"; fi
  done
}

# A set can be destroyed only once no rule refers to it; with the nft backend the kernel drops the
# references of deleted rules a little after the commit, hence the retries.
knp_destroy_set() {
  knp_try=0
  while :; do
    knp_msg=$(ipset destroy "$1" </dev/null 2>&1) && return 0
    knp_try=$((knp_try + 1))
    if [ "$knp_try" -ge "\${2:-20}" ]; then
      knp_warn "could not destroy set $1 (a rule outside ours may still use it): $knp_msg"
      return 1
    fi
    sleep 0.25 2>/dev/null || sleep 1
  done
}
`;

/** The apply steps: sets, dry run, one restore per family, stale sets, check and summary. */
export const APPLY_MAIN = `# Prints family $1's iptables-restore input; needs knp_scan of that family just before. Our chains
# are declared (which flushes just them), stale ones of ours too, so that they can be deleted in
# the same transaction once nothing refers to them. A family with nothing to enforce wants no
# chain: every one of ours is stale and no jump is inserted, which is what the cleanup does.
knp_apply_input() {
  eval "knp_want=\\$knp_want_chains_$1"
  knp_stale=$(knp_words_not_in "$knp_chains" "$knp_want")
  printf '*filter\\n'
  for knp_c in $knp_want $knp_stale; do printf ':%s - [0:0]\\n' "$knp_c"; done
  knp_delete_lines "$knp_drop_refs"
  # Our jump becomes the first rule of FORWARD on every run, wherever it was: a host rule above it
  # that ACCEPTs (a CNI's "-s POD-CIDR -j ACCEPT", kube-proxy's KUBE-FORWARD) would let denied
  # traffic through. Every copy is deleted by its exact text (-D removes the first match, so one
  # -D a copy) and one inserted at 1, in this one transaction: there is no moment without the
  # jump, and a rule inserted above ours since the scan ends up below it all the same.
  knp_delete_lines "$knp_hooks_fwd"
  if [ -n "$knp_want" ]; then printf '%s\\n' "-I FORWARD 1 $knp_hook_fwd_spec"; fi
  # An INPUT jump is an earlier version's (what pods send to their node is always allowed now):
  # it goes, and its chain KNP-INPUT, stale, is deleted below.
  knp_delete_lines "$knp_hooks_in"
  "knp_rules_$1"
  for knp_c in $knp_stale; do printf '%s\\n' "-X $knp_c"; done
  printf 'COMMIT\\n'
}

# One iptables-restore of family $1 ($2: --test for a dry run); all or nothing.
knp_restore_family() {
  eval "knp_save=\\$knp_save_$1 knp_restore=\\$knp_restore_$1 knp_wait=\\$knp_wait_$1"
  knp_scan "$knp_save" || return 1
  knp_out=$(knp_apply_input "$1" | "$knp_restore" $knp_wait --noflush $2 2>&1) || {
    knp_err "$knp_restore $knp_wait --noflush $2 failed for IPv$1: $knp_out"
    return 1
  }
  # What the summary reports as moved: jumps that were there but below some other rule (and stay).
  knp_mv=
  eval "knp_want=\\$knp_want_chains_$1"
  if [ -n "$knp_want" ]; then
    if [ "$knp_hook_fwd" -gt 0 ] && [ "$knp_hook_fwd_first" -ne 1 ]; then knp_mv="$knp_mv FORWARD"; fi
  fi
  eval "knp_moved_$1=\\$knp_mv"
}

# After a failure: destroy the sets this run created. ipset refuses to destroy a set a rule still
# uses, so a set the new rules of a swapped family that could not be put back refer to stays. $1
# "wait" after a rollback: the new rules referred to these sets until just now, and the nft backend
# drops those references a little after the commit (knp_destroy_set retries, so only on sets that
# exist); otherwise no rule ever referred to them and one quiet try is enough.
knp_drop_created() {
  if [ -z "$knp_created" ]; then return 0; fi
  if [ "\${1:-}" = wait ]; then
    knp_now=$(knp_our_sets) || return 0
    for knp_s in $knp_created; do
      if knp_in "$knp_s" "$(echo $knp_now)"; then knp_destroy_set "$knp_s" || true; fi
    done
    return 0
  fi
  for knp_s in $knp_created; do ipset destroy "$knp_s" </dev/null >/dev/null 2>&1 || true; done
}

# Remembers what knp_scan just saw of family $1, before anything changes, for the summary
# (knp_before_chains_N, knp_before_rules_N) and for a rollback (the rest).
knp_keep_before() {
  # Exact when every jump into our chains is a hook, once and first in FORWARD/INPUT (as every
  # successful run leaves them): the rollback puts a hook back at the top, other jumps at the end
  # of their chain, so only then does it rebuild the very same order.
  knp_exact=1
  if [ -n "$knp_drop_refs" ] || [ "$knp_hook_fwd" -gt 1 ] || [ "$knp_hook_in" -gt 1 ] ||
    { [ "$knp_hook_fwd" -eq 1 ] && [ "$knp_hook_fwd_first" -ne 1 ]; } ||
    { [ "$knp_hook_in" -eq 1 ] && [ "$knp_hook_in_first" -ne 1 ]; }; then
    knp_exact=0
  fi
  eval "knp_before_chains_$1=\\$knp_chains knp_before_rules_$1=\\$knp_rules\\$knp_refs"
  eval "knp_before_ours_$1=\\$knp_rules knp_before_nrules_$1=\\$knp_nrules knp_before_strays_$1=\\$knp_drop_refs"
  eval "knp_before_fwd_$1=\\$knp_hook_fwd knp_before_in_$1=\\$knp_hook_in knp_before_exact_$1=\\$knp_exact"
}

# Prints the iptables-restore input that puts family $1 back to what knp_keep_before saw; needs
# knp_scan of that family just before. Declaring our chains, current and previous, flushes them;
# every jump into them goes, the previous rules of our chains come back as iptables-save printed
# them (the sets they use still exist: stale sets are destroyed only after every swap), the hooks
# only where there were some (none on a first install; an INPUT one only where an earlier version
# had put it), and chains that were not there go.
knp_rollback_input() {
  eval "knp_bc=\\$knp_before_chains_$1 knp_bo=\\$knp_before_ours_$1 knp_bs=\\$knp_before_strays_$1"
  eval "knp_bf=\\$knp_before_fwd_$1 knp_bi=\\$knp_before_in_$1"
  knp_new=$(knp_words_not_in "$knp_chains" "$knp_bc")
  printf '*filter\\n'
  for knp_c in $knp_bc $knp_new; do printf ':%s - [0:0]\\n' "$knp_c"; done
  knp_delete_lines "$knp_refs"
  printf '%s' "$knp_bo"
  if [ "$knp_bf" -gt 0 ]; then printf '%s\\n' "-I FORWARD 1 $knp_hook_fwd_spec"; fi
  if [ "$knp_bi" -gt 0 ]; then printf '%s\\n' "-I INPUT 1 $knp_hook_in_spec"; fi
  printf '%s' "$knp_bs"
  for knp_c in $knp_new; do printf '%s\\n' "-X $knp_c"; done
  printf 'COMMIT\\n'
}

# Puts the already swapped family $1 back, in one more transaction (all or nothing, as the swap).
knp_rollback_family() {
  eval "knp_save=\\$knp_save_$1 knp_restore=\\$knp_restore_$1 knp_wait=\\$knp_wait_$1"
  eval "knp_bn=\\$knp_before_nrules_$1 knp_bo=\\$knp_before_ours_$1"
  # Without grep knp_scan does not keep the rules' text (see there), so there is nothing to put back.
  if [ "$knp_bn" -gt 0 ] && [ -z "$knp_bo" ]; then
    knp_err "IPv$1 cannot be put back: grep is missing, so its previous $knp_bn rules were not read"
    return 1
  fi
  knp_scan "$knp_save" || return 1
  knp_out=$(knp_rollback_input "$1" | "$knp_restore" $knp_wait --noflush 2>&1) || {
    knp_err "putting IPv$1 back failed: $knp_restore $knp_wait --noflush: $knp_out"
    return 1
  }
}

knp_check_family() {
  eval "knp_save=\\$knp_save_$1 knp_want=\\$knp_want_chains_$1 knp_count=\\$knp_rule_count_$1"
  eval "knp_bc=\\$knp_before_chains_$1 knp_br=\\$knp_before_rules_$1"
  knp_scan "$knp_save" || return 1
  knp_ok=0
  knp_what=
  if [ -z "$knp_want" ]; then
    knp_what=' (nothing to enforce)'
    if [ -n "$knp_refs" ]; then
      knp_err "IPv$1: nothing to enforce, yet $(printf '%s' "$knp_refs" | knp_count_lines) jumps into our chains remain"
      knp_ok=1
    fi
  else
    if [ "$knp_hook_fwd" -ne 1 ] || [ "$knp_hook_in" -ne 0 ]; then
      knp_err "IPv$1: want one jump from FORWARD and none from INPUT, found $knp_hook_fwd and $knp_hook_in"
      knp_ok=1
    fi
    if [ "$knp_hook_fwd_first" -ne 1 ]; then
      knp_err "IPv$1: our jump is not the first rule of FORWARD (another program inserted one above it just now?): $knp_first_fwd"
      knp_ok=1
    fi
  fi
  if [ "$(knp_missing_words "$knp_want" "$knp_chains")" -ne 0 ] || [ "$(knp_missing_words "$knp_chains" "$knp_want")" -ne 0 ]; then
    knp_err "IPv$1: our chains are not the ones just installed:$knp_chains"
    knp_ok=1
  fi
  if [ "$knp_nrules" -ne "$knp_count" ]; then
    knp_err "IPv$1: $knp_nrules rules in our chains, want $knp_count"
    knp_ok=1
  fi
  knp_now="$knp_rules$knp_refs"
  knp_ca=$(knp_missing_words "$knp_chains" "$knp_bc")
  knp_cr=$(knp_missing_words "$knp_bc" "$knp_chains")
  knp_ra=$(knp_missing "$knp_now" "$knp_br")
  knp_rr=$(knp_missing "$knp_br" "$knp_now")
  knp_total=$((knp_nrules + $(printf '%s' "$knp_refs" | knp_count_lines)))
  eval "knp_mv=\\$knp_moved_$1"
  if [ "$knp_ca$knp_cr$knp_ra$knp_rr" = 0000 ] && [ -z "$knp_mv" ]; then
    knp_log "IPv$1: unchanged ($(knp_words "$knp_chains") chains, $knp_total rules)"
  else
    knp_log "IPv$1$knp_what: chains +$knp_ca -$knp_cr, rules +$knp_ra -$knp_rr (now $(knp_words "$knp_chains") chains, $knp_total rules)\${knp_mv:+; jump moved back to the top of$knp_mv}"
  fi
  return "$knp_ok"
}

# Traffic between two pods on one node's bridge meets FORWARD only through br_netfilter, and only
# while net.bridge.bridge-nf-call-iptables (ip6tables for IPv6) is 1: otherwise it passes by every
# rule of ours. Routed and cross-node traffic is enforced all the same, so this warns and does not
# fail; the node's sysctls are its admin's to set, not ours. Read with built-ins only.
knp_check_bridge() {
  case $1 in
    4) knp_key=bridge-nf-call-iptables ;;
    *) knp_key=bridge-nf-call-ip6tables ;;
  esac
  knp_v=
  # read's status is no use here: dash reads a byte at a time, a sysctl file gives its value to the
  # first read() only and then end of file, so read sees no newline and returns 1 with the value set.
  if [ -r "/proc/sys/net/bridge/$knp_key" ]; then
    { read -r knp_v <"/proc/sys/net/bridge/$knp_key"; } 2>/dev/null || :
  fi
  if [ "$knp_v" != 1 ]; then
    knp_warn "IPv$1: net.bridge.$knp_key is \${knp_v:-missing (br_netfilter not loaded)}: traffic between pods on the same node (bridged) is not filtered until br_netfilter is loaded and net.bridge.$knp_key is 1; routed and cross-node traffic is"
  fi
}

knp_main() {
  knp_log "node $knp_node: installing NetworkPolicy rules"
  knp_pick_backend || return 2
  # A family with nothing to enforce wants no chain; it is visited only to take away what an
  # earlier apply left there, and left alone (its table not even created) when there is nothing.
  knp_families=
  for knp_f in 4 6; do
    eval "knp_r=\\$knp_restore_$knp_f knp_s=\\$knp_save_$knp_f knp_e=\\$knp_enforcing_$knp_f knp_want=\\$knp_want_chains_$knp_f"
    if ! knp_has "$knp_r" || ! knp_has "$knp_s"; then
      if [ "$knp_e" = 1 ]; then
        knp_err "$knp_r or $knp_s not found, and this node has IPv$knp_f pods to enforce"
        return 2
      fi
      knp_log "IPv$knp_f: $knp_r not found and no IPv$knp_f pod to enforce: skipped"
      continue
    fi
    if [ -z "$knp_want" ] && ! knp_may_have_table "$knp_f"; then
      knp_log "IPv$knp_f: nothing to enforce, and no filter table: left alone"
      continue
    fi
    knp_families="$knp_families $knp_f"
  done
  if ! knp_has ipset; then
    if [ -n "$knp_want_sets" ]; then
      knp_err "ipset not found"
      return 2
    fi
    knp_log "ipset not found and no set needed: stale sets are left alone"
  fi

  knp_active=
  for knp_f in $knp_families; do
    eval "knp_save=\\$knp_save_$knp_f knp_want=\\$knp_want_chains_$knp_f"
    if ! knp_scan "$knp_save" quiet; then
      if [ -n "$knp_want" ]; then
        knp_err "$knp_scan_error"
        return 1
      fi
      # Most likely a kernel without this family, where nothing of ours can be either.
      knp_warn "IPv$knp_f: nothing to enforce, but $knp_scan_error; anything of ours an earlier apply left there stays"
      continue
    fi
    if [ -z "$knp_want" ] && [ -z "$knp_chains$knp_refs" ]; then
      knp_log "IPv$knp_f: nothing to enforce and nothing of ours: left alone"
      continue
    fi
    knp_keep_before "$knp_f"
    knp_active="$knp_active $knp_f"
    eval "knp_r=\\$knp_restore_$knp_f"
    knp_w=$(knp_wait_flags "$knp_r")
    eval "knp_wait_$knp_f=\\$knp_w"
  done
  knp_families=$knp_active
  knp_sets_before=
  if knp_has ipset; then
    knp_sets_before=$(knp_our_sets) || return 1
    knp_sets_before=$(echo $knp_sets_before)
  fi
  knp_created=
  for knp_s in $knp_want_sets; do knp_in "$knp_s" "$knp_sets_before" || knp_created="$knp_created $knp_s"; done

  # 1. Sets first: named by their content, so existing ones are already right and new ones are
  #    not referred to by any rule yet.
  if [ -n "$knp_want_sets" ]; then
    knp_out=$(knp_sets_text | ipset restore -exist 2>&1) || {
      knp_err "ipset restore failed, the previous rules are untouched: $knp_out"
      knp_drop_created
      return 1
    }
  fi
  # 2. A dry run of every family, so that one family is not swapped when another would fail.
  for knp_f in $knp_families; do
    if ! knp_restore_family "$knp_f" --test; then
      knp_drop_created
      knp_err "nothing was changed"
      return 1
    fi
  done
  # 3. The swap: one iptables-restore transaction per family. When a family fails after its dry
  #    run passed (another writer since, the kernel), the families already swapped are put back, so
  #    that the node never keeps new rules in one family and old ones in the other.
  knp_swapped=
  for knp_f in $knp_families; do
    if ! knp_restore_family "$knp_f"; then
      if [ -z "$knp_swapped" ]; then
        knp_drop_created
        knp_err "the previous rules are untouched"
        return 1
      fi
      knp_back=
      knp_kept=
      knp_all_exact=1
      for knp_g in $knp_swapped; do
        if knp_rollback_family "$knp_g"; then
          knp_back="$knp_back IPv$knp_g"
          eval "knp_e=\\$knp_before_exact_$knp_g"
          if [ "$knp_e" != 1 ]; then knp_all_exact=0; fi
        else
          knp_kept="$knp_kept IPv$knp_g"
        fi
      done
      if [ -n "$knp_kept" ]; then
        knp_drop_created
        knp_err "IPv$knp_f failed:$knp_kept could not be put back and has the new rule set whole\${knp_back:+,$knp_back has its previous one}; IPv$knp_f kept its previous one"
      else
        knp_drop_created wait
        if [ "$knp_all_exact" = 1 ]; then
          knp_err "IPv$knp_f failed:$knp_back was put back to its previous rule set; nothing changed"
        else
          knp_err "IPv$knp_f failed:$knp_back was put back to its previous rule set (with each hook of ours once at the top of its chain, any other jump into our chains at the end of its chain)"
        fi
      fi
      return 1
    fi
    knp_swapped="$knp_swapped $knp_f"
  done
  # 4. Stale sets, now that no rule of ours refers to them.
  knp_sets_removed=0
  if knp_has ipset; then
    knp_now=$(knp_our_sets) || return 1
    for knp_s in $knp_now; do
      if ! knp_in "$knp_s" "$knp_want_sets" && knp_destroy_set "$knp_s"; then
        knp_sets_removed=$((knp_sets_removed + 1))
      fi
    done
  fi
  # 5. Check the result and say what changed.
  knp_bad=0
  for knp_f in $knp_families; do knp_check_family "$knp_f" || knp_bad=1; done
  if knp_has ipset; then
    knp_now=$(knp_our_sets) || return 1
    knp_now=$(echo $knp_now)
    if [ "$(knp_missing_words "$knp_want_sets" "$knp_now")" -ne 0 ]; then
      knp_err "sets missing after the restore: want $knp_want_sets, have $knp_now"
      knp_bad=1
    fi
    knp_log "sets: +$(knp_words "$knp_created") -$knp_sets_removed (now $(knp_words "$knp_now") sets, $knp_set_entries entries wanted)"
  fi
  for knp_f in $knp_families; do
    eval "knp_e=\\$knp_enforcing_$knp_f"
    if [ "$knp_e" = 1 ]; then knp_check_bridge "$knp_f"; fi
  done
  if [ "$knp_bad" -eq 0 ]; then knp_log "done"; fi
  return "$knp_bad"
}
`;

/** The cleanup steps: our chains and hooks in both families, then our sets. */
export const CLEANUP_MAIN = `knp_cleanup_input() {
  printf '*filter\\n'
  for knp_c in $knp_chains; do printf ':%s - [0:0]\\n' "$knp_c"; done
  knp_delete_lines "$knp_refs"
  for knp_c in $knp_chains; do printf '%s\\n' "-X $knp_c"; done
  printf 'COMMIT\\n'
}

knp_main() {
  knp_log "removing every chain, rule and set of kubectl-netpol"
  knp_pick_backend || return 2
  knp_bad=0
  for knp_f in 4 6; do
    eval "knp_save=\\$knp_save_$knp_f knp_restore=\\$knp_restore_$knp_f"
    if ! knp_has "$knp_save" || ! knp_has "$knp_restore"; then
      knp_log "IPv$knp_f: $knp_restore not found: skipped"
      continue
    fi
    # Reading an absent legacy table would create it, for good.
    if ! knp_may_have_table "$knp_f"; then
      knp_log "IPv$knp_f: no filter table: nothing of ours"
      continue
    fi
    knp_scan "$knp_save" || {
      knp_bad=1
      continue
    }
    if [ -z "$knp_chains$knp_refs" ]; then
      knp_log "IPv$knp_f: nothing of ours"
      continue
    fi
    knp_n=$((knp_nrules + $(printf '%s' "$knp_refs" | knp_count_lines)))
    knp_wait=$(knp_wait_flags "$knp_restore")
    knp_out=$(knp_cleanup_input | "$knp_restore" $knp_wait --noflush 2>&1) || {
      knp_err "$knp_restore $knp_wait --noflush failed for IPv$knp_f: $knp_out"
      knp_bad=1
      continue
    }
    knp_log "IPv$knp_f: removed $(knp_words "$knp_chains") chains, $knp_n rules"
  done
  if knp_has ipset; then
    knp_now=$(knp_our_sets) || return 1
    knp_k=0
    for knp_s in $knp_now; do
      if knp_destroy_set "$knp_s"; then knp_k=$((knp_k + 1)); else knp_bad=1; fi
    done
    knp_log "sets: removed $knp_k"
  fi
  if [ "$knp_bad" -eq 0 ]; then knp_log "done"; fi
  return "$knp_bad"
}
`;
