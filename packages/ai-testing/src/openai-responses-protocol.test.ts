import OpenAI from 'openai'
import type { ResponseStreamEvent } from 'openai/resources/responses/responses'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { openaiResponsesProtocol } from './openai-responses-protocol.js'

let server: FakeServer
let client: OpenAI
beforeEach(async () => {
  server = await createFakeServer(openaiResponsesProtocol())
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
})
afterEach(() => server.close())

const toolCall = { id: 'call_w', name: 'get_weather', args: { city: 'Oslo' } }

describe('openaiResponsesProtocol, read by the openai SDK', () => {
  it('answers a response object with reasoning, message and function call items and the usage', async () => {
    server.enqueue({
      text: 'Checking.',
      reasoning: 'Weather.',
      toolCalls: [toolCall],
      usage: { inputTokens: 6000, cachedInputTokens: 5000, outputTokens: 300, reasoningTokens: 200 },
    })
    const response = await client.responses.create({ model: 'gpt-5.4', input: 'Weather in Oslo?' })
    expect(response).toMatchObject({
      id: 'resp_fake1',
      object: 'response',
      status: 'completed',
      model: 'gpt-5.4',
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Weather.' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ],
      usage: {
        input_tokens: 6000,
        input_tokens_details: { cached_tokens: 5000 },
        output_tokens: 300,
        output_tokens_details: { reasoning_tokens: 200 },
        total_tokens: 6300,
      },
    })
    expect(response.output_text).toBe('Checking.')
  })

  it('streams numbered events, obfuscated text deltas and argument deltas, ending in response.completed', async () => {
    server.enqueue({ chunks: ['Hel', 'lo'], reasoning: 'Greet.', toolCalls: [toolCall] })
    const stream = await client.responses.create({ model: 'gpt-5.4', input: 'Hi', stream: true })
    const events: ResponseStreamEvent[] = []
    for await (const event of stream) events.push(event)
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index))
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ])
    const deltas = events.filter((event) => event.type === 'response.output_text.delta')
    expect(deltas.map((event) => event.delta)).toEqual(['Hel', 'lo'])
    for (const event of deltas) expect((event as { obfuscation?: string }).obfuscation).toMatch(/^\w{2,}$/)
    const args = events.flatMap((event) =>
      event.type === 'response.function_call_arguments.delta' ? [event.delta] : [],
    )
    expect(args.join('')).toBe('{"city":"Oslo"}')
  })

  it('leaves the padding out when the request turns it off, and ends a cut reply with response.incomplete', async () => {
    server.enqueue({ chunks: ['Cut'], finishReason: 'length' })
    const stream = await client.responses.create({
      model: 'gpt-5.4',
      input: 'Hi',
      stream: true,
      stream_options: { include_obfuscation: false },
    })
    const events: ResponseStreamEvent[] = []
    for await (const event of stream) events.push(event)
    expect(events.find((event) => event.type === 'response.output_text.delta')).not.toHaveProperty(
      'obfuscation',
    )
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    })
  })

  it('answers errors with OpenAI error bodies and lists models', async () => {
    server.enqueue({ error: { status: 429, code: 'insufficient_quota' } })
    const error = await client.responses.create({ model: 'gpt-5.4', input: 'Hi' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' })
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4o'])
  })
})

describe('openaiResponsesProtocol: encrypted reasoning sent back', () => {
  const ask = { model: 'gpt-5.4', store: false, include: ['reasoning.encrypted_content' as const] }

  it('issues encrypted content in the finished reasoning item when asked, and only then', async () => {
    server.enqueue({ text: 'Hi.', reasoning: 'Greet.' }, { text: 'Hi.', reasoning: 'Greet.' })
    const plain = await client.responses.create({ model: 'gpt-5.4', input: 'Hi' })
    expect(plain.output[0]).not.toHaveProperty('encrypted_content')
    const stream = await client.responses.create({ ...ask, input: 'Hi', stream: true })
    const reasoningItems: unknown[] = []
    for await (const event of stream) {
      if (event.type === 'response.output_item.added' || event.type === 'response.output_item.done') {
        if (event.item.type === 'reasoning') reasoningItems.push(event.item)
      }
    }
    expect(reasoningItems[0]).not.toHaveProperty('encrypted_content')
    expect(reasoningItems[1]).toMatchObject({
      id: 'rs_fake2',
      encrypted_content: expect.stringMatching(/^gAAAAB/),
    })
  })

  it('makes an item with an empty summary for reasoning tokens without text', async () => {
    server.enqueue({ text: 'Done.', usage: { outputTokens: 60, reasoningTokens: 50 } })
    const response = await client.responses.create({ ...ask, input: 'Go' })
    expect((response as unknown as { store: boolean }).store).toBe(false)
    expect(response.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [],
      encrypted_content: expect.any(String),
    })
  })

  it('takes the reasoning item back before its following item, and refuses what the API refuses', async () => {
    server.enqueue({ toolCalls: [toolCall], reasoning: 'Look it up.' }, { text: 'Three degrees.' })
    const first = await client.responses.create({ ...ask, input: 'Weather in Oslo?' })
    const [reasoning, call] = first.output as unknown as [Record<string, unknown>, Record<string, unknown>]
    const item = {
      type: 'reasoning',
      id: reasoning.id,
      encrypted_content: reasoning.encrypted_content,
      summary: [],
    }
    const output = { type: 'function_call_output', call_id: 'call_w', output: '{"temp":3}' }
    const next = (input: unknown[]) =>
      client.responses.create({ ...ask, input: input as OpenAI.Responses.ResponseInput }).then(
        (response) => response.output_text,
        (error: { message: string }) => error.message,
      )
    const user = { role: 'user', content: 'Weather in Oslo?' }
    expect(await next([user, item, call, output])).toBe('Three degrees.')

    server.enqueue({ text: 'never' }, { text: 'never' }, { text: 'never' })
    expect(await next([user, { ...item, encrypted_content: 'gAAAABforged' }, call, output])).toBe(
      `400 The encrypted content for item ${reasoning.id} could not be verified.`,
    )
    const { encrypted_content: _dropped, ...byId } = item
    expect(await next([user, byId, call, output])).toMatch(
      /^404 Item with id 'rs_fake1' not found. Items are not persisted when `store` is set to false/,
    )
    expect(await next([user, item, output])).toBe(
      `400 Item '${reasoning.id}' of type 'reasoning' was provided without its required following item.`,
    )
  })
})
