import { type AssistantPart, createAI, defineTool, type Message, ProviderError } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, openaiResponsesProtocol } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openai } from '../openai.js'

const apiKey = 'sk-test-reasoning-0123456789'

let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(openaiResponsesProtocol())
})
afterEach(() => server.close())

const makeAI = () =>
  createAI({
    plugins: [openai({ apiKey, baseURL: `${server.url}/v1`, api: 'responses' })],
    defaultModel: 'openai:gpt-5.4',
  })

const inputOf = (n: number) => (server.requests[n]?.body as { input?: unknown[] } | undefined)?.input

/** The encrypted content on the reasoning part of an assistant's content. */
const sealedIn = (content: readonly AssistantPart[]) =>
  content.find((part) => part.type === 'reasoning')?.providerMetadata?.openai?.encryptedContent

describe('encrypted reasoning across turns (Responses API)', () => {
  it('keeps the reasoning item on the part and sends it back before its function call in a tool loop', async () => {
    server.enqueue(
      {
        reasoning: 'Look the weather up.',
        toolCalls: [{ id: 'call_w', name: 'get_weather', args: { city: 'Oslo' } }],
      },
      { text: 'It is 3 degrees in Oslo.' },
    )
    const ai = await makeAI()
    const getWeather = defineTool({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
      execute: () => ({ temp: 3 }),
    })
    const res = await ai.chat({
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [getWeather],
      reasoning: { effort: 'medium' },
    })
    await ai.close()
    expect(res.text).toBe('It is 3 degrees in Oslo.')
    expect(server.requests[0]?.body).toMatchObject({
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'medium', summary: 'auto' },
    })
    const first = res.steps[0]?.content ?? []
    expect(first[0]).toEqual({
      type: 'reasoning',
      text: 'Look the weather up.',
      providerMetadata: {
        openai: { itemId: 'rs_fake1', encryptedContent: expect.stringMatching(/^gAAAAB/) },
      },
    })
    expect(inputOf(1)).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        type: 'reasoning',
        id: 'rs_fake1',
        encrypted_content: sealedIn(first),
        summary: [{ type: 'summary_text', text: 'Look the weather up.' }],
      },
      { type: 'function_call', call_id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'call_w', output: '{"temp":3}' },
    ])
  })

  it('keeps a streamed reasoning item without a summary and sends it back on the next turn', async () => {
    server.enqueue(
      { text: 'Paris.', usage: { outputTokens: 80, reasoningTokens: 64 } },
      { text: 'About 2.1 million.' },
    )
    const ai = await makeAI()
    const question: Message = { role: 'user', content: 'Capital of France?' }
    const stream = ai.stream({ messages: [question], reasoning: { effort: 'low' } })
    const reasoningDeltas: string[] = []
    for await (const part of stream) if (part.type === 'reasoning-delta') reasoningDeltas.push(part.text)
    const first = await stream.result
    expect(reasoningDeltas.join('')).toBe('')
    expect(first.content).toEqual([
      {
        type: 'reasoning',
        text: '',
        providerMetadata: { openai: { itemId: 'rs_fake1', encryptedContent: expect.any(String) } },
      },
      { type: 'text', text: 'Paris.' },
    ])

    const second = await ai.chat({
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'Population?' },
      ],
      reasoning: { effort: 'low' },
    })
    await ai.close()
    expect(second.text).toBe('About 2.1 million.')
    expect(inputOf(1)).toEqual([
      { role: 'user', content: 'Capital of France?' },
      { type: 'reasoning', id: 'rs_fake1', encrypted_content: sealedIn(first.content), summary: [] },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'Population?' },
    ])
  })

  it("leaves out reasoning parts without encrypted content and other providers' metadata, and shows the API refusing a forged one", async () => {
    server.enqueue({ text: 'Fine.' }, { text: 'never' })
    const ai = await makeAI()
    const cached = { anthropic: { cacheControl: { type: 'ephemeral' } } }
    const history: Message[] = [
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: [
          {
            type: 'reasoning',
            text: 'Another provider thought this.',
            providerMetadata: { anthropic: { signature: 's' } },
          },
          { type: 'text', text: 'Hello.' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'How are you?', providerMetadata: cached }] },
    ]
    // Another provider's metadata (an Anthropic cache breakpoint here) is not sent either.
    await ai.chat({
      messages: [{ role: 'system', content: 'Be kind.', providerMetadata: cached }, ...history],
    })
    expect(inputOf(0)).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: [{ type: 'input_text', text: 'How are you?' }] },
    ])
    expect(server.requests[0]?.body).not.toHaveProperty('include')
    expect(server.requests[0]?.body).not.toHaveProperty('store')

    const forged: Message = {
      role: 'assistant',
      content: [
        {
          type: 'reasoning',
          text: '',
          providerMetadata: { openai: { itemId: 'rs_x', encryptedContent: 'gAAAABforged' } },
        },
        { type: 'text', text: 'Hello.' },
      ],
    }
    const error = await ai
      .chat({ messages: [history[0] as Message, forged, { role: 'user', content: 'Again?' }], retry: false })
      .catch((e: unknown) => e)
    await ai.close()
    expect(ProviderError.is(error)).toBe(true)
    expect((error as Error).message).toContain('The encrypted content for item rs_x could not be verified.')
  })
})
