import type { ChatRequest, Tool } from '@aimux/ai-core'
import { type CallSettings, callerFields } from '../http/caller-fields.js'
import type { ChatCompletionRequest } from './chat-completion-request.js'
import { toAimuxMessages } from './to-aimux-messages.js'

/**
 * An OpenAI Chat Completions request as an aimux request. The client's tools have no `execute`:
 * the core hands their calls back (maxSteps 1), and the gateway returns them as `tool_calls`.
 * A virtual key brings its scope and its limits, counted under the key's id.
 */
export function toAimuxRequest(body: ChatCompletionRequest, settings: CallSettings): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: toAimuxMessages(body.messages),
    ...callerFields(settings, body.user),
  }
  if (body.tools?.length) {
    request.tools = body.tools.map((tool): Tool => {
      const { name, description, parameters } = tool.function
      return {
        name,
        ...(description === undefined ? {} : { description }),
        parameters: parameters ?? { type: 'object', properties: {} },
      }
    })
  }
  const choice = body.tool_choice
  if (choice)
    request.toolChoice = typeof choice === 'string' ? choice : { type: 'tool', name: choice.function.name }
  const format = body.response_format
  // Handed to the provider as it is; the reply comes back unparsed, as from OpenAI itself.
  if (format?.type === 'json_schema') {
    const { name, schema } = format.json_schema
    request.responseFormat = { type: 'json', name, ...(schema ? { schema } : {}) }
  } else if (format?.type === 'json_object') {
    request.responseFormat = { type: 'json' }
  }
  if (body.temperature != null) request.temperature = body.temperature
  if (body.top_p != null) request.topP = body.top_p
  const maxTokens = body.max_completion_tokens ?? body.max_tokens
  if (maxTokens != null) request.maxOutputTokens = maxTokens
  if (body.stop != null) request.stop = body.stop
  if (body.seed != null) request.seed = body.seed
  if (body.reasoning_effort != null) request.reasoning = { effort: body.reasoning_effort }
  return request
}
