#!/usr/bin/env bash
# The quickstart demo, from a clean clone: installs Node 24 and pnpm into toolchain/ (once) and
# the workspace's dependencies, builds what the demo needs, and runs it. With no API key set it
# talks to a local fake provider server; with OPENAI_API_KEY set it talks to OpenAI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$aimux_root"

pnpm install --frozen-lockfile >/dev/null
pnpm exec turbo run build --filter=@aimux/example-quickstart... --output-logs=errors-only >/dev/null
pnpm --silent --filter @aimux/example-quickstart start
