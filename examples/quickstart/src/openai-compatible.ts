import {
  AbortedError,
  ConnectionError,
  defineProvider,
  errorFromStatus,
  type FinishReason,
  type Message,
  normalizeUsage,
  type Plugin,
  parseRetryAfter,
  type Usage,
} from '@aimux/ai-core'
import OpenAI from 'openai'

/**
 * A small provider plugin for any OpenAI-compatible Chat Completions endpoint, written with
 * defineProvider() exactly as a third-party plugin would be: text in, text out, streaming,
 * usage and typed errors. The full adapter (tools, images, structured output, the Responses API)
 * is @aimux/ai-openai; this one keeps the demo self-contained.
 */
export function openaiCompatible(options: { id: string; apiKey: string; baseURL?: string }): Plugin {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 })
  const provider = defineProvider({
    id: options.id,
    async generate(request, ctx) {
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
        throw typed(error, ctx.signal, options)
      }
    },
    async *stream(request, ctx) {
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
        for await (const chunk of stream) {
          const choice = chunk.choices[0]
          if (choice?.delta.content) yield { type: 'text-delta', text: choice.delta.content }
          if (choice?.finish_reason) finish = finishReason(choice.finish_reason)
          if (chunk.usage) yield { type: 'usage', usage: usageOf(chunk.usage) }
        }
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: options.id })
        yield { type: 'finish', finishReason: finish }
      } catch (error) {
        throw typed(error, ctx.signal, options)
      }
    },
  })
  return { name: `openai-compatible:${options.id}`, setup: (host) => host.registerProvider(provider) }
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

function typed(error: unknown, signal: AbortSignal, options: { id: string; apiKey: string }): unknown {
  if (signal.aborted) return new AbortedError('The call was aborted.', { provider: options.id, cause: error })
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const body = error.error as { code?: string; type?: string } | undefined
    return errorFromStatus(error.status, {
      message: error.message,
      code: body?.code,
      type: body?.type,
      retryAfterMs: parseRetryAfter(error.headers),
      provider: options.id,
      secrets: [options.apiKey],
    })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ConnectionError(`${options.id}: ${error.message}`, { provider: options.id, cause: error })
  }
  return error
}
