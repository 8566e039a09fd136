import { type Cost, formatUsd, type Usage } from '@aimux/ai-core'

/** A call's cost for people: exact dollars, marked when it is an estimate or the model has no price. */
export function formatCost(cost: Cost): string {
  if (cost.source === 'unpriced') return `${formatUsd(cost.nanoUsd)} (no price known)`
  return cost.estimated ? `~${formatUsd(cost.nanoUsd)} (estimated)` : formatUsd(cost.nanoUsd)
}

const count = (n: number) => n.toLocaleString('en-US')

/** "1,200 in, 30 out tokens", with the cached and reasoning parts when there are any. */
export function formatTokens(usage: Usage): string {
  const input =
    usage.cachedInputTokens > 0
      ? `${count(usage.inputTokens)} in (${count(usage.cachedInputTokens)} cached)`
      : `${count(usage.inputTokens)} in`
  const output =
    usage.reasoningTokens > 0
      ? `${count(usage.outputTokens)} out (${count(usage.reasoningTokens)} reasoning)`
      : `${count(usage.outputTokens)} out`
  return `${input}, ${output} tokens`
}
