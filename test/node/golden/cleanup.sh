#!/bin/sh
# kubectl-netpol: removes every chain, rule and set of ours, IPv4 and IPv6: chains and sets whose
# names have the exact shapes of ours (see knp_is_chain, knp_is_set; not just any KNP-*), and
# rules elsewhere whose target is one of our chains.
# Run on the node as root: sh -s < this-file. It reads nothing from stdin; running it twice is fine.
# KNP_IPTABLES_MODE=legacy|nft|plain overrides the iptables backend detection.
knp_prefix='KNP-'
knp_hook_fwd_spec='-m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD'
knp_hook_in_spec='-m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT'
knp_is_chain() {
  case $1 in KNP-FORWARD | KNP-INPUT | KNP-PO[DL]-[EI]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) return 0 ;; esac
  return 1
}
knp_is_set() {
  case $1 in KNP-[46][PNT]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) return 0 ;; esac
  return 1
}
# The rules of our chains among iptables-save lines.
knp_grep_rules() {
  grep -e '^-A KNP-FORWARD ' -e '^-A KNP-INPUT ' -e '^-A KNP-PO[DL]-[EI]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f] '
}
nl='
'
knp_log() { printf 'knp: %s\n' "$*"; }
knp_err() { printf 'knp: error: %s\n' "$*" >&2; }
knp_warn() { printf 'knp: warning: %s\n' "$*" >&2; }
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
    while IFS= read -r knp_l; do printf '%s\n' "$knp_l"; done <"$knp_names"
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
      eval "knp_sv=\$knp_save_$1"
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
  knp_mode=${KNP_IPTABLES_MODE:-}
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
    if [ "${2:-}" != quiet ]; then knp_err "$knp_scan_error"; fi
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
        knp_c=${knp_l#:}
        knp_c=${knp_c%% *}
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
        knp_c=${knp_l#-A }
        knp_c=${knp_c%% *}
        if knp_is_chain "$knp_c"; then
          knp_nrules=$((knp_nrules + 1))
        else
          # Another chain's rule is ours only when its target is one of our chains. iptables-save
          # prints the target last and quotes a comment, so a name inside a comment is never the
          # last word after " -j " or " -g ".
          knp_t=${knp_l##* }
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
    knp_rules="$(printf '%s\n' "$knp_out" | knp_grep_rules)$nl"
  fi
}

# `-D` lines removing the rules listed in $1 (iptables-save lines).
knp_delete_lines() {
  printf '%s' "$1" | while IFS= read -r knp_l; do
    printf '%s\n' "-D ${knp_l#-A }"
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
    echo "${knp_k:-?}"
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
    printf '%s\n' $1 | grep -vxF -f /dev/fd/3 3<<KNP_WORDS_EOF
$(printf '%s\n' $2)
KNP_WORDS_EOF
    return 0
  fi
  for knp_w in $1; do knp_in "$knp_w" "$2" || printf '%s\n' "$knp_w"; done
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
  printf '%s\n' "$knp_out" | while IFS= read -r knp_l; do
    if knp_is_set "$knp_l"; then printf '%s\n' "$knp_l"; fi
  done
}

# A set can be destroyed only once no rule refers to it; with the nft backend the kernel drops the
# references of deleted rules a little after the commit, hence the retries.
knp_destroy_set() {
  knp_try=0
  while :; do
    knp_msg=$(ipset destroy "$1" </dev/null 2>&1) && return 0
    knp_try=$((knp_try + 1))
    if [ "$knp_try" -ge "${2:-20}" ]; then
      knp_warn "could not destroy set $1 (a rule outside ours may still use it): $knp_msg"
      return 1
    fi
    sleep 0.25 2>/dev/null || sleep 1
  done
}
knp_cleanup_input() {
  printf '*filter\n'
  for knp_c in $knp_chains; do printf ':%s - [0:0]\n' "$knp_c"; done
  knp_delete_lines "$knp_refs"
  for knp_c in $knp_chains; do printf '%s\n' "-X $knp_c"; done
  printf 'COMMIT\n'
}

knp_main() {
  knp_log "removing every chain, rule and set of kubectl-netpol"
  knp_pick_backend || return 2
  knp_bad=0
  for knp_f in 4 6; do
    eval "knp_save=\$knp_save_$knp_f knp_restore=\$knp_restore_$knp_f"
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
knp_main
exit $?
