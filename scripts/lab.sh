#!/bin/sh
# Builds (and removes) a lab of Kubernetes-like nodes out of network namespaces, so that the
# apply-node script can be run on a "node" and judged by real packets. Needs root and iproute2.
#
#   lab.sh up PREFIX SPEC     build the lab (first removing any lab of the same PREFIX)
#   lab.sh down PREFIX        remove it (processes inside its namespaces are killed)
#   lab.sh sweep              remove labs named knpl<PID>[tag]-* whose PID no longer runs (tests
#                             name their labs so; a crashed run's lab goes at the next up)
#   lab.sh list PREFIX        print the lab's namespace names
#
# SPEC is a file or a string of whitespace-separated entries ('#' starts a comment in a file):
#   node=NAME:N                 node netns PREFIX-NAME: bridge cni0 10.244.N.1/24 fd00:244:N::1/64,
#                               link eth0 192.168.56.(10+N)/24 fd00:56::(10+N)/64 (N in 1..50)
#   pod=NAME:NODE:H[:dual]      pod netns PREFIX-NAME: eth0 10.244.N.H/24 (and fd00:244:N::H/64 with
#                               :dual), veth'd into NODE's cni0, default routes via the bridge
#   ext=NAME:H                  "external" netns PREFIX-NAME on the node link: 192.168.56.H,
#                               fd00:56::H, routed to each node's pod subnet through that node
# By hand, e.g.:
#   sh scripts/lab.sh up knpl "node=node-a:1 node=node-b:2 pod=web:node-a:10:dual pod=db:node-b:10 ext=x:100"
#   kubectl netpol apply-node node-a -f cluster.yaml --dry-run | ip netns exec knpl-node-a sh -s
#   ip netns exec knpl-db nc -vz 10.244.1.10 8080       # any client run in a pod's namespace
#   sh scripts/lab.sh down knpl
# The node link is a bridge in a separate namespace PREFIX-wire (kept out of the nodes' netfilter),
# so traffic between nodes, and from an external host, is routed by the nodes, while traffic
# between two pods of one node is bridged by that node's cni0 (and seen by its FORWARD chain through
# br_netfilter, with --physdev-is-bridged).
# Interface names are limited to 15 bytes (IFNAMSIZ); pod and node names must therefore be short:
# [a-z0-9][a-z0-9-]{0,11}, and not 'wire'.
set -eu

die() { echo "lab.sh: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root (ip netns)"
command -v ip >/dev/null 2>&1 || die "needs iproute2 (ip)"

check_name() {
  case "$1" in
    ''|-*|*[!a-z0-9-]*) die "bad name '$1': use [a-z0-9-], not starting with '-'" ;;
    wire) die "name 'wire' is taken by the node link" ;;
  esac
  [ "${#1}" -le 12 ] || die "name '$1' longer than 12 characters"
}

check_num() {
  case "$1" in
    ''|*[!0-9]*) die "bad number '$1'" ;;
  esac
  [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || die "number $1 outside $2..$3"
}

# Sets net.* sysctls inside a namespace by writing /proc/sys (which shows the writer's own
# namespace), so that procps need not be installed: setns KEY=VALUE...
setns() {
  ns=$1; shift
  for kv in "$@"; do
    key=$(printf '%s' "${kv%%=*}" | tr . /)
    ip netns exec "$ns" sh -c 'printf "%s\n" "$2" > "/proc/sys/$1"' sh "$key" "${kv#*=}" \
      || die "cannot set ${kv%%=*} in $ns"
  done
}

# Kills what runs inside a namespace (our listeners and probers), then deletes it; a namespace
# kept alive by a process would otherwise survive its name.
remove_ns() {
  pids=$(ip netns pids "$1" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
  fi
  ip netns del "$1" 2>/dev/null || true
}

lab_names() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep "^$1-" || true
}

down() {
  for ns in $(lab_names "$1"); do remove_ns "$ns"; done
}

sweep() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^knpl[0-9]+[a-z0-9]*-' || true); do
    pid=$(printf '%s\n' "$ns" | sed -E 's/^knpl([0-9]+).*/\1/')
    [ -d "/proc/$pid" ] || remove_ns "$ns"
  done
}

spec_entries() {
  if [ -f "$1" ]; then sed 's/#.*//' "$1"; else printf '%s\n' "$1"; fi | tr ', \t' '\n\n\n' | grep -v '^$' || true
}

new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  # ICMP errors (our REJECTs) are rate-limited per destination by default: a burst of probes
  # would then see timeouts instead of "connection refused".
  setns "$1" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
  # Duplicate address detection would hold new IPv6 addresses (link-local ones too) tentative for
  # a second or two, and the first probes would time out.
  setns "$1" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

node_index() { # NAME -> N from the spec
  for e in $ENTRIES; do
    case "$e" in node="$1":*) echo "${e#node="$1":}"; return ;; esac
  done
  die "pod on unknown node '$1'"
}

up() {
  prefix=$1
  ENTRIES=$(spec_entries "$2")
  sweep
  down "$prefix"
  wire="$prefix-wire"
  new_ns "$wire"
  ip -n "$wire" link add br0 type bridge
  ip -n "$wire" link set br0 up
  # The wire is a plain switch: keep it out of netfilter.
  setns "$wire" net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0

  for e in $ENTRIES; do
    case "$e" in
      node=*)
        v=${e#node=}; name=${v%%:*}; n=${v#*:}
        check_name "$name"; check_num "$n" 1 50
        ns="$prefix-$name"
        new_ns "$ns"
        setns "$ns" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
          net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
        ip -n "$ns" link add cni0 type bridge
        ip -n "$ns" addr add "10.244.$n.1/24" dev cni0
        ip -n "$ns" addr add "fd00:244:$n::1/64" dev cni0 nodad
        ip -n "$ns" link set cni0 up
        ip -n "$ns" link add eth0 type veth peer name "n-$name" netns "$wire"
        ip -n "$ns" addr add "192.168.56.$((10 + n))/24" dev eth0
        ip -n "$ns" addr add "fd00:56::$((10 + n))/64" dev eth0 nodad
        ip -n "$ns" link set eth0 up
        ip -n "$wire" link set "n-$name" master br0 up
        ;;
      pod=*|ext=*) ;;
      *) die "unknown spec entry '$e'" ;;
    esac
  done

  # Routes between nodes need every node to exist first.
  for e in $ENTRIES; do
    case "$e" in node=*) ;; *) continue ;; esac
    v=${e#node=}; name=${v%%:*}; n=${v#*:}
    for o in $ENTRIES; do
      case "$o" in node=*) ;; *) continue ;; esac
      ov=${o#node=}; oname=${ov%%:*}; on=${ov#*:}
      [ "$oname" = "$name" ] && continue
      ip -n "$prefix-$name" route add "10.244.$on.0/24" via "192.168.56.$((10 + on))"
      ip -n "$prefix-$name" -6 route add "fd00:244:$on::/64" via "fd00:56::$((10 + on))"
    done
  done

  for e in $ENTRIES; do
    case "$e" in
      pod=*)
        v=${e#pod=}; name=${v%%:*}; rest=${v#*:}; node=${rest%%:*}; rest=${rest#*:}
        h=${rest%%:*}; dual=""
        [ "$rest" != "$h" ] && dual=${rest#*:}
        check_name "$name"; check_num "$h" 2 254
        [ -z "$dual" ] || [ "$dual" = dual ] || die "pod $name: unknown flag '$dual'"
        n=$(node_index "$node")
        ns="$prefix-$name"; nodens="$prefix-$node"
        new_ns "$ns"
        ip -n "$ns" link add eth0 type veth peer name "v$name" netns "$nodens"
        ip -n "$ns" addr add "10.244.$n.$h/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" route add default via "10.244.$n.1"
        if [ "$dual" = dual ]; then
          ip -n "$ns" addr add "fd00:244:$n::$h/64" dev eth0 nodad
          ip -n "$ns" -6 route add default via "fd00:244:$n::1"
        fi
        ip -n "$nodens" link set "v$name" master cni0 up
        ;;
      ext=*)
        v=${e#ext=}; name=${v%%:*}; h=${v#*:}
        check_name "$name"; check_num "$h" 2 254
        [ "$h" -lt 11 ] || [ "$h" -gt 60 ] || die "ext $name: 192.168.56.11..60 are node addresses"
        ns="$prefix-$name"
        new_ns "$ns"
        ip -n "$ns" link add eth0 type veth peer name "x-$name" netns "$wire"
        ip -n "$ns" addr add "192.168.56.$h/24" dev eth0
        ip -n "$ns" addr add "fd00:56::$h/64" dev eth0 nodad
        ip -n "$ns" link set eth0 up
        ip -n "$wire" link set "x-$name" master br0 up
        for o in $ENTRIES; do
          case "$o" in node=*) ;; *) continue ;; esac
          ov=${o#node=}; on=${ov#*:}
          ip -n "$ns" route add "10.244.$on.0/24" via "192.168.56.$((10 + on))"
          ip -n "$ns" -6 route add "fd00:244:$on::/64" via "fd00:56::$((10 + on))"
        done
        ;;
    esac
  done
}

cmd=${1:-}
case "$cmd" in
  up)
    [ $# -eq 3 ] || die "usage: lab.sh up PREFIX SPEC"
    check_prefix=$2
    case "$check_prefix" in ''|*[!a-z0-9]*) die "bad prefix '$2': use [a-z0-9]" ;; esac
    # Undo a half-built lab when a step fails.
    trap 'rc=$?; [ $rc -eq 0 ] || down "$2"; exit $rc' EXIT
    up "$2" "$3"
    trap - EXIT
    ;;
  down)
    [ $# -eq 2 ] || die "usage: lab.sh down PREFIX"
    case "$2" in ''|*[!a-z0-9]*) die "bad prefix '$2': use [a-z0-9]" ;; esac
    down "$2"
    ;;
  sweep) sweep ;;
  list)
    [ $# -eq 2 ] || die "usage: lab.sh list PREFIX"
    lab_names "$2"
    ;;
  *) die "usage: lab.sh up PREFIX SPEC | down PREFIX | sweep | list PREFIX" ;;
esac
