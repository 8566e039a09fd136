import {
  AbortedError,
  AimuxError,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type Message,
  type Plugin,
  type ProviderAdapter,
  type Usage,
} from '@aimux/ai-core'
import {
  createClientCache,
  errorFromStatus,
  normalizeUsage,
  parseRetryAfter,
  redactSecrets,
} from '@aimux/ai-core/provider-kit'
import OpenAI from 'openai'

/**
 * A small provider plugin for any OpenAI-compatible Chat Completions endpoint, written with
 * defineProvider() exactly as a third-party plugin would be: text in, text out, streaming,
 * usage, typed errors and per-call credentials; it passes the provider conformance suite (its
 * tool tests left out). The full adapter (tools, images, structured output, the Responses API)
 * is @aimux/ai-openai; this one keeps the demo self-contained.
 */
export function openaiCompatible(options: OpenAICompatibleOptions): Plugin {
  const provider = openaiCompatibleAdapter(options)
  return { name: `openai-compatible:${options.id}`, setup: (host) => host.registerProvider(provider) }
}

export interface OpenAICompatibleOptions {
  id: string
  apiKey: string
  baseURL?: string
}

/** The adapter alone, as tests and the conformance suite call it. */
export function openaiCompatibleAdapter(options: OpenAICompatibleOptions): ProviderAdapter {
  // One client per set of credentials: the adapter's own, or those chosen for one call (by a
  // rotation plugin, say), which win. Retries off: the core owns them.
  const clientFor = createClientCache({
    provider: options.id,
    defaults: { apiKey: options.apiKey, baseURL: options.baseURL },
    requireApiKey: true,
    create: (settings) =>
      new OpenAI({
        apiKey: settings.apiKey,
        baseURL: settings.baseURL,
        defaultHeaders: settings.headers,
        maxRetries: 0,
      }),
  })
  return defineProvider({
    id: options.id,
    async generate(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const res = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map(toOpenAI),
            max_completion_tokens: request.maxOutputTokens,
          },
          { signal: ctx.signal },
        )
        const choice = res.choices[0]
        return {
          content: [{ type: 'text', text: choice?.message.content ?? '' }],
          finishReason: finishReason(choice?.finish_reason),
          usage: usageOf(res.usage),
          model: res.model,
        }
      } catch (error) {
        throw typed(error, ctx.signal, options.id, apiKey)
      }
    },
    async *stream(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const stream = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map(toOpenAI),
            max_completion_tokens: request.maxOutputTokens,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: ctx.signal },
        )
        let finish: FinishReason = 'other'
        let usage = normalizeUsage()
        for await (const chunk of stream) {
          const choice = chunk.choices[0]
          if (choice?.delta.content) yield { type: 'text-delta', text: choice.delta.content }
          if (choice?.finish_reason) finish = finishReason(choice.finish_reason)
          if (chunk.usage) usage = usageOf(chunk.usage)
        }
        // The SDK ends a stream quietly when its signal aborts; the port asks for an error.
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: options.id })
        yield { type: 'usage', usage }
        yield { type: 'finish', finishReason: finish }
      } catch (error) {
        // The typed error, before or after the first part: the core turns a failure after it
        // into a StreamInterruptedError holding the text that reached the caller.
        throw typed(error, ctx.signal, options.id, apiKey)
      }
    },
  })
}

function toOpenAI(message: Message): OpenAI.ChatCompletionMessageParam {
  const text =
    typeof message.content === 'string'
      ? message.content
      : message.content.map((part) => ('text' in part && part.type === 'text' ? part.text : '')).join('')
  return message.role === 'tool' ? { role: 'user', content: text } : { role: message.role, content: text }
}

function finishReason(reason: string | null | undefined): FinishReason {
  if (reason === 'stop') return 'stop'
  if (reason === 'length') return 'length'
  if (reason === 'content_filter') return 'content-filter'
  if (reason === 'tool_calls') return 'tool-calls'
  return 'other'
}

/** OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens, as aimux does. */
function usageOf(usage: OpenAI.CompletionUsage | null | undefined): Usage {
  return normalizeUsage({
    inputTokens: usage?.prompt_tokens ?? 0,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  })
}

function typed(error: unknown, signal: AbortSignal, provider: string, apiKey: string | undefined): unknown {
  if (signal.aborted) return new AbortedError('The call was aborted.', { provider, cause: error })
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const body = error.error as { message?: string; code?: string; type?: string } | undefined
    return errorFromStatus(error.status, {
      message: body?.message ?? error.message,
      code: body?.code,
      type: body?.type,
      retryAfterMs: parseRetryAfter(error.headers),
      provider,
      secrets: apiKey ? [apiKey] : [],
    })
  }
  if (AimuxError.is(error)) return error
  // Anything else (a refused connection, a stream cut half-way) is a failed connection.
  const reason = error instanceof Error ? error.message : String(error)
  return new ConnectionError(`${provider}: ${redactSecrets(reason, apiKey ? [apiKey] : [])}`, {
    provider,
    cause: error,
  })
}
