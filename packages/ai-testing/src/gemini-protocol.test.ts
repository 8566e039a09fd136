import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { geminiProtocol } from './gemini-protocol.js'

// The adapter in @aimux/ai-gemini reads this protocol with the real @google/genai SDK; these
// tests pin the bytes on the wire.
let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(geminiProtocol())
})
afterEach(() => server.close())

const post = (path: string, body: unknown = { contents: [] }) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('geminiProtocol', () => {
  it('answers generateContent with thought, text and function call parts and usage without thoughts in candidates', async () => {
    server.enqueue({
      reasoning: 'Think.',
      text: 'Hi.',
      toolCalls: [
        { name: 'lookup', args: { q: 'x' }, providerMetadata: { gemini: { thoughtSignature: 'sig-1' } } },
      ],
      usage: { inputTokens: 100, cachedInputTokens: 60, outputTokens: 20, reasoningTokens: 5 },
    })
    const res = await post('/v1beta/models/gemini-3.8-flash:generateContent')
    expect(await res.json()).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Think.', thought: true },
              { text: 'Hi.' },
              { functionCall: { name: 'lookup', args: { q: 'x' } }, thoughtSignature: 'sig-1' },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 15,
        totalTokenCount: 120,
        cachedContentTokenCount: 60,
        thoughtsTokenCount: 5,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 100 }],
      },
      modelVersion: 'gemini-3.8-flash',
      responseId: 'fake1',
    })
  })

  it('streams events separated by CRLF CRLF, each with cumulative usage, the last with the finish reason', async () => {
    server.enqueue({ chunks: ['a', 'b'], usage: { inputTokens: 10, outputTokens: 4 } })
    const res = await post('/v1/models/gemini-3.8-flash:streamGenerateContent?alt=sse')
    const body = await res.text()
    const events = body.split('\r\n\r\n').filter(Boolean)
    expect(events).toHaveLength(3)
    expect(body.endsWith('\r\n\r\n')).toBe(true)
    const chunks = events.map((event) => JSON.parse(event.slice('data: '.length)))
    expect(chunks.map((chunk) => chunk.usageMetadata.candidatesTokenCount)).toEqual([1, 2, 4])
    expect(chunks.map((chunk) => chunk.candidates[0].finishReason)).toEqual([undefined, undefined, 'STOP'])
    expect(chunks.map((chunk) => chunk.candidates[0].content.parts)).toEqual([
      [{ text: 'a' }],
      [{ text: 'b' }],
      [{ text: '' }],
    ])
  })

  it('with finishWithLastChunk, streams the last text in the chunk with the finish reason, before any function call', async () => {
    const streamed = async () => {
      const res = await post('/v1/models/gemini-3.8-flash:streamGenerateContent?alt=sse')
      const events = (await res.text()).split('\r\n\r\n').filter(Boolean)
      return events.map((event) => JSON.parse(event.slice('data: '.length)).candidates[0])
    }
    server.enqueue(
      { chunks: ['a', 'b'], finishWithLastChunk: true },
      { text: 'Checking.', toolCalls: [{ name: 'lookup', args: { q: 'x' } }], finishWithLastChunk: true },
    )
    expect((await streamed()).map(({ content, finishReason }) => [content.parts, finishReason])).toEqual([
      [[{ text: 'a' }], undefined],
      [[{ text: 'b' }], 'STOP'],
    ])
    expect((await streamed()).map(({ content }) => content.parts)).toEqual([
      [{ text: 'Checking.' }, { functionCall: { name: 'lookup', args: { q: 'x' } } }],
    ])
    // The protocol option sets it for every reply; a reply can still turn it off.
    await server.close()
    server = await createFakeServer(geminiProtocol({ finishWithLastChunk: true }))
    server.enqueue({ chunks: ['a', 'b'] }, { chunks: ['a', 'b'], finishWithLastChunk: false })
    expect((await streamed()).map(({ content }) => content.parts)).toEqual([[{ text: 'a' }], [{ text: 'b' }]])
    expect((await streamed()).map(({ content }) => content.parts)).toEqual([
      [{ text: 'a' }],
      [{ text: 'b' }],
      [{ text: '' }],
    ])
  })

  it('renders a content-filtered reply without text as a blocked prompt, and SAFETY otherwise', async () => {
    server.enqueue({ finishReason: 'content-filter' }, { text: 'No.', finishReason: 'content-filter' })
    expect(await (await post('/v1/models/m:generateContent')).json()).toMatchObject({
      promptFeedback: { blockReason: 'SAFETY' },
    })
    expect(await (await post('/v1/models/m:generateContent')).json()).toMatchObject({
      candidates: [{ finishReason: 'SAFETY' }],
    })
  })

  it('renders a 429 as RESOURCE_EXHAUSTED with a RetryInfo retryDelay', async () => {
    server.enqueue({ error: { status: 429, retryAfterMs: 30_000 } })
    const res = await post('/v1/models/m:generateContent')
    expect(res.status).toBe(429)
    expect(await res.json()).toEqual({
      error: {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Learn more about Gemini API quotas',
                url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' },
        ],
      },
    })
  })

  it('renders an invalid key as INVALID_ARGUMENT with an ErrorInfo reason', async () => {
    server.enqueue({ error: { status: 400, code: 'API_KEY_INVALID' } })
    expect(await (await post('/v1/models/m:generateContent')).json()).toEqual({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ],
      },
    })
  })

  it('lists models under every API version', async () => {
    for (const version of ['v1', 'v1beta']) {
      expect(await (await fetch(`${server.url}/${version}/models`)).json()).toMatchObject({
        models: [{ name: 'models/gemini-3.8-flash' }, { name: 'models/gemini-3.1-pro-preview' }],
      })
    }
  })
})
