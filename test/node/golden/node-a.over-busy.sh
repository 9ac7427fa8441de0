#!/bin/sh
# kubectl-netpol: NetworkPolicy rules for node node-a; generated, do not edit.
# Run on the node as root: sh -s < this-file. It reads nothing from stdin.
# KNP_IPTABLES_MODE=legacy|nft|plain overrides the iptables backend detection.
# IPv4: 9 chains, 35 rules, 6 sets (8 entries)
# IPv6: 5 chains, 25 rules, 3 sets (3 entries)
# Packet mark bits: egress 0x100000, ingress 0x200000 (--mark-bits 0x300000), zero again when a packet leaves our chain.
# It prints a "knp-report" line per step; when a step fails, the node keeps its previous rules.
# Computed from the node's state as read (the backend, both filter tables, our sets): when the node is no
# longer in exactly that state, it changes nothing and exits 75; read the state again and compute anew.
# Changes: IPv4: chains +8 -3, rules +34 -8, jump moved back to the top of FORWARD; IPv6: chains +5 -0, rules +25 -0; sets +8 -1.
# shellcheck disable=SC2317 # the data functions below are called by name (knp_restore)
knp_check=exact
knp_families='4 6'
knp_fill='KNP-4N-bfc51a34ac9b9817 KNP-4N-db42a662cf9c1d11 KNP-4P-150da70c9ba25400 KNP-4P-9c1b08742fb22387 KNP-4T-18ffc0d55464ae22 KNP-4T-9319a144faab3ff4 KNP-6P-57c699639edca983 KNP-6T-2436231ad4e1c23c KNP-6T-f2050281986a4bb1'
knp_created='KNP-4N-bfc51a34ac9b9817 KNP-4N-db42a662cf9c1d11 KNP-4P-150da70c9ba25400 KNP-4T-18ffc0d55464ae22 KNP-4T-9319a144faab3ff4 KNP-6P-57c699639edca983 KNP-6T-2436231ad4e1c23c KNP-6T-f2050281986a4bb1'
knp_stale='KNP-4P-0123456789abcdef'
knp_expected_state() {
cat <<'KNP_STATE_EOF'
knp-state 1
backend nft detected
family 4 save=iptables-nft-save restore=iptables-nft-restore tools=yes wait=yes table=present bridge=1
table 4
*filter
:INPUT ACCEPT
:FORWARD DROP
:OUTPUT ACCEPT
:FOREIGN - [0:0]
:KNP-ADMIN - [3:120]
:KNP-FORWARD - [0:0]
:KNP-INPUT - [0:0]
:KNP-POD-E-0123456789ab - [0:0]
:KNP-POL-E-000000000000 - [0:0]
-A INPUT -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT
-A INPUT -p tcp -m tcp --dport 23 -m comment --comment "-j KNP-INPUT" -j DROP
-A FORWARD -s 10.244.0.0/16 -j ACCEPT
-A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-A FORWARD -m comment --comment "see -j KNP-FORWARD"
-A FORWARD -p tcp -m tcp --dport 22 -j FOREIGN
-A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-A OUTPUT -j KNP-ADMIN
-A OUTPUT -j KNP-FORWARD
-A FOREIGN -j ACCEPT
-A KNP-ADMIN -j RETURN
-A KNP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies" -j RETURN
-A KNP-FORWARD -s 10.244.1.9/32 -m comment --comment "old pod" -j KNP-POD-E-0123456789ab
-A KNP-INPUT -j RETURN
-A KNP-POD-E-0123456789ab -m comment --comment "old" -j KNP-POL-E-000000000000
-A KNP-POL-E-000000000000 -m comment --comment "old policy" -j RETURN
COMMIT
end table 4
family 6 save=ip6tables-nft-save restore=ip6tables-nft-restore tools=yes wait=yes table=present bridge=1
table 6
*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
COMMIT
end table 6
ipset yes
set KNP-4P-0123456789abcdef 2
set KNP-4P-9c1b08742fb22387 1
end
KNP_STATE_EOF
}
knp_sets_text() {
cat <<'KNP_SETS_EOF'
create KNP-4N-bfc51a34ac9b9817 hash:net family inet hashsize 1024 maxelem 65536
add KNP-4N-bfc51a34ac9b9817 172.17.0.0/16
add KNP-4N-bfc51a34ac9b9817 172.17.1.0/24 nomatch
create KNP-4N-db42a662cf9c1d11 hash:net family inet hashsize 1024 maxelem 65536
add KNP-4N-db42a662cf9c1d11 10.0.0.0/24
create KNP-4P-150da70c9ba25400 hash:ip family inet hashsize 1024 maxelem 65536
add KNP-4P-150da70c9ba25400 10.244.2.20
create KNP-4P-9c1b08742fb22387 hash:ip family inet hashsize 1024 maxelem 65536
add KNP-4P-9c1b08742fb22387 10.244.1.11
add KNP-4P-9c1b08742fb22387 10.244.2.21
create KNP-4T-18ffc0d55464ae22 hash:ip,port family inet hashsize 1024 maxelem 65536
add KNP-4T-18ffc0d55464ae22 10.244.1.10,tcp:6379
create KNP-4T-9319a144faab3ff4 hash:ip,port family inet hashsize 1024 maxelem 65536
add KNP-4T-9319a144faab3ff4 10.244.2.20,tcp:8080
create KNP-6P-57c699639edca983 hash:ip family inet6 hashsize 1024 maxelem 65536
add KNP-6P-57c699639edca983 fd00:2::20
create KNP-6T-2436231ad4e1c23c hash:ip,port family inet6 hashsize 1024 maxelem 65536
add KNP-6T-2436231ad4e1c23c fd00:1::10,tcp:6379
create KNP-6T-f2050281986a4bb1 hash:ip,port family inet6 hashsize 1024 maxelem 65536
add KNP-6T-f2050281986a4bb1 fd00:2::20,tcp:8080
KNP_SETS_EOF
}
knp_restore_4() {
cat <<'KNP_RULES_EOF'
*filter
:KNP-FORWARD - [0:0]
:KNP-POD-E-e0578aa031f6 - [0:0]
:KNP-POD-E-ffd5a10c416b - [0:0]
:KNP-POD-I-e0578aa031f6 - [0:0]
:KNP-POD-I-ffd5a10c416b - [0:0]
:KNP-POL-E-5651bd8cf5af - [0:0]
:KNP-POL-E-fbfe7d0121eb - [0:0]
:KNP-POL-I-5651bd8cf5af - [0:0]
:KNP-POL-I-fbfe7d0121eb - [0:0]
:KNP-INPUT - [0:0]
:KNP-POD-E-0123456789ab - [0:0]
:KNP-POL-E-000000000000 - [0:0]
-D INPUT -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT
-D FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-D FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-D OUTPUT -j KNP-FORWARD
-I FORWARD 1 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-A KNP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies of admitted connections pass" -j RETURN
-A KNP-FORWARD -m comment --comment "start undecided" -j MARK --set-xmark 0x0/0x300000
-A KNP-FORWARD -s 10.244.1.10/32 -m physdev --physdev-is-bridged -m comment --comment "default/db egress (bridged)" -j KNP-POD-E-e0578aa031f6
-A KNP-FORWARD -s 10.244.1.10/32 -m physdev ! --physdev-is-bridged -m comment --comment "default/db egress" -j KNP-POD-E-e0578aa031f6
-A KNP-FORWARD -s 10.244.1.12/32 -m physdev --physdev-is-bridged -m comment --comment "locked/job egress (bridged)" -j KNP-POD-E-ffd5a10c416b
-A KNP-FORWARD -s 10.244.1.12/32 -m physdev ! --physdev-is-bridged -m comment --comment "locked/job egress" -j KNP-POD-E-ffd5a10c416b
-A KNP-FORWARD -d 10.244.1.10/32 -m physdev --physdev-is-bridged -m comment --comment "default/db ingress (bridged)" -j KNP-POD-I-e0578aa031f6
-A KNP-FORWARD -d 10.244.1.10/32 -m physdev ! --physdev-is-bridged -m comment --comment "default/db ingress" -j KNP-POD-I-e0578aa031f6
-A KNP-FORWARD -d 10.244.1.12/32 -m physdev --physdev-is-bridged -m comment --comment "locked/job ingress (bridged)" -j KNP-POD-I-ffd5a10c416b
-A KNP-FORWARD -d 10.244.1.12/32 -m physdev ! --physdev-is-bridged -m comment --comment "locked/job ingress" -j KNP-POD-I-ffd5a10c416b
-A KNP-FORWARD -m comment --comment "our two mark bits cleared, so no later rule sees them; other bits untouched" -j MARK --set-xmark 0x0/0x300000
-A KNP-POD-E-e0578aa031f6 -d 10.244.1.10/32 -m comment --comment "default/db egress: a pod to itself" -j RETURN
-A KNP-POD-E-e0578aa031f6 -m comment --comment "default/db egress: policy default/test-network-policy" -j KNP-POL-E-fbfe7d0121eb
-A KNP-POD-E-e0578aa031f6 -m mark --mark 0x100000/0x100000 -m comment --comment "default/db egress: admitted by default/test-network-policy" -j RETURN
-A KNP-POD-E-e0578aa031f6 -m comment --comment "default/db egress: no policy admits" -j REJECT --reject-with icmp-port-unreachable
-A KNP-POD-E-ffd5a10c416b -d 10.244.1.12/32 -m comment --comment "locked/job egress: a pod to itself" -j RETURN
-A KNP-POD-E-ffd5a10c416b -m comment --comment "locked/job egress: policy locked/deny-all" -j KNP-POL-E-5651bd8cf5af
-A KNP-POD-E-ffd5a10c416b -m mark --mark 0x100000/0x100000 -m comment --comment "locked/job egress: admitted by locked/deny-all" -j RETURN
-A KNP-POD-E-ffd5a10c416b -m comment --comment "locked/job egress: no policy admits" -j REJECT --reject-with icmp-port-unreachable
-A KNP-POD-I-e0578aa031f6 -s 10.244.1.10/32 -m comment --comment "default/db ingress: a pod to itself" -j RETURN
-A KNP-POD-I-e0578aa031f6 -m comment --comment "default/db ingress: policy default/test-network-policy" -j KNP-POL-I-fbfe7d0121eb
-A KNP-POD-I-e0578aa031f6 -m mark --mark 0x200000/0x200000 -m comment --comment "default/db ingress: admitted by default/test-network-policy" -j RETURN
-A KNP-POD-I-e0578aa031f6 -m comment --comment "default/db ingress: no policy admits" -j REJECT --reject-with icmp-port-unreachable
-A KNP-POD-I-ffd5a10c416b -s 10.244.1.12/32 -m comment --comment "locked/job ingress: a pod to itself" -j RETURN
-A KNP-POD-I-ffd5a10c416b -m comment --comment "locked/job ingress: policy locked/deny-all" -j KNP-POL-I-5651bd8cf5af
-A KNP-POD-I-ffd5a10c416b -m mark --mark 0x200000/0x200000 -m comment --comment "locked/job ingress: admitted by locked/deny-all" -j RETURN
-A KNP-POD-I-ffd5a10c416b -m comment --comment "locked/job ingress: no policy admits" -j REJECT --reject-with icmp-port-unreachable
-A KNP-POL-E-fbfe7d0121eb -p tcp -m set --match-set KNP-4N-db42a662cf9c1d11 dst -m tcp --dport 5978 -m comment --comment "default/test-network-policy egress[0] to[0] ports[0]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-E-fbfe7d0121eb -p tcp -m set --match-set KNP-4P-150da70c9ba25400 dst -m set --match-set KNP-4T-9319a144faab3ff4 dst,dst -m comment --comment "default/test-network-policy egress[1] to[0] ports[0]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-E-fbfe7d0121eb -p udp -m set --match-set KNP-4P-150da70c9ba25400 dst -m udp --dport 5000:5010 -m comment --comment "default/test-network-policy egress[1] to[0] ports[1]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-E-fbfe7d0121eb -p sctp -m set --match-set KNP-4P-150da70c9ba25400 dst -m comment --comment "default/test-network-policy egress[1] to[0] ports[2]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-I-fbfe7d0121eb -p tcp -m set --match-set KNP-4P-9c1b08742fb22387 src -m tcp --dport 6379 -m comment --comment "default/test-network-policy ingress[0] from[1,2] ports[0]" -j MARK --set-xmark 0x200000/0x200000
-A KNP-POL-I-fbfe7d0121eb -p tcp -m set --match-set KNP-4N-bfc51a34ac9b9817 src -m tcp --dport 6379 -m comment --comment "default/test-network-policy ingress[0] from[0] ports[0]" -j MARK --set-xmark 0x200000/0x200000
-A KNP-POL-I-fbfe7d0121eb -p tcp -m set --match-set KNP-4P-150da70c9ba25400 src -m set --match-set KNP-4T-18ffc0d55464ae22 dst,dst -m comment --comment "default/test-network-policy ingress[1] from[0] ports[0]" -j MARK --set-xmark 0x200000/0x200000
-X KNP-INPUT
-X KNP-POD-E-0123456789ab
-X KNP-POL-E-000000000000
COMMIT
KNP_RULES_EOF
}
knp_rollback_4() {
cat <<'KNP_RULES_EOF'
*filter
:KNP-FORWARD - [0:0]
:KNP-INPUT - [0:0]
:KNP-POD-E-0123456789ab - [0:0]
:KNP-POL-E-000000000000 - [0:0]
:KNP-POD-E-e0578aa031f6 - [0:0]
:KNP-POD-E-ffd5a10c416b - [0:0]
:KNP-POD-I-e0578aa031f6 - [0:0]
:KNP-POD-I-ffd5a10c416b - [0:0]
:KNP-POL-E-5651bd8cf5af - [0:0]
:KNP-POL-E-fbfe7d0121eb - [0:0]
:KNP-POL-I-5651bd8cf5af - [0:0]
:KNP-POL-I-fbfe7d0121eb - [0:0]
-D FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-A KNP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies" -j RETURN
-A KNP-FORWARD -s 10.244.1.9/32 -m comment --comment "old pod" -j KNP-POD-E-0123456789ab
-A KNP-INPUT -j RETURN
-A KNP-POD-E-0123456789ab -m comment --comment "old" -j KNP-POL-E-000000000000
-A KNP-POL-E-000000000000 -m comment --comment "old policy" -j RETURN
-I INPUT 1 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT
-I FORWARD 2 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-I FORWARD 5 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-I OUTPUT 2 -j KNP-FORWARD
-X KNP-POD-E-e0578aa031f6
-X KNP-POD-E-ffd5a10c416b
-X KNP-POD-I-e0578aa031f6
-X KNP-POD-I-ffd5a10c416b
-X KNP-POL-E-5651bd8cf5af
-X KNP-POL-E-fbfe7d0121eb
-X KNP-POL-I-5651bd8cf5af
-X KNP-POL-I-fbfe7d0121eb
COMMIT
KNP_RULES_EOF
}
knp_restore_6() {
cat <<'KNP_RULES_EOF'
*filter
:KNP-FORWARD - [0:0]
:KNP-POD-E-e0578aa031f6 - [0:0]
:KNP-POD-I-e0578aa031f6 - [0:0]
:KNP-POL-E-fbfe7d0121eb - [0:0]
:KNP-POL-I-fbfe7d0121eb - [0:0]
-I FORWARD 1 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-A KNP-FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 133 -m comment --comment "IPv6 router solicitation is link plumbing, not policed" -j RETURN
-A KNP-FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 134 -m comment --comment "IPv6 router advertisement is link plumbing, not policed" -j RETURN
-A KNP-FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m comment --comment "IPv6 neighbour solicitation is link plumbing, not policed" -j RETURN
-A KNP-FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m comment --comment "IPv6 neighbour advertisement is link plumbing, not policed" -j RETURN
-A KNP-FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 137 -m comment --comment "IPv6 redirect is link plumbing, not policed" -j RETURN
-A KNP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies of admitted connections pass" -j RETURN
-A KNP-FORWARD -m comment --comment "start undecided" -j MARK --set-xmark 0x0/0x300000
-A KNP-FORWARD -s fd00:1::10/128 -m physdev --physdev-is-bridged -m comment --comment "default/db egress (bridged)" -j KNP-POD-E-e0578aa031f6
-A KNP-FORWARD -s fd00:1::10/128 -m physdev ! --physdev-is-bridged -m comment --comment "default/db egress" -j KNP-POD-E-e0578aa031f6
-A KNP-FORWARD -d fd00:1::10/128 -m physdev --physdev-is-bridged -m comment --comment "default/db ingress (bridged)" -j KNP-POD-I-e0578aa031f6
-A KNP-FORWARD -d fd00:1::10/128 -m physdev ! --physdev-is-bridged -m comment --comment "default/db ingress" -j KNP-POD-I-e0578aa031f6
-A KNP-FORWARD -m comment --comment "our two mark bits cleared, so no later rule sees them; other bits untouched" -j MARK --set-xmark 0x0/0x300000
-A KNP-POD-E-e0578aa031f6 -d fd00:1::10/128 -m comment --comment "default/db egress: a pod to itself" -j RETURN
-A KNP-POD-E-e0578aa031f6 -m comment --comment "default/db egress: policy default/test-network-policy" -j KNP-POL-E-fbfe7d0121eb
-A KNP-POD-E-e0578aa031f6 -m mark --mark 0x100000/0x100000 -m comment --comment "default/db egress: admitted by default/test-network-policy" -j RETURN
-A KNP-POD-E-e0578aa031f6 -m comment --comment "default/db egress: no policy admits" -j REJECT --reject-with icmp6-port-unreachable
-A KNP-POD-I-e0578aa031f6 -s fd00:1::10/128 -m comment --comment "default/db ingress: a pod to itself" -j RETURN
-A KNP-POD-I-e0578aa031f6 -m comment --comment "default/db ingress: policy default/test-network-policy" -j KNP-POL-I-fbfe7d0121eb
-A KNP-POD-I-e0578aa031f6 -m mark --mark 0x200000/0x200000 -m comment --comment "default/db ingress: admitted by default/test-network-policy" -j RETURN
-A KNP-POD-I-e0578aa031f6 -m comment --comment "default/db ingress: no policy admits" -j REJECT --reject-with icmp6-port-unreachable
-A KNP-POL-E-fbfe7d0121eb -p tcp -m set --match-set KNP-6P-57c699639edca983 dst -m set --match-set KNP-6T-f2050281986a4bb1 dst,dst -m comment --comment "default/test-network-policy egress[1] to[0] ports[0]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-E-fbfe7d0121eb -p udp -m set --match-set KNP-6P-57c699639edca983 dst -m udp --dport 5000:5010 -m comment --comment "default/test-network-policy egress[1] to[0] ports[1]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-E-fbfe7d0121eb -p sctp -m set --match-set KNP-6P-57c699639edca983 dst -m comment --comment "default/test-network-policy egress[1] to[0] ports[2]" -j MARK --set-xmark 0x100000/0x100000
-A KNP-POL-I-fbfe7d0121eb -p tcp -m set --match-set KNP-6P-57c699639edca983 src -m set --match-set KNP-6T-2436231ad4e1c23c dst,dst -m comment --comment "default/test-network-policy ingress[1] from[0] ports[0]" -j MARK --set-xmark 0x200000/0x200000
COMMIT
KNP_RULES_EOF
}
knp_rollback_6() {
cat <<'KNP_RULES_EOF'
*filter
:KNP-FORWARD - [0:0]
:KNP-POD-E-e0578aa031f6 - [0:0]
:KNP-POD-I-e0578aa031f6 - [0:0]
:KNP-POL-E-fbfe7d0121eb - [0:0]
:KNP-POL-I-fbfe7d0121eb - [0:0]
-D FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD
-X KNP-FORWARD
-X KNP-POD-E-e0578aa031f6
-X KNP-POD-I-e0578aa031f6
-X KNP-POL-E-fbfe7d0121eb
-X KNP-POL-I-fbfe7d0121eb
COMMIT
KNP_RULES_EOF
}
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
# Whether the filter table text $1 declares a chain of ours.
knp_declares_ours() {
  case "$nl$1" in *"$nl":KNP-FORWARD' '* | *"$nl":KNP-INPUT' '* | *"$nl":KNP-PO[DL]-[EI]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' '* | *"$nl":KNP-PASS-[EI]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' '*) return 0 ;; esac
  return 1
}
knp_warn() { printf 'knp: warning: %s\n' "$*" >&2; }

# One iptables-restore of family $1 reading knp_$2_$1 ($3: test, commit or rollback); all or nothing.
knp_restore() {
  knp_f=$1
  knp_in=knp_$2_$1
  knp_step=$3
  case $knp_f in 4) knp_r=iptables$knp_sfx-restore knp_fam=$knp_fam4 ;; *) knp_r=ip6tables$knp_sfx-restore knp_fam=$knp_fam6 ;; esac
  set -- --noflush
  if [ "$knp_step" = test ]; then set -- "$@" --test; fi
  case $knp_fam in *' wait=yes '*) set -- -w 10 "$@" ;; esac
  if knp_out=$("$knp_in" | "$knp_r" "$@" 2>&1); then
    echo "knp-report family=$knp_f step=$knp_step result=ok"
    return 0
  fi
  echo "knp-report family=$knp_f step=$knp_step result=failed"
  knp_err "IPv$knp_f $knp_step: $knp_r $* failed: $knp_out"
  return 1
}

# ipset refuses to destroy a set a rule still uses; with the nft backend the kernel drops the
# references of deleted rules a little after the commit, hence up to $2 tries. A set that is not
# there (never made) is no failure.
knp_destroy() {
  knp_try=1
  until knp_msg=$(ipset destroy "$1" </dev/null 2>&1); do
    if ! ipset list -t "$1" </dev/null >/dev/null 2>&1; then return 0; fi
    if [ "$knp_try" -ge "$2" ]; then
      echo "knp-report set=$1 step=destroy result=failed"
      knp_warn "could not destroy set $1 (a rule outside ours may still use it): $knp_msg"
      return 1
    fi
    knp_try=$((knp_try + 1))
    sleep 0.25 2>/dev/null || sleep 1
  done
}

# After a failure: the sets this run made go again, with $1 tries each.
knp_drop_created() {
  for knp_s in $knp_created; do knp_destroy "$knp_s" "$1" >/dev/null 2>&1 || :; done
}

knp_main() {
  knp_read_state || return
  if [ "$knp_check" = exact ]; then
    if [ "$(knp_print_state)" != "$(knp_expected_state)" ]; then
      echo 'knp-report step=check result=changed'
      knp_err 'the node changed since its state was read: nothing was done'
      return 75
    fi
  elif [ -n "$knp_sets" ] || knp_declares_ours "$knp_tab4" || knp_declares_ours "$knp_tab6"; then
    echo 'knp-report step=check result=changed'
    knp_err 'this node holds chains or sets of kubectl-netpol, and this program was computed for a node without any: nothing was done'
    return 75
  fi
  echo 'knp-report step=check result=ok'
  # 1. Sets first: named by their content, so existing ones are already right and new ones are
  #    not referred to by any rule yet.
  if [ -n "$knp_fill" ]; then
    if ! knp_out=$(knp_sets_text | ipset restore -exist 2>&1); then
      echo 'knp-report step=sets result=failed'
      knp_err "ipset restore failed: $knp_out"
      knp_drop_created 1
      return 1
    fi
    echo 'knp-report step=sets result=ok'
  fi
  # 2. A dry run of every family, so that one family is not swapped when another would fail.
  for knp_g in $knp_families; do
    if ! knp_restore "$knp_g" restore test; then
      knp_drop_created 1
      return 1
    fi
  done
  # 3. One transaction per family. When one fails after its dry run passed (another writer since,
  #    the kernel), the families already swapped are put back, so that the node never keeps new
  #    rules in one family and old ones in the other.
  knp_done=
  for knp_g in $knp_families; do
    if ! knp_restore "$knp_g" restore commit; then
      knp_tries=1
      if [ -n "$knp_done" ]; then knp_tries=20; fi
      for knp_h in $knp_done; do knp_restore "$knp_h" rollback rollback || knp_tries=1; done
      knp_drop_created "$knp_tries"
      return 1
    fi
    knp_done="$knp_done $knp_g"
  done
  # 4. Stale sets, now that no rule of ours refers to them.
  for knp_s in $knp_stale; do knp_destroy "$knp_s" 20 || :; done
  echo 'knp-report result=done'
}
knp_main
exit $?
