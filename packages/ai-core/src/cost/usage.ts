/**
 * Token usage of one call, normalized across providers so that cost can be exact:
 * - inputTokens: every prompt token, cache reads and cache writes included
 * - cachedInputTokens: the part of inputTokens read from the provider's prompt cache
 * - cacheWriteTokens: the part of inputTokens written to the prompt cache
 * - outputTokens: every generated token, reasoning included
 * - reasoningTokens: the part of outputTokens spent on reasoning
 * - totalTokens: inputTokens + outputTokens
 */
export interface Usage {
  inputTokens: number
  cachedInputTokens: number
  cacheWriteTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
}

export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
  }
}

const count = (value: number | undefined) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0

/**
 * Completes a partial usage report: a missing, undefined or invalid count is 0 (never NaN),
 * and totalTokens defaults to input + output.
 */
export function normalizeUsage(partial: Partial<Usage> = {}): Usage {
  const usage: Usage = {
    inputTokens: count(partial.inputTokens),
    cachedInputTokens: count(partial.cachedInputTokens),
    cacheWriteTokens: count(partial.cacheWriteTokens),
    outputTokens: count(partial.outputTokens),
    reasoningTokens: count(partial.reasoningTokens),
    totalTokens: count(partial.totalTokens),
  }
  if (partial.totalTokens === undefined) usage.totalTokens = usage.inputTokens + usage.outputTokens
  return usage
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  }
}
