import {
  type Capabilities,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type PriceEntryInput,
  type ProviderAdapter,
} from '@aimux/ai-core'
import { invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions'
import { type ModelsEndpointConfig, modelsEndpoint } from '../models-endpoint.js'
import { type ClientConfig, openaiClients } from '../openai-client.js'
import { abortedError, mapOpenAIError } from '../openai-error.js'
import { openaiTokenCounting } from '../openai-tokenizer.js'
import { type ChatRequestDialect, chatRequestBody } from './openai-chat-request.js'
import {
  type ChatUsageWire,
  chatFinishReason,
  chatResult,
  chatUsage,
  type ReadUsage,
  reasoningOf,
  unreadableCompletion,
  wireUsage,
} from './openai-chat-response.js'
import {
  createReasoningDetailsAssembler,
  reasoningDetailsMetadata,
  reasoningDetailsOf,
} from './reasoning-details.js'
import { createToolCallAssembler } from './tool-call-assembler.js'

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
  /**
   * Reads a reply's usage (and reported cost) from the wire's `usage` object, whose vendor fields
   * are readable as `unknown`. Default: {@link chatUsage}, OpenAI's counting.
   */
  readUsage?: (usage: ChatUsageWire) => ReadUsage
  /**
   * The OpenAI model whose tokenizer counts a model's prompt (`countTokens`, and the core's budget
   * estimates and context-window trimming), or undefined for a model that is not OpenAI's: the
   * model itself for OpenAI, "gpt-4o" for OpenRouter's "openai/gpt-4o". Without it, or for a
   * model it maps to undefined, the core estimates at four characters a token.
   */
  tokenizerModel?: (model: string) => string | undefined
}

/**
 * The adapter for any OpenAI-compatible Chat Completions endpoint, on the official `openai` SDK:
 * generate and stream (text, reasoning and tool calls assembled from their fragments, then one
 * usage part and the finish), images, tools and tool choice, structured output, per-call
 * credentials, typed errors (an answer it cannot read is an InvalidResponseError), aborts, model
 * listing and credential checks. A stream that fails
 * throws the typed error; the core makes it a StreamInterruptedError once parts have reached the
 * caller.
 *
 * @example
 * const acme = createOpenAICompatibleAdapter({ id: 'acme', apiKeyEnv: 'ACME_API_KEY', baseURL: 'https://api.acme.dev/v1' })
 */
export function createOpenAICompatibleAdapter(config: OpenAICompatibleConfig): ProviderAdapter {
  const clientFor = openaiClients(config)
  const readUsage = config.readUsage ?? ((usage: ChatUsageWire): ReadUsage => ({ usage: chatUsage(usage) }))
  const provider = config.id
  const reasoningDetailsKey = config.reasoningDetails?.metadataKey

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
    ...(config.tokenizerModel
      ? openaiTokenCounting({ tokenizerModel: config.tokenizerModel, documentedFraming: true })
      : {}),

    async generate(request, ctx) {
      if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
      const { client, apiKey } = clientFor(ctx)
      const body = chatRequestBody(request, config) as unknown as ChatCompletionCreateParamsNonStreaming
      let completion: ChatCompletion
      try {
        completion = await client.chat.completions.create(body, { signal: sdkSignal(ctx) })
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
      const problem = unreadableCompletion(completion)
      if (problem) {
        throw invalidResponse({
          provider,
          model: request.model,
          problem,
          body: completion,
          secrets: [apiKey],
        })
      }
      return chatResult(completion, readUsage, { reasoningDetailsKey })
    },

    async *stream(request, ctx) {
      let apiKey = ''
      try {
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        const resolved = clientFor(ctx)
        apiKey = resolved.apiKey
        const body = chatRequestBody(request, config)
        const params = {
          ...body,
          stream: true,
          stream_options: { ...(body.stream_options as object | undefined), include_usage: true },
        } as unknown as ChatCompletionCreateParamsStreaming
        const stream = await resolved.client.chat.completions.create(params, { signal: ctx.signal })
        const calls = createToolCallAssembler()
        const details = createReasoningDetailsAssembler()
        let finish: FinishReason | undefined
        let read: ReadUsage | undefined
        let model: string | undefined
        for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
          if (chunk.model) model = chunk.model
          if (chunk.usage) read = readUsage(wireUsage(chunk.usage))
          const choice = chunk.choices?.[0]
          if (!choice) continue
          const reasoning = reasoningOf(choice.delta)
          if (reasoning) yield { type: 'reasoning-delta', text: reasoning }
          if (reasoningDetailsKey) details.add(reasoningDetailsOf(choice.delta) ?? [])
          if (choice.delta.content) yield { type: 'text-delta', text: choice.delta.content }
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
        // The reasoning blocks, whole, on a reasoning delta of their own that adds no text.
        const blocks = reasoningDetailsKey ? details.details() : undefined
        if (reasoningDetailsKey && blocks) {
          yield {
            type: 'reasoning-delta',
            text: '',
            providerMetadata: reasoningDetailsMetadata(reasoningDetailsKey, blocks),
          }
        }
        for (const toolCall of calls.calls()) yield { type: 'tool-call', toolCall }
        const usage = read ?? readUsage(wireUsage(undefined))
        yield usage.costNanoUsd === undefined
          ? { type: 'usage', usage: usage.usage }
          : { type: 'usage', usage: usage.usage, costNanoUsd: usage.costNanoUsd }
        yield { type: 'finish', finishReason: finish, ...(model ? { model } : {}) }
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
    },

    ...modelsEndpoint(clientFor, { provider, toModelInfo: config.toModelInfo, validate: config.validate }),
  })
}
