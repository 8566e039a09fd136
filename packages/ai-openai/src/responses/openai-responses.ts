import {
  type Capabilities,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type PriceEntryInput,
  type ProviderAdapter,
  type Usage,
} from '@aimux/ai-core'
import { invalidResponse, parseToolArguments, sdkSignal } from '@aimux/ai-core/provider-kit'
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses'
import { modelsEndpoint } from '../models-endpoint.js'
import { type ClientConfig, openaiClients } from '../openai-client.js'
import { abortedError, mapOpenAIError } from '../openai-error.js'
import { openaiTokenCounting } from '../openai-tokenizer.js'
import { responsesRequestBody } from './openai-responses-request.js'
import {
  failedResponse,
  reasoningMetadata,
  responsesFinishReason,
  responsesResult,
  responsesUsage,
  unreadableResponse,
} from './openai-responses-response.js'

export interface OpenAIResponsesConfig extends ClientConfig {
  capabilities?: Capabilities
  /** Built-in prices, loaded into the price catalog. */
  prices?: PriceEntryInput[]
  /**
   * The OpenAI model whose tokenizer counts a model's prompt, or undefined for one that is not
   * OpenAI's (see OpenAICompatibleConfig). Counts are never exact on this wire: the Responses
   * API's framing of its input items is not published.
   */
  tokenizerModel?: (model: string) => string | undefined
}

/**
 * The adapter for the OpenAI Responses API, on the official `openai` SDK: generate and stream
 * (text, reasoning summaries as reasoning, function calls assembled from their argument deltas,
 * then one usage part and the finish), with reasoning effort, encrypted reasoning items kept on
 * the reasoning part and sent back on the next turn, images, tools, structured output,
 * per-call credentials, typed errors and aborts. `listModels` and `validateCredentials` use GET /models.
 * A stream that fails throws the typed error; the core makes it a StreamInterruptedError once
 * parts have reached the caller.
 *
 * @example
 * const adapter = createOpenAIResponsesAdapter({ id: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: 'https://api.openai.com/v1' })
 */
export function createOpenAIResponsesAdapter(config: OpenAIResponsesConfig): ProviderAdapter {
  const clientFor = openaiClients(config)
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
    ...(config.tokenizerModel
      ? openaiTokenCounting({ tokenizerModel: config.tokenizerModel, documentedFraming: false })
      : {}),

    async generate(request, ctx) {
      if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
      const { client, apiKey } = clientFor(ctx)
      const body = responsesRequestBody(request, provider) as unknown as ResponseCreateParamsNonStreaming
      let response: Response
      try {
        response = await client.responses.create(body, { signal: sdkSignal(ctx) })
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
      const problem = unreadableResponse(response)
      if (problem) {
        throw invalidResponse({ provider, model: request.model, problem, body: response, secrets: [apiKey] })
      }
      if (response.status === 'failed') throw failedResponse(response, provider, request.model, [apiKey])
      return responsesResult(response)
    },

    async *stream(request, ctx) {
      let apiKey = ''
      try {
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        const resolved = clientFor(ctx)
        apiKey = resolved.apiKey
        const params = {
          ...responsesRequestBody(request, provider),
          stream: true,
        } as unknown as ResponseCreateParamsStreaming
        const stream = await resolved.client.responses.create(params, { signal: ctx.signal })
        const argumentDeltas = new Map<number, string>()
        let toolCalls = false
        let refused = false
        let end: { usage: Usage; finishReason: FinishReason; model?: string } | undefined
        for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
          switch (event.type) {
            case 'response.reasoning_summary_part.added':
              if (event.summary_index > 0) yield { type: 'reasoning-delta', text: '\n\n' }
              break
            case 'response.reasoning_summary_text.delta':
              yield { type: 'reasoning-delta', text: event.delta }
              break
            case 'response.refusal.delta':
            case 'response.output_text.delta':
              // A refusal is the reply's text, and the reason it ends.
              if (event.type === 'response.refusal.delta') refused = true
              yield { type: 'text-delta', text: event.delta }
              break
            case 'response.output_item.added':
              if (event.item.type === 'function_call') argumentDeltas.set(event.output_index, '')
              break
            case 'response.function_call_arguments.delta': {
              const json = argumentDeltas.get(event.output_index)
              if (json !== undefined) argumentDeltas.set(event.output_index, json + event.delta)
              break
            }
            case 'response.output_item.done': {
              if (event.item.type === 'reasoning') {
                // The finished item holds the encrypted content the next turn sends back.
                const providerMetadata = reasoningMetadata(event.item)
                if (providerMetadata) yield { type: 'reasoning-delta', text: '', providerMetadata }
                break
              }
              if (event.item.type !== 'function_call') break
              const { call_id, name, arguments: json } = event.item
              toolCalls = true
              yield {
                type: 'tool-call',
                toolCall: {
                  id: call_id,
                  name,
                  args: parseToolArguments(json || (argumentDeltas.get(event.output_index) ?? '')),
                },
              }
              break
            }
            case 'response.completed':
            case 'response.incomplete':
              end = {
                usage: responsesUsage(event.response.usage),
                finishReason: responsesFinishReason(event.response, { toolCalls, refused }),
                ...(event.response.model ? { model: event.response.model } : {}),
              }
              break
            case 'response.failed':
              throw failedResponse(event.response, provider, request.model, [apiKey])
          }
        }
        // The SDK ends a stream quietly when its signal aborts; the port asks for an error.
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        if (!end) {
          throw new ConnectionError(`${provider}: the stream ended before the response was complete`, {
            provider,
            model: request.model,
          })
        }
        yield { type: 'usage', usage: end.usage }
        yield { type: 'finish', finishReason: end.finishReason, ...(end.model ? { model: end.model } : {}) }
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
    },

    ...modelsEndpoint(clientFor, { provider }),
  })
}
