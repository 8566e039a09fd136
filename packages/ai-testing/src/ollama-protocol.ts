import { STATUS_CODES } from 'node:http'
import type { FinishReason } from '@aimux/ai-core'
import {
  type FakeRequest,
  ndjsonLine,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { ollamaEmbeddingsRoute } from './ollama-embeddings.js'
import type { ResolvedReply, ScriptedError } from './scripted-turn.js'

export interface OllamaProtocolOptions {
  /** The model names GET /api/tags lists. Default: llama3.2:latest and qwen3:8b. */
  models?: string[]
}

interface ChatRequestBody {
  model?: string
  stream?: boolean
}

/** Ollama has no tool-call, content-filter or error reason: those turns end with 'stop'. */
const doneReasons: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'stop',
  'content-filter': 'stop',
  error: 'stop',
  other: 'unload',
}

/**
 * The Ollama wire protocol, for {@link createFakeServer}: POST /api/chat as newline-delimited
 * JSON (streaming is Ollama's default) or, with `stream: false`, one JSON object; thinking as
 * `message.thinking`; tool calls as `message.tool_calls` with arguments as objects and no ids;
 * usage as `prompt_eval_count` and `eval_count` on the final `done` object, with a `done_reason`
 * that never says a tool was called; `{ error }` error bodies; GET /api/tags; POST /api/embed
 * (ollamaEmbeddingsRoute).
 *
 * @example const server = await createFakeServer(ollamaProtocol())
 */
export function ollamaProtocol(options: OllamaProtocolOptions = {}): WireProtocol {
  const models = options.models ?? ['llama3.2:latest', 'qwen3:8b']
  return {
    name: 'ollama',
    routes: [
      { method: 'POST', path: '/api/chat', reply: renderChat },
      ollamaEmbeddingsRoute(),
      {
        method: 'GET',
        path: '/api/tags',
        answer: () => ({
          type: 'json',
          body: {
            models: models.map((name) => ({
              name,
              model: name,
              modified_at: '2026-11-01T09:00:00.000000000Z',
              size: 2_019_393_189,
              digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
              details: {
                parent_model: '',
                format: 'gguf',
                family: 'llama',
                families: ['llama'],
                parameter_size: '3.2B',
                quantization_level: 'Q4_K_M',
              },
            })),
          },
        }),
      },
    ],
    errorBody: (error: ScriptedError['error']) => ({
      error: error.message ?? STATUS_CODES[error.status] ?? `status ${error.status}`,
    }),
  }
}

function renderChat(request: FakeRequest, reply: ResolvedReply): WireResponse {
  const body = (request.body ?? {}) as ChatRequestBody
  const model = reply.model ?? body.model ?? 'unknown'
  const createdAt = new Date().toISOString()
  const line = (message: Record<string, unknown>, done = false) => ({
    model,
    created_at: createdAt,
    message: { role: 'assistant', content: '', ...message },
    done,
  })
  const toolCalls = reply.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.args } }))
  const final = {
    done_reason: doneReasons[reply.finishReason],
    total_duration: 4_883_583_458,
    load_duration: 1_334_875,
    prompt_eval_count: reply.usage.inputTokens,
    prompt_eval_duration: 342_546_000,
    eval_count: reply.usage.outputTokens,
    eval_duration: 4_535_599_000,
  }

  if (body.stream === false) {
    const message = {
      content: reply.text,
      ...(reply.reasoning ? { thinking: reply.reasoning } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    }
    return { type: 'json', body: { ...line(message, true), ...final } }
  }
  const frames: WireFrame[] = [
    ...reply.reasoningChunks.map((thinking) => ({ data: ndjsonLine(line({ thinking })) })),
    ...reply.textChunks.map((content) => ({ data: ndjsonLine(line({ content })), text: true })),
  ]
  if (toolCalls.length > 0) frames.push({ data: ndjsonLine(line({ tool_calls: toolCalls })) })
  frames.push({ data: ndjsonLine({ ...line({}, true), ...final }) })
  return { type: 'stream', contentType: 'application/x-ndjson', frames }
}
