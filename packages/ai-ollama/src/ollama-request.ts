import type { ProviderRequest } from '@aimux/ai-core'
import type { ChatRequest, Options } from 'ollama'
import { toOllamaMessages } from './to-ollama-messages.js'

/**
 * The /api/chat request for an aimux request, without `stream`. Sampling settings go into
 * `options` (num_predict for maxOutputTokens); reasoning is `think` (the effort, for models that
 * take a level); JSON output is `format`. Ollama has no tool choice: 'none' sends no tools and a
 * named tool sends only that one. `providerOptions.ollama` is merged in last, its `options`
 * into the request's options (`keep_alive`, `options: { num_ctx }`, ...).
 */
export function ollamaRequest(request: ProviderRequest, keepAlive: string | number | undefined): ChatRequest {
  const options: Partial<Options> = {}
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.topP !== undefined) options.top_p = request.topP
  if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens
  if (request.stop?.length) options.stop = request.stop
  if (request.seed !== undefined) options.seed = request.seed

  const chat: ChatRequest = { model: request.model, messages: toOllamaMessages(request.messages) }
  const choice = request.toolChoice
  const tools =
    choice === 'none'
      ? []
      : (request.tools ?? []).filter((tool) => typeof choice !== 'object' || tool.name === choice.name)
  if (tools.length > 0) {
    chat.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        parameters: tool.parameters,
        ...(tool.description === undefined ? {} : { description: tool.description }),
      },
    }))
  }
  if (request.reasoning) chat.think = request.reasoning.effort ?? true
  if (request.responseFormat?.type === 'json') chat.format = request.responseFormat.schema ?? 'json'
  if (keepAlive !== undefined) chat.keep_alive = keepAlive

  const { options: extraOptions, ...extra } = (request.providerOptions?.ollama ?? {}) as {
    options?: Partial<Options>
  }
  const merged = { ...options, ...extraOptions }
  return { ...chat, ...(Object.keys(merged).length > 0 ? { options: merged } : {}), ...extra }
}
