import { AbortedError, createAI, type ProviderRequest, UnknownModelError } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, geminiProtocol, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gemini, geminiAdapter } from './gemini.js'

const apiKey = 'AIzaSyCount0123456789abcdefghijklmnopqr'
let server: FakeServer
let adapter: ReturnType<typeof geminiAdapter>
beforeEach(async () => {
  server = await createFakeServer(geminiProtocol())
  adapter = geminiAdapter({ apiKey, baseURL: server.url })
})
afterEach(() => server.close())

const count = (request: ProviderRequest) => adapter.countTokens!(request, testContext())

// The fake counts a token for each word and each other character that is not a space, 3 for
// each content and 258 for each image (ai-testing's gemini-count-tokens.ts).
describe('gemini countTokens', () => {
  it('counts the contents a chat call would send through models.countTokens, exactly', async () => {
    const counted = await count({
      model: 'gemini-3.8-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' }, // 4
            { type: 'image', image: 'iVBORw0KGgo=' },
          ],
        },
        { role: 'assistant', content: 'A cat.' }, // 3
      ],
      maxOutputTokens: 100,
    })
    expect(counted).toEqual({ inputTokens: 3 + 4 + 258 + 3 + 3, exact: true, source: 'provider' })
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/models/gemini-3.8-flash:countTokens',
    })
    expect(server.requests[0]!.headers['x-goog-api-key']).toBe(apiKey)
    expect(server.requests[0]!.body).toEqual({
      contents: [
        {
          role: 'user',
          parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
        },
        { role: 'model', parts: [{ text: 'A cat.' }] },
      ],
    })
  })

  it('counts the system instruction and function declarations as text in a first content, not exactly', async () => {
    const counted = await count({
      model: 'gemini-3.8-flash',
      messages: [
        { role: 'system', content: 'Be brief.' }, // 3
        { role: 'user', content: 'Hello, world!' }, // 4
      ],
      // [{"name":"look","parametersJsonSchema":{"type":"object"},"description":"Looks."}]: 34
      tools: [{ name: 'look', description: 'Looks.', parameters: { type: 'object' } }],
    })
    expect(counted).toEqual({ inputTokens: 3 + 3 + 34 + (3 + 4), exact: false, source: 'provider' })
    expect(server.requests[0]!.body).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Be brief.' },
            { text: '[{"name":"look","parametersJsonSchema":{"type":"object"},"description":"Looks."}]' },
          ],
        },
        { role: 'user', parts: [{ text: 'Hello, world!' }] },
      ],
    })
  })

  it('is an UnknownModelError for a model Gemini does not know', async () => {
    const error = await count({ model: 'gemini-nope', messages: [{ role: 'user', content: 'Hi' }] }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UnknownModelError)
    expect(error).toMatchObject({ status: 404, provider: 'gemini', model: 'gemini-nope', retryable: false })
    expect((error as Error).message).toMatch(
      /^gemini: 404 models\/gemini-nope is not found for API version v1, or is not supported for countTokens\./,
    )
  })

  it('is an AbortedError when the call is aborted', async () => {
    const error = await adapter.countTokens!(
      { model: 'gemini-3.8-flash', messages: [{ role: 'user', content: 'Hi' }] },
      testContext({ signal: AbortSignal.abort() }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortedError)
  })

  it('answers ai.countTokens with the provider and model', async () => {
    const ai = await createAI({ plugins: [gemini({ apiKey, baseURL: server.url })] })
    try {
      expect(
        await ai.countTokens({
          model: 'gemini:gemini-3.1-pro-preview',
          messages: [{ role: 'user', content: 'Hello, world!' }],
        }),
      ).toEqual({
        inputTokens: 3 + 4,
        exact: true,
        source: 'provider',
        provider: 'gemini',
        model: 'gemini-3.1-pro-preview',
      })
      expect(server.pending).toBe(0)
    } finally {
      await ai.close()
    }
  })
})
