import { ConfigError, createAI } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { deepseek, deepseekAdapter } from './deepseek.ts'

// The provider of "Writing a provider", against a fake server that answers as DeepSeek does.
const apiKey = 'sk-deepseek-test-0123456789'
let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer({
    name: 'deepseek',
    routes: [
      {
        method: 'POST',
        path: '/v1/chat/completions',
        reply: () => ({
          type: 'json',
          body: {
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 1_773_000_000,
            model: 'deepseek-chat',
            choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
            usage: {
              prompt_tokens: 1_000,
              completion_tokens: 100,
              total_tokens: 1_100,
              prompt_cache_hit_tokens: 600,
              prompt_cache_miss_tokens: 400,
            },
          },
        }),
      },
    ],
    errorBody: () => ({}),
  })
})
afterEach(() => server.close())

it('reads DeepSeek’s cache hits as cached input, sends max_tokens, and prices the call', async () => {
  const ai = await createAI({
    plugins: [deepseek({ apiKey, baseURL: `${server.url}/v1` })],
    defaultModel: 'deepseek:deepseek-chat',
  })
  try {
    server.enqueue({ text: 'unused' })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], maxOutputTokens: 50 })
    expect(res.text).toBe('Hello!')
    expect(res.usage).toMatchObject({ inputTokens: 1_000, cachedInputTokens: 600, outputTokens: 100 })
    // 400 uncached x $0.28 + 600 cached x $0.028 + 100 output x $0.42, per million tokens
    expect(res.cost.nanoUsd).toBe(400 * 280 + 600 * 28 + 100 * 420)
    expect(server.requests[0]?.body).toMatchObject({ model: 'deepseek-chat', max_tokens: 50 })
  } finally {
    await ai.close()
  }
})

it('refuses wrong options when made, and a missing key at the first call', async () => {
  expect(() => deepseekAdapter({ baseURL: 'api.deepseek.com' })).toThrowError(
    /^Invalid deepseek options: baseURL: /,
  )
  const saved = process.env.DEEPSEEK_API_KEY
  delete process.env.DEEPSEEK_API_KEY
  try {
    const keyless = deepseekAdapter({ baseURL: `${server.url}/v1` })
    const error = await keyless
      .generate({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'Hi' }] }, testContext())
      .catch((caught: unknown) => caught)
    expect(ConfigError.is(error)).toBe(true)
  } finally {
    if (saved !== undefined) process.env.DEEPSEEK_API_KEY = saved
  }
})
