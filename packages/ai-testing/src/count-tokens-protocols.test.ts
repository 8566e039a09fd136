import { afterEach, describe, expect, it } from 'vitest'
import { anthropicProtocol } from './anthropic-protocol.js'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { fakeTokenCount } from './fake-token-count.js'
import { geminiProtocol } from './gemini-protocol.js'

// The adapters read these endpoints with the real SDKs; these tests pin the bytes on the wire.
let server: FakeServer | undefined
afterEach(() => server?.close())

const post = (path: string, body: unknown) =>
  fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('fakeTokenCount', () => {
  it('counts each word and each other character that is not a space', () => {
    expect(fakeTokenCount('Hello, world!')).toBe(4)
    expect(fakeTokenCount('  ')).toBe(0)
    expect(fakeTokenCount('{"city":"Paris"}')).toBe(9)
    expect(fakeTokenCount('Grüße aus Köln 2026')).toBe(4)
  })
})

describe('anthropicProtocol: POST /v1/messages/count_tokens', () => {
  it('counts the system prompt, messages, images and tools without taking a scripted turn', async () => {
    server = await createFakeServer(anthropicProtocol())
    const res = await post('/v1/messages/count_tokens', {
      model: 'claude-sonnet-5',
      system: 'Be brief.', // 3
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' }, // 4
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'look', input: { q: 1 } }] }, // 1 + 7
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'A cat.' }] }, // 3
      ],
      tools: [{ name: 'look', description: 'Looks.', input_schema: { type: 'object' } }], // 1 + 2 + 9
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ input_tokens: 3 + (3 + 4 + 1_600) + (3 + 8) + (3 + 3) + 12 })
    expect(server.pending).toBe(0)
  })

  it('refuses as the API does: a missing field, a field the endpoint does not take, a model it does not know', async () => {
    server = await createFakeServer(anthropicProtocol({ models: ['claude-sonnet-5'] }))
    const messages = [{ role: 'user', content: 'Hi' }]
    const missing = await post('/v1/messages/count_tokens', { model: 'claude-sonnet-5' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages: Field required' },
    })
    const extra = await post('/v1/messages/count_tokens', {
      model: 'claude-sonnet-5',
      max_tokens: 10,
      messages,
    })
    expect(extra.status).toBe(400)
    expect(await extra.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'max_tokens: Extra inputs are not permitted' },
    })
    const unknown = await post('/v1/messages/count_tokens', { model: 'claude-nope', messages })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: claude-nope' },
      request_id: 'req_fake_error',
    })
  })
})

describe('geminiProtocol: POST /{version}/models/{model}:countTokens', () => {
  it('counts contents, with images apart, without taking a scripted turn', async () => {
    server = await createFakeServer(geminiProtocol())
    const res = await post('/v1beta/models/gemini-3.8-flash:countTokens', {
      contents: [
        {
          role: 'user',
          parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'look', args: { q: 1 } } }] }, // 1 + 7
        { role: 'user', parts: [{ functionResponse: { name: 'look', response: { a: 'cat' } } }] }, // 1 + 9
      ],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      totalTokens: 3 + 4 + 258 + (3 + 8) + (3 + 10),
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 3 + 4 + (3 + 8) + (3 + 10) },
        { modality: 'IMAGE', tokenCount: 258 },
      ],
    })
    expect(server.pending).toBe(0)
  })

  it('counts a generateContentRequest with its system instruction and function declarations', async () => {
    server = await createFakeServer(geminiProtocol())
    const res = await post('/v1beta/models/gemini-3.8-flash:countTokens', {
      generateContentRequest: {
        model: 'models/gemini-3.8-flash',
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], // 3 + 1
        systemInstruction: { parts: [{ text: 'Be brief.' }] }, // 3 + 3
        tools: [{ functionDeclarations: [{ name: 'look' }] }], // {"name":"look"}: 9
      },
    })
    expect(await res.json()).toEqual({
      totalTokens: 4 + 6 + 9,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 19 }],
    })
  })

  it('refuses as the API does: a model it does not know, and neither or both kinds of body', async () => {
    server = await createFakeServer(geminiProtocol({ models: ['gemini-3.8-flash'] }))
    const contents = [{ role: 'user', parts: [{ text: 'Hi' }] }]
    const unknown = await post('/v1beta/models/gemini-nope:countTokens', { contents })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({
      error: {
        code: 404,
        message:
          'models/gemini-nope is not found for API version v1beta, or is not supported for countTokens. ' +
          'Call ListModels to see the list of available models and their supported methods.',
        status: 'NOT_FOUND',
      },
    })
    const neither = await post('/v1beta/models/gemini-3.8-flash:countTokens', {})
    expect(neither.status).toBe(400)
    expect(await neither.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } })
    const both = await post('/v1beta/models/gemini-3.8-flash:countTokens', {
      contents,
      generateContentRequest: { model: 'models/gemini-3.8-flash', contents },
    })
    expect(both.status).toBe(400)
  })
})
