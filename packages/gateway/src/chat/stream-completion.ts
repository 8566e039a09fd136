import type { AI, ChatRequest, StreamPart } from '@aimux/ai-core'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { GatewayEnv } from '../http/gateway-env.js'
import { errorResponse } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import { completionChunks } from './completion-chunks.js'
import { openaiFinishReason } from './finish-reason.js'

export interface StreamOptions {
  id: string
  created: number
  /** The model as the client named it. */
  model: string
  includeUsage: boolean
  headers: Record<string, string>
}

/**
 * Streams a completion as OpenAI does: server-sent `chat.completion.chunk` events (the role
 * first, then content and tool call deltas, the finish reason, the usage when asked for) and
 * `data: [DONE]`. The first part is awaited before anything is sent, so that a call refused at
 * once (a budget, a rate limit, an unknown model upstream) is an HTTP error with its status; an
 * error after the stream has started is an `{ error }` event, and the stream ends there. A client
 * that disconnects aborts the call.
 */
export async function streamCompletion(
  c: Context<GatewayEnv>,
  ai: AI,
  request: ChatRequest,
  options: StreamOptions,
): Promise<Response> {
  const abort = c.get('abort')
  let parts: AsyncIterator<StreamPart>
  let first: IteratorResult<StreamPart>
  try {
    parts = ai.stream(request)[Symbol.asyncIterator]()
    first = await parts.next()
  } catch (error) {
    return errorResponse(toGatewayError(error), options.headers)
  }
  for (const [name, value] of Object.entries(options.headers)) c.header(name, value)
  const chunks = completionChunks(options)

  return streamSSE(c, async (sse) => {
    sse.onAbort(() => abort.abort(new Error('The client closed the stream.')))
    const send = (data: unknown) => sse.writeSSE({ data: JSON.stringify(data) })
    let toolCalls = 0
    try {
      await send(chunks.role())
      for (let next = first; !next.done; next = await parts.next()) {
        const part = next.value
        if (part.type === 'text-delta' && part.text !== '') await send(chunks.content(part.text))
        else if (part.type === 'tool-call') await send(chunks.toolCall(toolCalls++, part.toolCall))
        else if (part.type === 'finish') {
          await send(chunks.finish(openaiFinishReason(part.finishReason)))
          if (options.includeUsage) await send(chunks.usage(part.usage))
        }
      }
      await sse.writeSSE({ data: '[DONE]' })
    } catch (error) {
      if (!abort.signal.aborted) await send(toGatewayError(error).body)
    } finally {
      // Stops the call when the loop was left early; a finished stream ignores it.
      await parts.return?.()
    }
  })
}
