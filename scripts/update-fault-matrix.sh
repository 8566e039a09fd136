#!/usr/bin/env bash
# Runs each adapter's fault-matrix suite, one package after the other, with
# AIMUX_FAULT_MATRIX_WRITE=1: each writes its column of the table in docs/reliability.md.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$aimux_root" || exit 1
failed=0
for package in ai-openai ai-anthropic ai-gemini ai-ollama ai-xai ai-openrouter; do
  (cd "packages/$package" && AIMUX_FAULT_MATRIX_WRITE=1 pnpm exec vitest run src/*-fault-matrix.test.ts) || failed=1
done
exit "$failed"
