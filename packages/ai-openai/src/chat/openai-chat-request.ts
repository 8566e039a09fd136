import type { ProviderRequest } from '@aimux/ai-core'
import { toChatMessages } from './to-openai-chat-messages.js'

/** How a provider's Chat Completions requests differ from OpenAI's. */
export interface ChatRequestDialect {
  /** The provider id, whose entry in `request.providerOptions` is merged into the body. */
  id: string
  /** The field for `maxOutputTokens`. Default 'max_completion_tokens'. */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens'
  /** The fields for `request.reasoning`. Default `{ reasoning_effort: effort }`. */
  reasoning?: (reasoning: NonNullable<ProviderRequest['reasoning']>) => Record<string, unknown>
  /** Fields every request carries, such as OpenRouter's `usage: { include: true }`. */
  extraBody?: Record<string, unknown>
  /**
   * Reasoning blocks kept across turns, as OpenRouter asks: a reply's `reasoning_details` are kept
   * on its reasoning part as `providerMetadata[metadataKey].reasoningDetails` (merged by index
   * when streamed), and an assistant message whose reasoning parts carry them is sent with
   * `reasoning_details` set to them, unchanged. Default: off, nothing read or sent.
   */
  reasoningDetails?: { metadataKey: string }
}

/**
 * The Chat Completions request body for an aimux request: messages, tools and tool choice,
 * structured output from `responseFormat`, sampling settings, the output limit, stop sequences,
 * seed, reasoning effort, then the dialect's fields and `providerOptions[id]`, which win.
 */
export function chatRequestBody(
  request: ProviderRequest,
  dialect: ChatRequestDialect,
): Record<string, unknown> {
  const messages = toChatMessages(request.messages, {
    reasoningDetailsKey: dialect.reasoningDetails?.metadataKey,
  })
  const body: Record<string, unknown> = { model: request.model, messages }
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
      },
    }))
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice =
      typeof request.toolChoice === 'string'
        ? request.toolChoice
        : { type: 'function', function: { name: request.toolChoice.name } }
  }
  if (request.responseFormat?.type === 'json') {
    const { schema, name } = request.responseFormat
    body.response_format = schema
      ? { type: 'json_schema', json_schema: { name: name ?? 'response', schema } }
      : { type: 'json_object' }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.maxOutputTokens !== undefined) {
    body[dialect.maxTokensField ?? 'max_completion_tokens'] = request.maxOutputTokens
  }
  if (request.stop?.length) body.stop = request.stop
  if (request.seed !== undefined) body.seed = request.seed
  if (request.reasoning) {
    Object.assign(
      body,
      dialect.reasoning
        ? dialect.reasoning(request.reasoning)
        : request.reasoning.effort && { reasoning_effort: request.reasoning.effort },
    )
  }
  return { ...body, ...dialect.extraBody, ...request.providerOptions?.[dialect.id] }
}
