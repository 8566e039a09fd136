import { STATUS_CODES } from 'node:http'
import type { WireProtocol } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'

export interface XAIChatProtocolOptions {
  /** The model ids GET /v1/models lists. Default: grok-4-1-fast-reasoning and grok-4.20-0309-reasoning. */
  models?: string[]
  /** The last text or tool-call piece in the chunk that carries `finish_reason`, as in {@link openaiChatProtocol}. Default false. */
  finishWithLastChunk?: boolean
}

/**
 * xAI's Chat Completions dialect, for {@link createFakeServer}: the OpenAI wire with reasoning as
 * `reasoning_content`, reasoning tokens counted outside completion_tokens (prompt 218 +
 * completion 16 + reasoning 82 = total 316), and xAI's error bodies, `{ code, error }` with the
 * message as a string (a wrong key is a 400 "Incorrect API key provided: ...").
 *
 * @example const server = await createFakeServer(xaiChatProtocol())
 */
export function xaiChatProtocol(options: XAIChatProtocolOptions = {}): WireProtocol {
  const base = openaiChatProtocol({
    models: options.models ?? ['grok-4-1-fast-reasoning', 'grok-4.20-0309-reasoning'],
    reasoningTokens: 'outside',
    finishWithLastChunk: options.finishWithLastChunk ?? false,
  })
  return {
    ...base,
    name: 'xai-chat',
    errorBody: (error) => ({
      code:
        error.code ??
        (error.status === 400 ? 'Client specified an invalid argument' : STATUS_CODES[error.status]),
      error: error.message ?? STATUS_CODES[error.status] ?? 'Error',
    }),
  }
}
