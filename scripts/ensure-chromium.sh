#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium, for the dashboard's browser test
# (playwright-core drives it; no browser is ever downloaded by a test). Installs it with apt-get
# when missing, which needs root. AIMUX_CHROMIUM names another Chromium-based browser to use
# instead (a CI runner's own), which is then only checked. Prints one line; exits non-zero with
# the reason when it cannot.
set -euo pipefail

if [ -n "${AIMUX_CHROMIUM:-}" ]; then
  [ -x "$AIMUX_CHROMIUM" ] || { echo "chromium: AIMUX_CHROMIUM=$AIMUX_CHROMIUM is not an executable" >&2; exit 1; }
  echo "chromium: $("$AIMUX_CHROMIUM" --version 2>/dev/null || echo present) at $AIMUX_CHROMIUM (AIMUX_CHROMIUM)"
  exit 0
fi
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium: $CHROMIUM is missing and installing it needs root: run 'apt-get install chromium' as root" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $CHROMIUM is missing and there is no apt-get to install it with" >&2
  exit 1
fi
log=$(mktemp)
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  echo "chromium: apt-get install chromium failed: $(tail -n 1 "$log")" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium: apt-get installed the chromium package but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium) at $CHROMIUM"
