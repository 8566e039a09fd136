import { addCost, type Cost, computeCost, reportedCost, zeroCost } from '../cost/cost.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { addUsage, emptyUsage, normalizeUsage, type Usage } from '../cost/usage.js'
import { type AssistantPart, textOfParts } from '../spec/message.js'
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
 * unknown cost (source 'unknown', 0 until the request's accounting estimates it).
 */
export function stepResult(
  prices: PriceCatalog,
  step: number,
  served: Served,
  result: ProviderResult,
  latencyMs: number,
  cached: boolean,
): StepResult {
  const usage = cached ? emptyUsage() : normalizeUsage(result.usage)
  const reported = result.costNanoUsd
  const cost = cached
    ? zeroCost('cache')
    : reported !== undefined && Number.isFinite(reported) && reported >= 0
      ? reportedCost(Math.round(reported))
      : usageUnreported(result)
        ? zeroCost('unknown')
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
