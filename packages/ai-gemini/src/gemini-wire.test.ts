import { createFakeServer, type FakeServer, geminiProtocol } from '@aimux/ai-testing'
import { GoogleGenAI } from '@google/genai'
import { afterEach, beforeEach, expect, it } from 'vitest'

// The SDK's own accessors read the fake server's answers, streamed and whole.
let server: FakeServer
let client: GoogleGenAI
beforeEach(async () => {
  server = await createFakeServer(geminiProtocol())
  client = new GoogleGenAI({ apiKey: 'AIza-wire', vertexai: false, httpOptions: { baseUrl: server.url } })
})
afterEach(() => server.close())

it('answers in a shape the SDK reads: text, function calls and usage, whole and streamed', async () => {
  server.enqueue(
    {
      text: 'Hi there',
      toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }],
      usage: { inputTokens: 9, outputTokens: 6 },
    },
    { chunks: ['Hi ', 'there'], usage: { inputTokens: 9, outputTokens: 2 } },
  )
  const config = { automaticContinuation: false }
  const whole = await client.models.generateContent({ model: 'gemini-3.8-flash', contents: 'Hi', config })
  expect(whole.functionCalls).toEqual([{ name: 'weather', args: { city: 'Oslo' } }])
  expect(whole.usageMetadata).toMatchObject({
    promptTokenCount: 9,
    candidatesTokenCount: 6,
    totalTokenCount: 15,
  })

  const texts: (string | undefined)[] = []
  for await (const chunk of await client.models.generateContentStream({
    model: 'gemini-3.8-flash',
    contents: 'Hi',
    config,
  })) {
    texts.push(chunk.text)
  }
  expect(texts.join('')).toBe('Hi there')
  expect(server.requests.map((request) => request.path)).toEqual([
    '/v1/models/gemini-3.8-flash:generateContent',
    '/v1/models/gemini-3.8-flash:streamGenerateContent',
  ])
})
