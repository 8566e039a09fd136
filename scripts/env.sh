# Sourced by the other scripts: puts this repository's own Node.js 24 and pnpm first on PATH,
# installing them from the npm registry into toolchain/node_modules on first use (or when
# toolchain/package-lock.json changes). Nothing outside the repository is touched.
aimux_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
aimux_tc="$aimux_root/toolchain"
if ! cmp -s "$aimux_tc/package-lock.json" "$aimux_tc/node_modules/.aimux-installed" 2>/dev/null; then
  echo "aimux: installing Node.js and pnpm into toolchain/ (once)" >&2
  (cd "$aimux_tc" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  cp "$aimux_tc/package-lock.json" "$aimux_tc/node_modules/.aimux-installed"
fi
export PATH="$aimux_tc/node_modules/.bin:$PATH"
# Native addons compile against Node 24's own headers, not the system Node's.
for aimux_nodedir in "$aimux_tc"/node_modules/node/node_modules/node-*; do
  export npm_config_nodedir="$aimux_nodedir"
done
# Telemetry off; the workspace runs offline apart from the package registry.
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
