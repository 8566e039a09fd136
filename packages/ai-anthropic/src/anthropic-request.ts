import type { ProviderRequest, ToolChoice } from '@aimux/ai-core'
import type Anthropic from '@anthropic-ai/sdk'
import { toAnthropicMessages } from './to-anthropic-messages.js'

/** A Messages API request without `stream`, which each call sets. */
export type AnthropicRequest = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>

/**
 * The Messages API request for an aimux request. `max_tokens` is required by the API, so
 * `defaultMaxTokens` fills it in. temperature, topP and seed are not sent: API version
 * 2026-10-21, which this SDK speaks, refuses sampling parameters. `providerOptions.anthropic` is
 * merged in last (`cache_control`, `metadata`, `service_tier`, `thinking`, ...).
 */
export function anthropicRequest(request: ProviderRequest, defaultMaxTokens: number): AnthropicRequest {
  const { system, messages } = toAnthropicMessages(request.messages)
  const params: AnthropicRequest = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? defaultMaxTokens,
    messages,
  }
  if (system !== undefined) params.system = system
  if (request.stop?.length) params.stop_sequences = request.stop
  if (request.tools?.length) {
    params.tools = request.tools.map((tool) => ({
      name: tool.name,
      input_schema: tool.parameters as Anthropic.Tool.InputSchema,
      ...(tool.description === undefined ? {} : { description: tool.description }),
    }))
  }
  if (request.toolChoice && params.tools) params.tool_choice = toolChoice(request.toolChoice)
  const outputConfig: Anthropic.OutputConfig = {}
  if (request.reasoning) {
    const { budgetTokens, effort } = request.reasoning
    params.thinking = budgetTokens ? { type: 'enabled', budget_tokens: budgetTokens } : { type: 'adaptive' }
    if (effort) outputConfig.effort = effort
  }
  if (request.responseFormat?.type === 'json' && request.responseFormat.schema) {
    outputConfig.format = { type: 'json_schema', schema: request.responseFormat.schema }
  }
  if (Object.keys(outputConfig).length > 0) params.output_config = outputConfig
  return { ...params, ...request.providerOptions?.anthropic }
}

function toolChoice(choice: ToolChoice): Anthropic.ToolChoice {
  if (choice === 'auto') return { type: 'auto' }
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any' }
  return { type: 'tool', name: choice.name }
}
