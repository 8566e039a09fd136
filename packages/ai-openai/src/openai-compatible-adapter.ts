import {
  type AssistantPart,
  type Capabilities,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type PriceEntryInput,
  type ProviderAdapter,
  type Usage,
} from '@aimux/ai-core'
import { sdkSignal } from '@aimux/ai-core/provider-kit'
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions'
import type { CompletionUsage } from 'openai/resources/completions'
import { chatFinishReason } from './chat-finish-reason.js'
import { type ChatRequestDialect, chatRequestBody } from './chat-request-body.js'
import { chatUsage } from './chat-usage.js'
import { type ClientConfig, createClientResolver } from './client-resolver.js'
import { type ModelsEndpointConfig, modelsEndpoint } from './models-endpoint.js'
import { abortedError, mapOpenAIError, mapOpenAIStreamError } from './openai-error.js'
import { parseToolArguments } from './tool-arguments.js'
import { createToolCallAssembler } from './tool-call-assembler.js'

/** Usage read from a reply, with the cost when the provider reports one (OpenRouter does). */
export interface ReadUsage {
  usage: Usage
  costNanoUsd?: number
}

/**
 * A provider on the OpenAI Chat Completions wire: where it lives, its credentials, and what its
 * dialect does differently. OpenAI, xAI and OpenRouter are all this adapter with their own config.
 */
export interface OpenAICompatibleConfig
  extends ClientConfig,
    ChatRequestDialect,
    Omit<ModelsEndpointConfig, 'provider'> {
  capabilities?: Capabilities
  /** Built-in prices, loaded into the price catalog. */
  prices?: PriceEntryInput[]
  /** Reads a reply's usage (and reported cost). Default: {@link chatUsage}, OpenAI's counting. */
  readUsage?: (usage: CompletionUsage) => ReadUsage
}

/** Reasoning text, which xAI (and DeepSeek) send as `reasoning_content` and OpenRouter as `reasoning`. */
function reasoningOf(message: object | undefined): string {
  const { reasoning_content, reasoning } = (message ?? {}) as {
    reasoning_content?: unknown
    reasoning?: unknown
  }
  if (typeof reasoning_content === 'string') return reasoning_content
  return typeof reasoning === 'string' ? reasoning : ''
}

/**
 * The adapter for any OpenAI-compatible Chat Completions endpoint, on the official `openai` SDK:
 * generate and stream (text, reasoning and tool calls assembled from their fragments, then one
 * usage part and the finish), images, tools and tool choice, structured output, per-call
 * credentials, typed errors, aborts, model listing and credential checks.
 *
 * @example
 * const acme = createOpenAICompatibleAdapter({ id: 'acme', apiKeyEnv: 'ACME_API_KEY', baseURL: 'https://api.acme.dev/v1' })
 */
export function createOpenAICompatibleAdapter(config: OpenAICompatibleConfig): ProviderAdapter {
  const resolve = createClientResolver(config)
  const readUsage: (usage: CompletionUsage) => ReadUsage =
    config.readUsage ?? ((usage: CompletionUsage) => ({ usage: chatUsage(usage) }))
  const provider = config.id

  return defineProvider({
    id: provider,
    capabilities: config.capabilities ?? {
      streaming: true,
      tools: true,
      vision: true,
      json: true,
      reasoning: true,
    },
    ...(config.prices ? { prices: config.prices } : {}),

    async generate(request, ctx) {
      if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
      const { client, apiKey } = resolve(ctx)
      const body = chatRequestBody(request, config) as unknown as ChatCompletionCreateParamsNonStreaming
      let completion: ChatCompletion
      try {
        completion = await client.chat.completions.create(body, { signal: sdkSignal(ctx) })
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
      const choice = completion.choices[0]
      const content: AssistantPart[] = []
      const reasoning = reasoningOf(choice?.message)
      if (reasoning) content.push({ type: 'reasoning', text: reasoning })
      if (choice?.message.content) content.push({ type: 'text', text: choice.message.content })
      for (const [index, call] of (choice?.message.tool_calls ?? []).entries()) {
        if (call.type !== 'function') continue
        content.push({
          type: 'tool-call',
          id: call.id || `call_${index}`,
          name: call.function.name,
          args: parseToolArguments(call.function.arguments),
        })
      }
      const { usage, costNanoUsd } = readUsage(completion.usage ?? ({} as CompletionUsage))
      return {
        content,
        finishReason: chatFinishReason(choice?.finish_reason),
        usage,
        ...(costNanoUsd === undefined ? {} : { costNanoUsd }),
        ...(completion.model ? { model: completion.model } : {}),
        raw: completion,
      }
    },

    async *stream(request, ctx) {
      const state = { started: false, text: '' }
      let apiKey = ''
      try {
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        const resolved = resolve(ctx)
        apiKey = resolved.apiKey
        const body = chatRequestBody(request, config)
        const params = {
          ...body,
          stream: true,
          stream_options: { ...(body.stream_options as object | undefined), include_usage: true },
        } as unknown as ChatCompletionCreateParamsStreaming
        const stream = await resolved.client.chat.completions.create(params, { signal: ctx.signal })
        const calls = createToolCallAssembler()
        let finish: FinishReason | undefined
        let read: ReadUsage | undefined
        let model: string | undefined
        for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
          if (chunk.model) model = chunk.model
          if (chunk.usage) read = readUsage(chunk.usage)
          const choice = chunk.choices[0]
          if (!choice) continue
          const reasoning = reasoningOf(choice.delta)
          if (reasoning) {
            state.started = true
            yield { type: 'reasoning-delta', text: reasoning }
          }
          if (choice.delta.content) {
            state.started = true
            state.text += choice.delta.content
            yield { type: 'text-delta', text: choice.delta.content }
          }
          for (const fragment of choice.delta.tool_calls ?? []) calls.add(fragment)
          if (choice.finish_reason) finish = chatFinishReason(choice.finish_reason)
        }
        // The SDK ends a stream quietly when its signal aborts; the port asks for an error.
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        if (finish === undefined) {
          throw new ConnectionError(`${provider}: the stream ended before the reply was complete`, {
            provider,
            model: request.model,
          })
        }
        for (const toolCall of calls.calls()) yield { type: 'tool-call', toolCall }
        const usage = read ?? readUsage({} as CompletionUsage)
        yield usage.costNanoUsd === undefined
          ? { type: 'usage', usage: usage.usage }
          : { type: 'usage', usage: usage.usage, costNanoUsd: usage.costNanoUsd }
        yield { type: 'finish', finishReason: finish, ...(model ? { model } : {}) }
      } catch (error) {
        throw mapOpenAIStreamError(error, {
          provider,
          model: request.model,
          signal: ctx.signal,
          apiKey,
          ...state,
        })
      }
    },

    ...modelsEndpoint(resolve, { provider, toModelInfo: config.toModelInfo, validate: config.validate }),
  })
}
