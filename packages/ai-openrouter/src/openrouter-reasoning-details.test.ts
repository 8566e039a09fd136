import { type AI, createAI, defineTool } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, openrouterProtocol } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openrouter } from './openrouter.js'

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 4 }),
})

const model = 'openrouter:anthropic/claude-sonnet-4.5'
const messages = [{ role: 'user' as const, content: 'What should I wear in Oslo?' }]

interface SentMessage {
  role: string
  reasoning_details?: unknown
  tool_calls?: unknown[]
}
interface Detail {
  type: string
  text: string
  signature: string
  format: string
  index: number
}

let server: FakeServer
let ai: AI
beforeEach(async () => {
  // As an Anthropic reasoning model behind OpenRouter: signed reasoning blocks, and a 400 for a
  // tool call sent back without them.
  server = await createFakeServer(openrouterProtocol({ reasoningDetails: true }))
  ai = await createAI({
    plugins: [openrouter({ apiKey: 'sk-or-v1-test0123456789abcdef', baseURL: `${server.url}/api/v1` })],
    defaultModel: model,
  })
})
afterEach(async () => {
  await ai.close()
  await server.close()
})

const sentMessages = (request: number) =>
  ((server.requests[request]?.body ?? {}) as { messages: SentMessage[] }).messages

/** The one signed reasoning.text block the fake sent for `reasoning`, as OpenRouter shapes it. */
const signedBlock = (reasoning: string) => ({
  type: 'reasoning.text',
  text: reasoning,
  signature: expect.any(String),
  format: 'anthropic-claude-v1',
  index: 0,
})

/** Step 1 reasons and calls the tool; step 2 answers. */
function scriptToolLoop() {
  server.enqueue(
    {
      reasoning: 'Check the weather first.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', args: { city: 'Oslo' } }],
    },
    { reasoning: 'Cold, so a coat.', text: 'A warm coat.' },
  )
}

describe.each([
  ['generated', false],
  ['streamed', true],
])('OpenRouter reasoning_details, %s', (_, streamed) => {
  const chat = async (request: Parameters<AI['chat']>[0]) => {
    if (!streamed) return ai.chat(request)
    const stream = ai.stream(request)
    for await (const _part of stream) {
      // drained
    }
    return stream.result
  }

  it('go back on step 2 of a tool loop, on the assistant message with step 1’s tool call', async () => {
    scriptToolLoop()
    const result = await chat({ messages, tools: [weather] })
    expect(result.text).toBe('A warm coat.')
    expect(server.requests).toHaveLength(2)
    const [, assistant, tool] = sentMessages(1)
    expect(assistant?.tool_calls).toHaveLength(1)
    expect(assistant?.reasoning_details).toEqual([signedBlock('Check the weather first.')])
    expect(tool?.role).toBe('tool')
    // Exactly what step 1's reply carried, signature included.
    const first = result.steps[0]?.content.find((part) => part.type === 'reasoning')
    expect(assistant?.reasoning_details).toEqual(first?.providerMetadata?.openrouter?.reasoningDetails)
  })

  it('are kept on the reasoning part of the result', async () => {
    server.enqueue({ reasoning: 'Short answer.', text: 'Hello.' })
    const result = await chat({ messages })
    expect(result.content).toEqual([
      {
        type: 'reasoning',
        text: 'Short answer.',
        providerMetadata: { openrouter: { reasoningDetails: [signedBlock('Short answer.')] } },
      },
      { type: 'text', text: 'Hello.' },
    ])
  })

  it('go back on the next turn of a conversation, on the earlier assistant message', async () => {
    server.enqueue({ reasoning: 'Greet them.', text: 'Hi!' }, { text: 'Oslo is cold.' })
    const conversation = await ai.conversation()
    const send = async (content: string) => {
      if (!streamed) return conversation.send(content)
      const stream = conversation.stream(content)
      for await (const _part of stream) {
        // drained
      }
      return stream.result
    }
    await send('Hello')
    await send('What about Oslo?')
    const second = sentMessages(1)
    expect(second.map((message) => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(second[1]).toEqual({
      role: 'assistant',
      content: 'Hi!',
      reasoning_details: [signedBlock('Greet them.')],
    })
    const details = (second[1]?.reasoning_details ?? []) as Detail[]
    expect(details[0]?.signature).not.toBe('')
  })
})

describe('without the details sent back', () => {
  it('the fake refuses step 2 as Anthropic does, which the tool loop would otherwise hit', async () => {
    scriptToolLoop()
    const stripped = await ai.chat({ messages, tools: [weather], maxSteps: 1 })
    const history = [
      ...messages,
      {
        role: 'assistant' as const,
        content: stripped.content.filter((part) => part.type !== 'reasoning'),
      },
      {
        role: 'tool' as const,
        content: [
          { type: 'tool-result' as const, toolCallId: 'call_w', toolName: 'get_weather', result: {} },
        ],
      },
    ]
    const error = await ai.chat({ messages: history }).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 400, provider: 'openrouter' })
    expect(sentMessages(1)[1]?.reasoning_details).toBeUndefined()
  })
})
