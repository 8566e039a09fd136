#!/usr/bin/env bash
# Every check the project has, from a clean clone: installs Node 24 and pnpm into toolchain/
# (once), the workspace's dependencies from the lockfile, brings up PostgreSQL and Redis for the
# store, gateway and shared-state tests, then builds, typechecks, lints, runs every test suite and
# checks every package as published (publint, are-the-types-wrong), then
# rehearses the release on a scratch copy (scripts/release-dry-run.mjs: changeset version, pack,
# and a look inside every tarball).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$aimux_root"

pnpm install --frozen-lockfile
rm -f packages/*/.test-results.json examples/*/.test-results.json
status=0
bash scripts/ensure-postgres.sh || status=$?
bash scripts/ensure-redis.sh || status=$?
bash scripts/ensure-chromium.sh || status=$?
# The CLI's interactive tests drive it through a terminal multiplexer.
command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } || status=$?
pnpm exec turbo run build typecheck lint test check:package --continue || status=$?
# bench/ is no package: its scripts are checked against the packages just built.
pnpm typecheck:bench || status=$?
node scripts/release-dry-run.mjs || status=$?
node scripts/test-summary.mjs || status=$?
exit "$status"
