#!/bin/sh
# Start-up times of the CLI, measured with hyperfine (Debian package `hyperfine`): `kubectl netpol
# --help` through the real kubectl, the plugin alone, an offline `explain -f`, and for contrast bare
# Node.js and Node.js importing @kubernetes/client-node, which those commands never load (see
# test/cli/startup.test.ts). Prints hyperfine's report, then one median per command.
# Usage: scripts/startup-times.sh [RUNS]   (default 20; needs a build: npm run build)
set -eu
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
command -v hyperfine >/dev/null 2>&1 || { echo "startup-times: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
[ -f dist/src/cli/main.js ] || { echo "startup-times: no build found; run npm run build first" >&2; exit 2; }
PATH="$PWD/plugin:$PATH"
export PATH
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

set -- \
  "node -e 0" \
  "kubectl-netpol --help" \
  "kubectl-netpol explain -f examples/seed-cluster.yaml" \
  "node -e \"import('@kubernetes/client-node')\""
if command -v kubectl >/dev/null 2>&1; then set -- "$@" "kubectl netpol --help"; fi

echo "node $(node --version), $(hyperfine --version), $(nproc) CPUs, $RUNS runs each after 3 warm-ups"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out/times.json" "$@" >"$out/report.txt" 2>&1 || { cat "$out/report.txt" >&2; exit 2; }
cat "$out/report.txt"
echo
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
const ms = (s) => (s * 1000).toFixed(0).padStart(5) + " ms";
console.log("median   command");
for (const x of r) console.log(ms(x.median) + "  " + x.command);
' "$out/times.json"
