#!/bin/sh
# kubectl-netpol: reads this node's state for apply-node and changes nothing: the iptables backend
# (detected as kube-proxy's image does; KNP_IPTABLES_MODE=legacy|nft|plain overrides it), the filter
# table of IPv4 and IPv6, and the names and sizes of our ipsets.
# Run on the node as root: sh -s < this-file > state.txt; then apply-node NODE --dry-run --node-state state.txt.
knp_is_set() {
  case $1 in KNP-[46][PNTH]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) return 0 ;; esac
  return 1
}
nl='
'
knp_err() { printf 'knp: error: %s\n' "$*" >&2; }
knp_has() { command -v "$1" >/dev/null 2>&1; }

# How many rules the iptables-save text on stdin holds.
knp_count_rules() {
  if knp_has grep; then
    grep -c '^-A ' || :
    return 0
  fi
  knp_n=0
  while IFS= read -r knp_l; do
    case $knp_l in '-A '*) knp_n=$((knp_n + 1)) ;; esac
  done
  echo "$knp_n"
}

# Whether the iptables-save text $1 declares one of the chains kubelet creates in the backend it
# uses (the same hint kube-proxy's iptables-wrapper trusts first).
knp_has_marker() {
  case "$nl$1" in *"$nl:KUBE-IPTABLES-HINT "* | *"$nl:KUBE-KUBELET-CANARY "*) return 0 ;; esac
  return 1
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

# Whether the filter table of $1 (iptables or ip6tables, saved by $2) may hold anything: false only
# when it certainly does not exist, which is found out without creating it. Reading an absent nft
# table creates nothing (iptables-nft-save prints its built-in chains, empty), so nft always may;
# a legacy table may only when the kernel lists it. The plain commands name their backend in
# --version (iptables 1.8 on; older ones are all legacy).
knp_may_have_table() {
  case $knp_mode in
    nft) return 0 ;;
    legacy) ;;
    *) case $("$2" --version </dev/null 2>/dev/null) in *nf_tables*) return 0 ;; esac ;;
  esac
  knp_legacy_has "$1" filter
}

# The backend the host uses, when both are installed: kubelet's marker chains, else the one with
# more rules (legacy only when it has strictly more, as the wrapper decides).
knp_detect_mode() {
  for knp_m in nft legacy; do
    for knp_t in iptables ip6tables; do
      if [ "$knp_m" = legacy ] && ! knp_legacy_has "$knp_t" mangle; then continue; fi
      if knp_has_marker "$("$knp_t-$knp_m-save" -t mangle </dev/null 2>/dev/null)"; then
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
  knp_how='env'
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
}

# The filter table (saved by $1) into knp_tab as iptables-save prints it, less what changes by
# itself between two reads: the comment lines around it (they carry the time) and the packet
# counters of the built-in chains. stderr stays out of it: iptables-nft-save warns there when
# legacy tables exist ("# Warning: iptables-legacy tables present ..."), and mixed into stdout
# the warning would land in the middle of a line. On failure a second run fetches the message.
knp_read_table() {
  knp_tab=$("$1" -t filter </dev/null 2>/dev/null) || {
    knp_msg="$1 -t filter failed: $("$1" -t filter </dev/null 2>&1 >/dev/null)"
    return 1
  }
  case $knp_tab in '#'*) knp_tab=${knp_tab#*"$nl"} ;; esac
  case $knp_tab in *"$nl#"*"$nl"*) ;; *"$nl#"*) knp_tab=${knp_tab%"$nl"*} ;; esac
  for knp_c in INPUT FORWARD OUTPUT; do
    case $knp_tab in
      *"$nl:$knp_c "*"$nl"*)
        knp_a=${knp_tab%%"$nl:$knp_c "*}
        knp_b=${knp_tab#*"$nl:$knp_c "}
        knp_p=${knp_b%%"$nl"*}
        knp_tab="$knp_a$nl:$knp_c ${knp_p%% *}$nl${knp_b#*"$nl"}"
        ;;
    esac
  done
}

# Family $1 (iptables or ip6tables): knp_fam, its summary line; knp_tab, knp_msg as above.
# iptables-restore waits for the xtables lock, which the legacy backend takes for the whole
# restore and a concurrent kube-proxy or CNI sync may hold, only with -w (as kube-proxy passes
# it; without, older releases fail at once on a held lock). A restore older than -w (1.6.2) is
# told apart by --help, which takes no lock. The nft backend takes no lock (a restore is one
# kernel transaction) and accepts -w as a no-op; iptables-save takes none and rejects -w.
knp_read_family() {
  knp_save=$1$knp_sfx-save
  knp_restore=$1$knp_sfx-restore
  knp_tab=
  knp_msg=
  knp_wait=no
  knp_table=unread
  knp_tools=no
  if knp_has "$knp_save" && knp_has "$knp_restore"; then
    knp_tools=yes
    if "$knp_restore" -w 10 --help </dev/null >/dev/null 2>&1; then knp_wait=yes; fi
    if ! knp_may_have_table "$1" "$knp_save"; then
      knp_table=absent
    elif knp_read_table "$knp_save"; then
      knp_table=present
    else
      knp_table=error
    fi
  fi
  knp_fam="save=$knp_save restore=$knp_restore tools=$knp_tools wait=$knp_wait table=$knp_table"
}

# Traffic between two pods on one node's bridge meets FORWARD only through br_netfilter, and only
# while net.bridge.bridge-nf-call-iptables (ip6tables for IPv6) is 1. Read with built-ins only;
# read's status is no use here: dash reads a byte at a time, a sysctl file gives its value to the
# first read() only and then end of file, so read sees no newline and returns 1 with the value set.
knp_bridge() {
  knp_v=
  if [ -r "/proc/sys/net/bridge/bridge-nf-call-$1" ]; then
    { read -r knp_v <"/proc/sys/net/bridge/bridge-nf-call-$1"; } 2>/dev/null || :
  fi
  echo "${knp_v:-missing}"
}

# Our sets, a "set NAME ENTRIES" line each (ipset list -t: headers, no members).
knp_read_sets() {
  knp_sets=
  knp_setmsg=
  knp_ipset=no
  knp_has ipset || return 0
  knp_ipset=yes
  knp_out=$(ipset list -t </dev/null 2>&1) || {
    knp_ipset=error
    knp_setmsg="ipset list -t failed: $knp_out"
    return 0
  }
  knp_n=
  knp_ifs=$IFS
  IFS=$nl
  set -f
  for knp_l in $knp_out; do
    case $knp_l in
      'Name: '*) knp_n=${knp_l#Name: } ;;
      'Number of entries: '*) if knp_is_set "$knp_n"; then knp_sets="$knp_sets${knp_sets:+$nl}set $knp_n ${knp_l#*: }"; fi ;;
    esac
  done
  IFS=$knp_ifs
  set +f
}

knp_read_state() {
  knp_pick_backend || return
  knp_read_family iptables
  knp_fam4=$knp_fam knp_tab4=$knp_tab knp_msg4=$knp_msg
  knp_read_family ip6tables
  knp_fam6=$knp_fam knp_tab6=$knp_tab knp_msg6=$knp_msg
  knp_br4=$(knp_bridge iptables)
  knp_br6=$(knp_bridge ip6tables)
  knp_read_sets
}

# Prints each line of $2 after $1.
knp_each_line() {
  knp_ifs=$IFS
  IFS=$nl
  set -f
  for knp_l in $2; do printf '%s%s\n' "$1" "$knp_l"; done
  IFS=$knp_ifs
  set +f
}

knp_print_family() {
  printf 'family %s %s bridge=%s\n' "$1" "$2" "$5"
  case $2 in
    *' table=present') printf 'table %s\n%s\nend table %s\n' "$1" "$3" "$1" ;;
    *' table=error') knp_each_line "error $1 " "$4" ;;
  esac
}

knp_print_state() {
  printf 'knp-state 1\nbackend %s %s\n' "$knp_mode" "$knp_how"
  knp_print_family 4 "$knp_fam4" "$knp_tab4" "$knp_msg4" "$knp_br4"
  knp_print_family 6 "$knp_fam6" "$knp_tab6" "$knp_msg6" "$knp_br6"
  printf 'ipset %s\n' "$knp_ipset"
  knp_each_line 'error ipset ' "$knp_setmsg"
  if [ -n "$knp_sets" ]; then printf '%s\n' "$knp_sets"; fi
  printf 'end\n'
}
knp_main() {
  knp_read_state || return
  knp_print_state
}
knp_main
exit $?
