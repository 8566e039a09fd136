import { afterEach, describe, expect, it } from 'vitest'
import { fakeEmbedding } from './fake-embedding.js'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { fakeTokenCount } from './fake-token-count.js'
import { geminiProtocol } from './gemini-protocol.js'
import { ollamaProtocol } from './ollama-protocol.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the answers' fields as the wire has them.
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

describe('fake embedding', () => {
  it('is deterministic, of the size asked, and exact in float32', () => {
    const v = fakeEmbedding('hello', 40)
    expect(v).toHaveLength(40)
    expect(fakeEmbedding('hello', 40)).toEqual(v)
    expect(fakeEmbedding('other', 40)).not.toEqual(v)
    expect(Array.from(new Float32Array(v))).toEqual(v)
  })
})

describe('OpenAI /v1/embeddings', () => {
  it('answers floats or base64 float32s, with usage', async () => {
    server = await createFakeServer(openaiChatProtocol())
    server.enqueue({}, {})
    const input = ['Hello, world!', 'two words']
    const floats = await post('/v1/embeddings', { model: 'text-embedding-3-small', input, dimensions: 4 })
    expect(floats.body).toEqual({
      object: 'list',
      data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, 4) })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    })
    const b64 = await post('/v1/embeddings', {
      model: 'text-embedding-3-large',
      input: 'x',
      encoding_format: 'base64',
    })
    const bytes = Buffer.from(b64.body.data[0].embedding, 'base64')
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))
    expect(decoded).toEqual(fakeEmbedding('x', 3072))
  })

  it('refuses what OpenAI refuses, with its error bodies', async () => {
    server = await createFakeServer(openaiChatProtocol())
    server.enqueue({}, {}, {}, {}, {})
    expect(await post('/v1/embeddings', { model: 'nope', input: 'x' })).toMatchObject({
      status: 404,
      body: { error: { code: 'model_not_found' } },
    })
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [] })).status).toBe(400)
    const many = Array.from({ length: 2049 }, () => 'x')
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: many })).status).toBe(400)
    expect(
      await post('/v1/embeddings', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }),
    ).toMatchObject({
      status: 400,
      body: { error: { param: 'dimensions', type: 'invalid_request_error' } },
    })
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: '' })).status).toBe(400)
  })

  it('sends a scripted error with its Retry-After', async () => {
    server = await createFakeServer(openaiChatProtocol())
    server.enqueue({ error: { status: 429, retryAfterMs: 2000 } })
    const res = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
  })
})

describe('Gemini batchEmbedContents', () => {
  it('answers one vector per request, without token counts', async () => {
    server = await createFakeServer(geminiProtocol())
    server.enqueue({})
    const requests = ['a b', 'c'].map((text) => ({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text }] },
      outputDimensionality: 3,
    }))
    const res = await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', { requests })
    expect(res.body).toEqual({
      embeddings: [{ values: fakeEmbedding('a b', 3) }, { values: fakeEmbedding('c', 3) }],
    })
  })

  it('refuses more than 100 requests, an unknown model and a model mismatch', async () => {
    server = await createFakeServer(geminiProtocol())
    server.enqueue({}, {}, {})
    const one = { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] } }
    const tooMany = await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', {
      requests: Array.from({ length: 101 }, () => one),
    })
    expect(tooMany).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } })
    expect((await post('/v1beta/models/nope:batchEmbedContents', { requests: [one] })).status).toBe(404)
    expect(
      (await post('/v1beta/models/text-embedding-004:batchEmbedContents', { requests: [one] })).status,
    ).toBe(400)
  })
})

describe('Ollama /api/embed', () => {
  it('answers the vectors and prompt_eval_count; an unknown model is a 404', async () => {
    server = await createFakeServer(ollamaProtocol())
    server.enqueue({}, {})
    const res = await post('/api/embed', {
      model: 'nomic-embed-text',
      input: ['Hello, world!', 'x'],
      dimensions: 5,
    })
    expect(res.body).toMatchObject({
      model: 'nomic-embed-text',
      embeddings: [fakeEmbedding('Hello, world!', 5), fakeEmbedding('x', 5)],
      prompt_eval_count: fakeTokenCount('Hello, world!') + 1,
    })
    expect(await post('/api/embed', { model: 'llama3.2', input: 'x' })).toEqual({
      status: 404,
      body: { error: 'model "llama3.2" not found, try pulling it first' },
    })
  })
})
