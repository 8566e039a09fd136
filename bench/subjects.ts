// The things measured side by side: the raw openai SDK, aimux in three configurations, and two
// other contenders on the same route: the Vercel AI SDK and raw fetch.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createOpenAI } from '@ai-sdk/openai'
import { type AI, type CreateAIOptions, createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { sqliteStore } from '@aimux/store-sqlite'
import { generateText, type LanguageModel, streamText } from 'ai'
import OpenAI from 'openai'

export const messages = [{ role: 'user' as const, content: 'Say hello.' }]

export function rawClient(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 })
}

export const rawChat = (client: OpenAI) => () =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages })

/** The AI SDK's Chat Completions model, so that it calls the same /v1/chat/completions route. */
export function aiSdkModel(baseURL: string): LanguageModel {
  return createOpenAI({ apiKey: 'sk-bench', baseURL }).chat('gpt-4o-mini')
}

export const aiSdkChat = (model: LanguageModel) => async (): Promise<string> =>
  (await generateText({ model, messages, maxRetries: 0 })).text

/** The AI SDK's stream; yields the text of each text part. */
export async function* aiSdkStream(model: LanguageModel): AsyncGenerator<string> {
  const result = streamText({ model, messages, maxRetries: 0 })
  for await (const part of result.fullStream) {
    // The AI SDK puts an error into the stream as a part; a failed call must not pass for a fast one.
    if (part.type === 'error') throw part.error
    if (part.type === 'text-delta') yield part.text
  }
}

const post = (baseURL: string, body: object) =>
  fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

interface Chunk {
  choices: { delta: { content?: string } }[]
}

/** The least a client does with fetch: POST the JSON, check the status, parse the reply. */
export const fetchChat = (baseURL: string) => async () => {
  const response = await post(baseURL, { model: 'gpt-4o-mini', messages })
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return (await response.json()) as { choices: { message: { content: string } }[] }
}

/** The least a client does with fetch for a stream: split the SSE body into `data:` lines, parse each chunk. */
export async function* fetchStream(baseURL: string): AsyncGenerator<Chunk> {
  const response = await post(baseURL, {
    model: 'gpt-4o-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  })
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
  let buffer = ''
  for await (const text of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += text
    let end = buffer.indexOf('\n')
    while (end !== -1) {
      const line = buffer.slice(0, end).trim()
      buffer = buffer.slice(end + 1)
      end = buffer.indexOf('\n')
      if (!line.startsWith('data:')) continue
      const data = line.slice(5).trim()
      if (data === '[DONE]') return
      yield JSON.parse(data) as Chunk
    }
  }
}

export const aimuxChat = (ai: AI) => () =>
  ai.chat({ model: 'openai:gpt-4o-mini', messages, scope: { userId: 'u1', tenantId: 't1' } })

export type Config = 'no store' | 'SQLite' | 'SQLite + budgets + rate limits'
export const configs: Config[] = ['no store', 'SQLite', 'SQLite + budgets + rate limits']

export function sqlitePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'aimux-bench-')), 'bench.db')
}

/** The third configuration's budget (hard, with thresholds) and rate limit (never reached). */
export const guards: CreateAIOptions = {
  budgets: [{ scope: 'user', limitUsd: 1_000_000, period: 'month', thresholds: [0.8, 1] }],
  rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 1e9, tokensPerMinute: 1e12 }] },
}

export async function aimux(config: Config, baseURL: string, extra: CreateAIOptions = {}): Promise<AI> {
  const plugins = [openai({ apiKey: 'sk-bench', baseURL })]
  if (config !== 'no store') plugins.push(sqliteStore({ path: sqlitePath() }))
  return createAI({ plugins, ...(config === 'SQLite + budgets + rate limits' ? guards : {}), ...extra })
}
