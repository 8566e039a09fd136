import { type ProviderRequest, ValidationError } from '@aimux/ai-core'
import { toResponsesInput } from './to-openai-responses-messages.js'

/**
 * The Responses API request body for an aimux request: input items, function tools (not strict,
 * so any JSON schema is accepted), tool choice, structured output as `text.format`, sampling
 * settings, the output limit, reasoning effort with summaries, then `providerOptions[id]`, which
 * wins. A request for reasoning also asks for the reasoning items' `encrypted_content` and sets
 * `store: false`: the adapter sends the whole history each turn, reasoning items included, and
 * keeps nothing on OpenAI's side. The Responses API has no stop sequences and no seed: asking for
 * them is a ValidationError.
 */
export function responsesRequestBody(request: ProviderRequest, id: string): Record<string, unknown> {
  const unsupported = [
    ...(request.stop?.length ? ['stop'] : []),
    ...(request.seed === undefined ? [] : ['seed']),
  ]
  if (unsupported.length > 0) {
    const error = new ValidationError(
      `${id}: the Responses API does not take ${unsupported.join(' or ')}; use the Chat Completions API (api: 'chat') for them`,
      { provider: id, model: request.model },
    )
    error.issues = unsupported.map((path) => ({ path, message: 'not supported by the Responses API' }))
    throw error
  }
  const body: Record<string, unknown> = { model: request.model, input: toResponsesInput(request.messages) }
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
      strict: false,
    }))
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice =
      typeof request.toolChoice === 'string'
        ? request.toolChoice
        : { type: 'function', name: request.toolChoice.name }
  }
  if (request.responseFormat?.type === 'json') {
    const { schema, name } = request.responseFormat
    body.text = {
      format: schema ? { type: 'json_schema', name: name ?? 'response', schema } : { type: 'json_object' },
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens
  if (request.reasoning) {
    body.reasoning = {
      ...(request.reasoning.effort ? { effort: request.reasoning.effort } : {}),
      summary: 'auto',
    }
    body.store = false
    body.include = ['reasoning.encrypted_content']
  }
  return { ...body, ...request.providerOptions?.[id] }
}
