#!/usr/bin/env bash
# Mutation testing (StrykerJS): `pnpm mutation` runs it in every covered package in turn,
# `pnpm mutation ai-core` in one. A covered package is one with a stryker.config.mjs; it lists
# the files to mutate (shared settings: scripts/mutation.config.mjs). Incremental: each package's
# committed stryker-incremental.json lets a rerun test only the mutants whose code or tests
# changed. Reports go to packages/<name>/reports/mutation/ (index.html, mutation.json).
# Not part of ./scripts/test.sh: a full run takes tens of minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$aimux_root"

if [ "$#" -gt 0 ]; then
  packages=("$@")
else
  packages=()
  for config in packages/*/stryker.config.mjs; do
    packages+=("$(basename "$(dirname "$config")")")
  done
fi

needs_postgres=0
for name in "${packages[@]}"; do
  name=${name#packages/}
  [ -f "packages/$name/stryker.config.mjs" ] || {
    echo "mutation: packages/$name has no stryker.config.mjs" >&2
    exit 1
  }
  case "$name" in store-postgres | ai-rotation) needs_postgres=1 ;; esac
done
[ "$needs_postgres" = 0 ] || bash scripts/ensure-postgres.sh

status=0
for name in "${packages[@]}"; do
  name=${name#packages/}
  echo "mutation: packages/$name"
  start=$SECONDS
  (cd "packages/$name" && pnpm exec stryker run) || status=$?
  # The links scripts/mutation.config.mjs made for the sandbox go: vitest would otherwise find
  # the other packages' tests through .stryker-tmp.
  if [ -L "packages/$name/docs" ]; then rm "packages/$name/docs"; fi
  rm -rf "packages/$name/.stryker-tmp"
  # The incremental file is committed: format it as biome wants (a file over biome's size limit
  # is skipped by the linter anyway).
  pnpm exec biome format --write "packages/$name/stryker-incremental.json" >/dev/null 2>&1 || true
  echo "mutation: packages/$name took $((SECONDS - start))s"
done
exit "$status"
