#!/bin/sh
# Builds the krew release archive dist/release/kubectl-netpol-vVERSION.tar.gz and writes its sha256
# into plugin/netpol.yaml. The archive holds one folder, kubectl-netpol/, with the compiled CLI
# (dist/src), the plugin/ launchers, package.json, README.md and the production node_modules.
#
# node_modules: `npm ci --omit=dev` in a temporary copy would fetch from the registry what the local
# npm cache lacks, so instead this copies the installed node_modules and runs `npm prune --omit=dev`
# there, which needs no network. It therefore needs an up-to-date `npm ci` first. Source maps and
# TypeScript declarations are dropped from the copy (they are not needed at run time).
#
# The archive is reproducible for a given tree (sorted names, fixed mtime and owner, gzip -n), so the
# sha256 in the manifest names exactly this archive. Usage: scripts/package.sh [OUTDIR]
set -eu
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="${1:-$ROOT/dist/release}"
VERSION="$(node -p 'require("./package.json").version')"
NAME="kubectl-netpol-v$VERSION"
MANIFEST="$ROOT/plugin/netpol.yaml"

[ -d node_modules ] || { echo "package: node_modules is missing: run npm ci first" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/kubectl-netpol"
mkdir -p "$stage/plugin" "$OUT"

# Compile src/ alone, so half-written tests elsewhere cannot break or leak into a release.
cat >"$work/tsconfig.json" <<JSON
{
  "extends": "$ROOT/tsconfig.json",
  "compilerOptions": { "rootDir": "$ROOT", "outDir": "$stage/dist", "typeRoots": ["$ROOT/node_modules/@types"] },
  "include": ["$ROOT/src/**/*.ts"]
}
JSON
"$ROOT/node_modules/.bin/tsc" -p "$work/tsconfig.json"
[ -f "$stage/dist/src/cli/main.js" ] || { echo "package: the build produced no dist/src/cli/main.js" >&2; exit 2; }

cp plugin/kubectl-netpol plugin/kubectl_complete-netpol "$stage/plugin/"
cp package.json package-lock.json README.md "$stage/"
[ ! -d examples ] || cp -R examples "$stage/examples"
cp -R node_modules "$stage/node_modules"
(cd "$stage" && npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund --loglevel=error)
find "$stage/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -exec rm -f {} +
rm -rf "$stage/node_modules/.bin" "$stage/node_modules/@types"

# The archive must run from any folder: check it before publishing it.
"$stage/plugin/kubectl-netpol" --version >/dev/null
"$stage/plugin/kubectl-netpol" explain -f "$stage/examples/seed-cluster.yaml" >/dev/null
(cd "$work" && node --input-type=module -e "await import('$stage/node_modules/@kubernetes/client-node/dist/index.js')")

archive="$OUT/$NAME.tar.gz"
tar -C "$work" --sort=name --mtime='2020-01-01 00:00Z' --owner=0 --group=0 --numeric-owner -cf - kubectl-netpol | gzip -n -9 >"$archive"
sum="$(sha256sum "$archive" | cut -d' ' -f1)"
sed -i \
  -e "s/^\(    sha256: \).*/\1$sum/" \
  -e "s/^\(  version: \).*/\1v$VERSION/" \
  -e "s#releases/download/v[^/]*/kubectl-netpol-v[^/]*\.tar\.gz#releases/download/v$VERSION/$NAME.tar.gz#" \
  -e "s#store/netpol/v[^/]*/#store/netpol/v$VERSION/#" \
  -e "s#dist/release/kubectl-netpol-v[^ ]*\.tar\.gz#dist/release/$NAME.tar.gz#" \
  "$MANIFEST"
echo "$archive ($(du -h "$archive" | cut -f1))"
echo "sha256 $sum written to plugin/netpol.yaml"
