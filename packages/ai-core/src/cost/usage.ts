/**
 * Token usage of one call, normalized across providers so that cost can be exact:
 * - inputTokens: every prompt token, cache reads and cache writes included
 * - cachedInputTokens: the part of inputTokens read from the provider's prompt cache
 * - cacheWriteTokens: the part of inputTokens written to the prompt cache
 * - cacheWrite1hTokens (optional): the part of cacheWriteTokens written with a 1-hour lifetime,
 *   which Anthropic prices apart from the default 5-minute writes; absent when there is none
 * - outputTokens: every generated token, reasoning included
 * - reasoningTokens: the part of outputTokens spent on reasoning
 * - totalTokens: inputTokens + outputTokens
 */
export interface Usage {
  inputTokens: number
  cachedInputTokens: number
  cacheWriteTokens: number
  cacheWrite1hTokens?: number
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
 * and totalTokens defaults to input + output. cacheWrite1hTokens is kept only when above 0, and
 * never above cacheWriteTokens.
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
  return withCacheWrite1h(usage, count(partial.cacheWrite1hTokens))
}

function withCacheWrite1h(usage: Usage, tokens: number): Usage {
  const oneHour = Math.min(tokens, usage.cacheWriteTokens)
  if (oneHour > 0) usage.cacheWrite1hTokens = oneHour
  return usage
}

export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  }
  return withCacheWrite1h(sum, (a.cacheWrite1hTokens ?? 0) + (b.cacheWrite1hTokens ?? 0))
}
