import type { ProviderRequest, ToolChoice } from '@aimux/ai-core'
import type Anthropic from '@anthropic-ai/sdk'
import { cacheControlOf, checkCacheBreakpoints, withCacheControl } from './anthropic-cache-control.js'
import { toAnthropicMessages } from './to-anthropic-messages.js'

/** A Messages API request without `stream`, which each call sets. */
export type AnthropicRequest = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>

/**
 * The Messages API request for an aimux request. `max_tokens` is required by the API, so
 * `defaultMaxTokens` fills it in. temperature, topP and seed are not sent: API version
 * 2026-10-21, which this SDK speaks, refuses sampling parameters. `providerOptions.anthropic` is
 * merged in last (`cache_control`, `metadata`, `service_tier`, `thinking`, ...). Block-level cache
 * breakpoints come from `providerMetadata.anthropic.cacheControl` on text parts, system messages
 * and tools; more than Anthropic's 4 in all (the top-level `cache_control` counts as one) is a
 * ValidationError.
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
    params.tools = request.tools.map((tool, t) =>
      withCacheControl(
        {
          name: tool.name,
          input_schema: tool.parameters as Anthropic.Tool.InputSchema,
          ...(tool.description === undefined ? {} : { description: tool.description }),
        },
        cacheControlOf(tool.providerMetadata, `tools[${t}]`),
      ),
    )
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
  const merged: AnthropicRequest = { ...params, ...request.providerOptions?.anthropic }
  checkCacheBreakpoints(merged)
  return merged
}

/** A count_tokens request: the Messages API request without what only a generation takes. */
export type AnthropicCountRequest = Anthropic.MessageCountTokensParams

/**
 * The count_tokens request for an aimux request: the same mapping as a chat call (system prompt,
 * tools and tool choice, images, thinking, output format), keeping only the fields the endpoint
 * takes (it refuses `max_tokens`, `stop_sequences`, `metadata` and the like).
 */
export function anthropicCountRequest(
  request: ProviderRequest,
  defaultMaxTokens: number,
): AnthropicCountRequest {
  const params = anthropicRequest(request, defaultMaxTokens)
  const counted: AnthropicCountRequest = { model: params.model, messages: params.messages }
  if (params.system !== undefined) counted.system = params.system
  if (params.tools !== undefined) counted.tools = params.tools as AnthropicCountRequest['tools']
  if (params.tool_choice !== undefined) counted.tool_choice = params.tool_choice
  if (params.thinking !== undefined) counted.thinking = params.thinking
  if (params.output_config !== undefined) counted.output_config = params.output_config
  if (params.cache_control !== undefined) counted.cache_control = params.cache_control
  return counted
}

function toolChoice(choice: ToolChoice): Anthropic.ToolChoice {
  if (choice === 'auto') return { type: 'auto' }
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any' }
  return { type: 'tool', name: choice.name }
}
