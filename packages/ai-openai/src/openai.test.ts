import { createAI, createPriceCatalog, StructuredOutputError } from '@aimux/ai-core'
import { computeCost, normalizeUsage } from '@aimux/ai-core/provider-kit'
import { createFakeServer, openaiChatProtocol, openaiResponsesProtocol } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openai } from './openai.js'
import { openaiPrices } from './openai-prices.js'

const apiKey = 'sk-test-plugin-0123456789'

describe('the openai plugin', () => {
  it('registers the provider with its prices: a chat is costed exactly from the built-in table', async () => {
    const server = await createFakeServer(openaiChatProtocol())
    const ai = await createAI({
      plugins: [openai({ apiKey, baseURL: `${server.url}/v1` })],
      defaultModel: 'openai:gpt-4o-mini',
    })
    try {
      server.enqueue({
        text: 'Paris.',
        usage: { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200 },
      })
      const res = await ai.chat({ messages: [{ role: 'user', content: 'Capital of France?' }] })
      expect(res.text).toBe('Paris.')
      expect(res.provider).toBe('openai')
      // 600 uncached x $0.15 + 400 cached x $0.075 + 200 output x $0.60, per million tokens
      expect(res.cost).toMatchObject({ nanoUsd: 90_000 + 30_000 + 120_000, source: 'catalog' })
    } finally {
      await ai.close()
      await server.close()
    }
  })

  it('streams through the Responses API with api: "responses"', async () => {
    const server = await createFakeServer(openaiResponsesProtocol())
    const ai = await createAI({
      plugins: [openai({ apiKey, baseURL: `${server.url}/v1`, api: 'responses' })],
      defaultModel: 'openai:gpt-5.4-nano',
    })
    try {
      server.enqueue({ chunks: ['Bon', 'jour'], usage: { inputTokens: 100, outputTokens: 10 } })
      let text = ''
      const stream = ai.stream({ messages: [{ role: 'user', content: 'Say hello in French' }] })
      for await (const delta of stream.textStream) text += delta
      expect(text).toBe('Bonjour')
      expect(server.requests[0]?.path).toBe('/v1/responses')
      // 100 x $0.20 + 10 x $1.25, per million tokens
      expect((await stream.result).cost.nanoUsd).toBe(20_000 + 12_500)
    } finally {
      await ai.close()
      await server.close()
    }
  })

  it('streams a structured reply as growing partial objects, then validates the whole', async () => {
    const server = await createFakeServer(openaiChatProtocol())
    const ai = await createAI({
      plugins: [openai({ apiKey, baseURL: `${server.url}/v1` })],
      defaultModel: 'openai:gpt-4o-mini',
    })
    const City = z.object({ name: z.string(), population: z.number().int(), rivers: z.array(z.string()) })
    const messages = [{ role: 'user' as const, content: 'Describe Paris' }]
    try {
      server.enqueue(
        { chunks: ['{"name":"Pa', 'ris","population":', '2102650,', '"rivers":["Seine', '"]}'] },
        { chunks: ['{"name":"Paris",', '"population":"many","rivers":[]}'] },
      )
      const stream = ai.stream({ messages, schema: City, schemaName: 'city' })
      const objects: unknown[] = []
      let text = ''
      for await (const part of stream) {
        if (part.type === 'object-delta') objects.push(part.object)
        if (part.type === 'text-delta') text += part.text
      }
      expect(server.requests[0]?.body).toMatchObject({
        stream: true,
        response_format: { type: 'json_schema', json_schema: { name: 'city' } },
      })
      expect(text).toBe('{"name":"Paris","population":2102650,"rivers":["Seine"]}')
      expect(objects).toEqual([
        { name: 'Pa' },
        { name: 'Paris' },
        { name: 'Paris', population: 2102650 },
        { name: 'Paris', population: 2102650, rivers: ['Seine'] },
      ])
      const result = await stream.result
      expect(result.object).toEqual({ name: 'Paris', population: 2102650, rivers: ['Seine'] })
      expect(objects.at(-1)).toEqual(result.object)

      // A reply that does not match the schema streams its partial objects, then fails as before.
      const invalid = ai.stream({ messages, schema: City })
      const seen: unknown[] = []
      const error = await (async () => {
        for await (const part of invalid) if (part.type === 'object-delta') seen.push(part.object)
      })().catch((e: unknown) => e)
      expect(seen.at(-1)).toEqual({ name: 'Paris', population: 'many', rivers: [] })
      expect(StructuredOutputError.is(error)).toBe(true)
    } finally {
      await ai.close()
      await server.close()
    }
  })
})

describe('openaiPrices', () => {
  const catalog = createPriceCatalog()
  catalog.add(openaiPrices, 'builtin')

  it('are valid entries for the openai provider', () => {
    expect(catalog.list().every((entry) => entry.provider === 'openai')).toBe(true)
    expect(catalog.resolve('openai', 'gpt-5.4-mini')).toEqual({
      input: 0.75,
      cachedInput: 0.075,
      output: 4.5,
    })
  })

  it('bill a GPT-5.4 request above 272K input tokens at twice the input and 1.5x the output rate', () => {
    const price = catalog.resolve('openai', 'gpt-5.4')
    const short = computeCost(normalizeUsage({ inputTokens: 272_000, outputTokens: 1000 }), price)
    const long = computeCost(normalizeUsage({ inputTokens: 300_000, outputTokens: 1000 }), price)
    expect(short.nanoUsd).toBe(272_000 * 2_500 + 1000 * 15_000)
    expect(long.nanoUsd).toBe(300_000 * 5_000 + 1000 * 22_500)
  })
})

describe('the options', () => {
  it('are checked when the plugin is made: a ConfigError names each wrong field', () => {
    expect(() => openai({ api: 'realtime' as 'chat', baseURL: 'not a url' })).toThrowError(
      expect.objectContaining({
        code: 'config',
        message: expect.stringMatching(/^Invalid openai options: baseURL: .+; api: .+$/),
      }),
    )
    expect(() => openai({ apikey: 'sk-typo' } as never)).toThrowError(
      /^Invalid openai options: \(root\): Unrecognized key/,
    )
  })
})
