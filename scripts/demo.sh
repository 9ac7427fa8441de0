#!/bin/sh
# The main job on the bundled example cluster (the seed article's example): explain its policies,
# answer a few can-reach questions, print the matrix, review a change (diff) and lint the policies. Runs through the real kubectl when it is installed, with
# plugin/ on PATH, exactly as a user would; otherwise runs the plugin directly.
set -u
cd "$(dirname "$0")/.." || exit 2
PATH="$PWD/plugin:$PATH"
export PATH
EXAMPLE=examples/seed-cluster.yaml
if command -v kubectl >/dev/null 2>&1; then netpol() { kubectl netpol "$@"; }; else netpol() { kubectl-netpol "$@"; }; fi

show() {
  printf '$ kubectl netpol %s\n' "$*"
  netpol "$@"
  code=$?
  printf '(exit %s)\n\n' "$code"
  [ "$code" -le 1 ] || exit "$code"
}

show explain -f "$EXAMPLE"
show explain pod/db-0 -n default -f "$EXAMPLE"
show can-reach default/frontend-0 default/db-0 --port 6379 -f "$EXAMPLE"
show can-reach myproject/client-0 default/db-0 --port redis -f "$EXAMPLE"
show can-reach my-namespace/batch-0 default/db-0 --port 6379 -f "$EXAMPLE"
show can-reach default/db-0 default/other-0 --port 5978 -f "$EXAMPLE"
show can-reach default/db-0 default/frontend-0 --port 80 -f "$EXAMPLE"
show matrix -n default --port 6379 --port 80 -f "$EXAMPLE"
show diff "$EXAMPLE" "$EXAMPLE,examples/db-from-other.yaml"
show lint -f "$EXAMPLE"
exit 0
