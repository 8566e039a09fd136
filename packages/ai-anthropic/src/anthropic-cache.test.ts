import { createAI, type ProviderRequest, ValidationError } from '@aimux/ai-core'
import { anthropicProtocol, createFakeServer, type FakeServer, testContext } from '@aimux/ai-testing'
import type Anthropic from '@anthropic-ai/sdk'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { anthropic, anthropicAdapter } from './anthropic.js'

const apiKey = 'sk-ant-api03-cache0123456789abcdef'
const oneHour = { anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } }
const fiveMinutes = { anthropic: { cacheControl: { type: 'ephemeral' } } }

let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(anthropicProtocol())
})
afterEach(() => server.close())

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error as Error & Record<string, unknown>,
  )
}

describe('anthropic block-level cache_control', () => {
  it('puts a cache breakpoint on the system messages, text parts and tools that ask for one', async () => {
    server.enqueue({ text: 'ok' })
    const ai = await createAI({
      plugins: [anthropic({ apiKey, baseURL: server.url })],
      defaultModel: 'anthropic:claude-sonnet-5',
    })
    await ai.chat({
      messages: [
        { role: 'system', content: 'The long manual.', providerMetadata: oneHour },
        { role: 'system', content: 'Answer briefly.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'The long document.', providerMetadata: fiveMinutes },
            { type: 'text', text: 'Summarize it.' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'A summary.', providerMetadata: fiveMinutes }] },
        { role: 'user', content: 'Shorter.' },
      ],
      tools: [
        { name: 'search', parameters: { type: 'object' } },
        {
          name: 'fetch',
          description: 'Fetch a page',
          parameters: { type: 'object' },
          providerMetadata: oneHour,
        },
      ],
    })
    await ai.close()
    const body = server.requests[0]?.body as Anthropic.MessageCreateParams
    expect(body.system).toEqual([
      { type: 'text', text: 'The long manual.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Answer briefly.' },
    ])
    expect(body.tools).toEqual([
      { name: 'search', input_schema: { type: 'object' } },
      {
        name: 'fetch',
        description: 'Fetch a page',
        input_schema: { type: 'object' },
        cache_control: { type: 'ephemeral', ttl: '1h' },
      },
    ])
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The long document.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Summarize it.' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'A summary.', cache_control: { type: 'ephemeral' } }],
      },
      { role: 'user', content: 'Shorter.' },
    ])
    expect(body).not.toHaveProperty('cache_control')
  })

  it('counts the top-level cache_control as a breakpoint and refuses a fifth before sending', async () => {
    const adapter = anthropicAdapter({ apiKey, baseURL: server.url })
    const four: ProviderRequest = {
      model: 'claude-sonnet-5',
      messages: [
        { role: 'system', content: 'Manual.', providerMetadata: oneHour },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'One.', providerMetadata: fiveMinutes },
            { type: 'text', text: 'Two.', providerMetadata: fiveMinutes },
          ],
        },
      ],
      tools: [{ name: 'search', parameters: { type: 'object' }, providerMetadata: oneHour }],
    }
    server.enqueue({ text: 'ok' })
    await adapter.generate(four, testContext())
    expect(server.requests).toHaveLength(1)

    const error = await failure(
      adapter.generate(
        { ...four, providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } } },
        testContext(),
      ),
    )
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toBe(
      'Invalid anthropic request: 5 cache breakpoints (cacheControl on parts, system messages and tools, plus providerOptions.anthropic.cache_control); Anthropic takes at most 4',
    )
    const streamed = adapter.stream(
      {
        ...four,
        messages: [
          ...four.messages,
          { role: 'user', content: [{ type: 'text', text: 'Three.', providerMetadata: fiveMinutes }] },
        ],
      },
      testContext(),
    )
    expect(ValidationError.is(await failure(streamed[Symbol.asyncIterator]().next()))).toBe(true)
    expect(server.requests).toHaveLength(1)
  })

  it('refuses a malformed cacheControl with a ValidationError naming the part', async () => {
    const adapter = anthropicAdapter({ apiKey, baseURL: server.url })
    const error = await failure(
      adapter.generate(
        {
          model: 'claude-sonnet-5',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'x' },
                {
                  type: 'text',
                  text: 'y',
                  providerMetadata: { anthropic: { cacheControl: { type: 'ephemeral', ttl: '2h' } } },
                },
              ],
            },
          ],
        },
        testContext(),
      ),
    )
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toContain('messages[2].content[1].providerMetadata.anthropic.cacheControl.ttl')
    expect(server.requests).toHaveLength(0)
  })
})

describe('anthropic 1-hour cache writes', () => {
  const usage = {
    inputTokens: 4_000,
    cachedInputTokens: 2_000,
    cacheWriteTokens: 1_500,
    cacheWrite1hTokens: 1_000,
    outputTokens: 100,
  }

  it('reads cache_creation from a JSON answer and a stream, and prices 1-hour writes at 2x input', async () => {
    server.enqueue({ text: 'Cached.', usage }, { text: 'Cached.', usage })
    const ai = await createAI({
      plugins: [anthropic({ apiKey, baseURL: server.url })],
      defaultModel: 'anthropic:claude-sonnet-5',
    })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }] })
    expect((res.raw as Anthropic.Message).usage).toMatchObject({
      cache_creation_input_tokens: 1_500,
      cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1_000 },
    })
    expect(res.usage).toEqual({ ...usage, reasoningTokens: 0, totalTokens: 4_100 })
    // claude-sonnet-5: 500 uncached x $2, 2,000 reads x $0.20, 500 5-minute writes x $2.50,
    // 1,000 1-hour writes x $4, 100 output x $10, per million tokens
    const expected = 500 * 2_000 + 2_000 * 200 + 500 * 2_500 + 1_000 * 4_000 + 100 * 10_000
    expect(res.cost).toMatchObject({ nanoUsd: expected, source: 'catalog' })
    expect(res.cost.breakdown?.cacheWriteNanoUsd).toBe(500 * 2_500 + 1_000 * 4_000)

    const stream = ai.stream({ messages: [{ role: 'user', content: 'Hi' }] })
    for await (const _part of stream) {
      // drain the stream
    }
    const streamed = await stream.result
    expect(streamed.usage.cacheWrite1hTokens).toBe(1_000)
    expect(streamed.cost.nanoUsd).toBe(expected)
    await ai.close()
  })
})
