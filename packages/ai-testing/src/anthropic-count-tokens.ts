import type { FakeRequest, WireResponse } from './fake-server.js'
import { fakeJsonTokenCount, fakeTokenCount } from './fake-token-count.js'

/** What the fake counts for each message's framing. */
export const ANTHROPIC_MESSAGE_TOKENS = 3
/** What the fake counts for each image: about what Anthropic counts for a 1092x1092 image. */
export const ANTHROPIC_IMAGE_TOKENS = 1_600

/** The fields POST /v1/messages/count_tokens takes; the API refuses any other, `max_tokens` included. */
const fields = new Set([
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'cache_control',
  'speed',
  'mcp_servers',
  'context_management',
])

type ErrorAnswer = (status: number, message: string) => WireResponse

/**
 * Answers POST /v1/messages/count_tokens as `{ input_tokens }`, counted by the fake's rule
 * ({@link fakeTokenCount}) over every text the request carries: the system prompt, each
 * message's text, thinking, tool_use name and input, and tool_result content, and each tool's
 * name, description and input schema; plus ANTHROPIC_MESSAGE_TOKENS a message and
 * ANTHROPIC_IMAGE_TOKENS an image. Refuses, with the API's error bodies, a body without `model` or
 * `messages` and a field the endpoint does not take (400 invalid_request_error), and a model not
 * in the protocol's `models` (404 not_found_error).
 */
export function answerAnthropicCount(request: FakeRequest, models: readonly string[], error: ErrorAnswer) {
  const body = request.body
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return error(400, 'The request body is not valid JSON.')
  }
  const params = body as Record<string, unknown>
  for (const field of ['model', 'messages']) {
    if (params[field] === undefined) return error(400, `${field}: Field required`)
  }
  const extra = Object.keys(params).find((field) => !fields.has(field))
  if (extra) return error(400, `${extra}: Extra inputs are not permitted`)
  if (typeof params.model !== 'string' || !models.includes(params.model)) {
    return error(404, `model: ${String(params.model)}`)
  }
  if (!Array.isArray(params.messages)) return error(400, 'messages: Input should be a valid list')
  let tokens = contentTokens(params.system)
  for (const message of params.messages as { content?: unknown }[]) {
    tokens += ANTHROPIC_MESSAGE_TOKENS + contentTokens(message.content)
  }
  for (const tool of (params.tools ?? []) as Record<string, unknown>[]) {
    tokens += fakeTokenCount(String(tool.name ?? '')) + fakeTokenCount(String(tool.description ?? ''))
    tokens += tool.input_schema === undefined ? 0 : fakeJsonTokenCount(tool.input_schema)
  }
  return { type: 'json', body: { input_tokens: tokens } } satisfies WireResponse
}

/** A message's or system prompt's content: a string, or content blocks. */
function contentTokens(content: unknown): number {
  if (content === undefined || content === null) return 0
  if (typeof content === 'string') return fakeTokenCount(content)
  if (!Array.isArray(content)) return fakeJsonTokenCount(content)
  let tokens = 0
  for (const block of content as Record<string, unknown>[]) {
    if (block.type === 'text') tokens += fakeTokenCount(String(block.text ?? ''))
    else if (block.type === 'image') tokens += ANTHROPIC_IMAGE_TOKENS
    else if (block.type === 'thinking') tokens += fakeTokenCount(String(block.thinking ?? ''))
    else if (block.type === 'redacted_thinking') tokens += 0
    else if (block.type === 'tool_use')
      tokens += fakeTokenCount(String(block.name)) + fakeJsonTokenCount(block.input)
    else if (block.type === 'tool_result') tokens += contentTokens(block.content)
    else tokens += fakeJsonTokenCount(block)
  }
  return tokens
}
