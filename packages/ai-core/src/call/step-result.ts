import { addCost, type Cost, computeCost, estimatedCost, reportedCost, zeroCost } from '../cost/cost.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { addUsage, emptyUsage, normalizeUsage, type Usage } from '../cost/usage.js'
import { estimatePromptTokens, estimateTokens } from '../spec/context-window.js'
import { type AssistantPart, type Message, textOfParts } from '../spec/message.js'
import type { ProviderResult } from '../spec/provider.js'
import type { ChatResult, StepResult } from '../spec/result.js'
import { usageUnreported } from '../spec/stream-assembler.js'
import type { ToolCall } from '../spec/tool.js'

/** Which provider, model and connection served a model call (after fallbacks). */
export interface Served {
  provider: string
  model: string
  connectionId?: string
}

/**
 * One model call's result, costed: nothing for an answer from the cache, the provider's own cost
 * when it reported one, else the price catalog's. A stream that never reported its usage has an
 * unknown cost: an estimate (source 'unknown', `estimated: true`) from `messages`, the prompt the
 * step sent, and its reply. The cost is final here, before any event or budget sees it.
 */
export function stepResult(
  prices: PriceCatalog,
  step: number,
  served: Served,
  result: ProviderResult,
  latencyMs: number,
  cached: boolean,
  messages: readonly Message[],
): StepResult {
  const usage = cached ? emptyUsage() : normalizeUsage(result.usage)
  const reported = result.costNanoUsd
  const cost = cached
    ? zeroCost('cache')
    : reported !== undefined && Number.isFinite(reported) && reported >= 0
      ? reportedCost(Math.round(reported))
      : usageUnreported(result)
        ? estimateUnreported(prices, served, messages, result.content)
        : computeCost(usage, prices.resolve(served.provider, served.model))
  const current: StepResult = {
    step,
    provider: served.provider,
    model: served.model,
    content: result.content,
    text: textOfParts(result.content),
    toolCalls: result.content.flatMap((part) => (part.type === 'tool-call' ? [toolCallOf(part)] : [])),
    toolResults: [],
    finishReason: result.finishReason,
    usage,
    cost,
    latencyMs,
    raw: result.raw,
  }
  if (result.model !== undefined && result.model !== served.model) current.responseModel = result.model
  return current
}

/** A request's result: the last step's answer, with usage and cost summed over every step. */
export function chatResult(requestId: string, steps: StepResult[], latencyMs: number): ChatResult {
  const last = steps[steps.length - 1]!
  return {
    text: last.text,
    reasoning: last.content.map((part) => (part.type === 'reasoning' ? part.text : '')).join(''),
    content: last.content,
    toolCalls: last.toolCalls,
    finishReason: last.finishReason,
    usage: sumUsage(steps),
    cost: sumCost(steps),
    provider: last.provider,
    model: last.model,
    requestId,
    latencyMs,
    steps,
    object: undefined,
    raw: last.raw,
  }
}

/**
 * What a call that reported no usage probably cost: the prompt it was sent and the reply it gave,
 * at about four characters a token, at the model's price (0 when it has none).
 */
function estimateUnreported(
  prices: PriceCatalog,
  served: Served,
  messages: readonly Message[],
  reply: AssistantPart[],
): Cost {
  const usage = normalizeUsage({
    inputTokens: estimatePromptTokens(messages),
    outputTokens: estimateTokens({ role: 'assistant', content: reply }),
  })
  return estimatedCost(usage, prices.resolve(served.provider, served.model))
}

export function toolCallOf(part: Extract<AssistantPart, { type: 'tool-call' }>): ToolCall {
  const call: ToolCall = { id: part.id, name: part.name, args: part.args }
  if (part.providerMetadata) call.providerMetadata = part.providerMetadata
  return call
}

export function sumUsage(steps: readonly StepResult[]): Usage {
  return steps.reduce((sum, s) => addUsage(sum, s.usage), emptyUsage())
}

export function sumCost(steps: readonly StepResult[]): Cost {
  const [first, ...rest] = steps
  return first ? rest.reduce((sum, s) => addCost(sum, s.cost), first.cost) : zeroCost()
}
