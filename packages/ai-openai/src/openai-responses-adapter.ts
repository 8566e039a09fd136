import {
  type AssistantPart,
  type Capabilities,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type PriceEntryInput,
  type ProviderAdapter,
  ProviderError,
  type Usage,
} from '@aimux/ai-core'
import { sdkSignal } from '@aimux/ai-core/provider-kit'
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses'
import { type ClientConfig, createClientResolver } from './client-resolver.js'
import { modelsEndpoint } from './models-endpoint.js'
import { abortedError, mapOpenAIError, mapOpenAIStreamError } from './openai-error.js'
import { responsesFinishReason } from './responses-finish-reason.js'
import { responsesRequestBody } from './responses-request-body.js'
import { responsesUsage } from './responses-usage.js'
import { parseToolArguments } from './tool-arguments.js'

export interface OpenAIResponsesConfig extends ClientConfig {
  capabilities?: Capabilities
  /** Built-in prices, loaded into the price catalog. */
  prices?: PriceEntryInput[]
}

/** A response the API marked failed, as a ProviderError (retryable when the server says it erred). */
function failedResponse(response: Response, provider: string, model: string): ProviderError {
  const message = response.error?.message ?? 'the response failed'
  return new ProviderError(`${provider}: ${message}`, {
    provider,
    model,
    retryable: response.error?.code === 'server_error',
  })
}

/**
 * The adapter for the OpenAI Responses API, on the official `openai` SDK: generate and stream
 * (text, reasoning summaries as reasoning, function calls assembled from their argument deltas,
 * then one usage part and the finish), with reasoning effort, images, tools, structured output,
 * per-call credentials, typed errors and aborts. `listModels` and `validateCredentials` use GET /models.
 *
 * @example
 * const adapter = createOpenAIResponsesAdapter({ id: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: 'https://api.openai.com/v1' })
 */
export function createOpenAIResponsesAdapter(config: OpenAIResponsesConfig): ProviderAdapter {
  const resolve = createClientResolver(config)
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
      const body = responsesRequestBody(request, provider) as unknown as ResponseCreateParamsNonStreaming
      let response: Response
      try {
        response = await client.responses.create(body, { signal: sdkSignal(ctx) })
      } catch (error) {
        throw mapOpenAIError(error, { provider, model: request.model, signal: ctx.signal, apiKey })
      }
      if (response.status === 'failed') throw failedResponse(response, provider, request.model)
      const content: AssistantPart[] = []
      let refused = false
      for (const item of response.output) {
        if (item.type === 'reasoning') {
          const text = item.summary.map((summary) => summary.text).join('\n\n')
          if (text) content.push({ type: 'reasoning', text })
        } else if (item.type === 'message') {
          for (const part of item.content) {
            if (part.type === 'refusal') refused = true
            content.push({ type: 'text', text: part.type === 'refusal' ? part.refusal : part.text })
          }
        } else if (item.type === 'function_call') {
          content.push({
            type: 'tool-call',
            id: item.call_id,
            name: item.name,
            args: parseToolArguments(item.arguments),
          })
        }
      }
      return {
        content,
        finishReason: responsesFinishReason(response, {
          toolCalls: content.some((part) => part.type === 'tool-call'),
          refused,
        }),
        usage: responsesUsage(response.usage),
        ...(response.model ? { model: response.model } : {}),
        raw: response,
      }
    },

    async *stream(request, ctx) {
      const state = { started: false, text: '' }
      let apiKey = ''
      try {
        if (ctx.signal.aborted) throw abortedError(provider, ctx.signal, request.model)
        const resolved = resolve(ctx)
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
              if (event.summary_index > 0) {
                state.started = true
                yield { type: 'reasoning-delta', text: '\n\n' }
              }
              break
            case 'response.reasoning_summary_text.delta':
              state.started = true
              yield { type: 'reasoning-delta', text: event.delta }
              break
            case 'response.refusal.delta':
            case 'response.output_text.delta':
              // A refusal is the reply's text, and the reason it ends.
              if (event.type === 'response.refusal.delta') refused = true
              state.started = true
              state.text += event.delta
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
              throw failedResponse(event.response, provider, request.model)
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
        throw mapOpenAIStreamError(error, {
          provider,
          model: request.model,
          signal: ctx.signal,
          apiKey,
          ...state,
        })
      }
    },

    ...modelsEndpoint(resolve, { provider }),
  })
}
