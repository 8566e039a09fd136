import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

let fx: GatewayFixture
let secret: string
let keyId: string

beforeAll(async () => {
  fx = await startGatewayFixture()
  ;({ secret, id: keyId } = await fx.issueKey({ name: 'chat tests', scope: { userId: 'u-chat' } }))
})
afterAll(() => fx.close())

const lastUpstreamBody = () => fx.upstream.requests.at(-1)?.body as Record<string, unknown>

describe('POST /v1/chat/completions, through the official openai SDK', () => {
  it('answers a chat in OpenAI shape, with usage, exact cost and the aimux headers', async () => {
    fx.upstream.enqueue({
      text: 'Paris.',
      usage: { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200, reasoningTokens: 50 },
    })
    const { data, response } = await fx
      .client(secret)
      .chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [
          { role: 'developer', content: 'Answer in one word.' },
          { role: 'user', content: 'Capital of France?' },
        ],
        temperature: 0.2,
        max_completion_tokens: 50,
        stop: ['\n'],
        seed: 7,
      })
      .withResponse()

    expect(data).toMatchObject({
      object: 'chat.completion',
      model: 'openai:gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Paris.' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 200,
        total_tokens: 1200,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 50 },
      },
    })
    expect(data.id).toMatch(/^chatcmpl-[a-zA-Z0-9]+$/)
    expect(data.created).toBeGreaterThan(1_700_000_000)
    // 600 uncached x $0.15 + 400 cached x $0.075 + 200 output x $0.60, per million tokens
    expect(response.headers.get('x-aimux-cost-usd')).toBe('0.00024')
    expect(response.headers.get('x-aimux-provider')).toBe('openai')
    expect(response.headers.get('x-aimux-model')).toBe('gpt-4o-mini')
    const requestId = response.headers.get('x-aimux-request-id')!
    expect(data.id).toBe(`chatcmpl-${requestId.replaceAll('-', '')}`)

    expect(lastUpstreamBody()).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'Capital of France?' },
      ],
      temperature: 0.2,
      max_completion_tokens: 50,
      stop: ['\n'],
      seed: 7,
    })
    // The key's scope is the request's: its usage record is the key user's.
    const record = await fx.ai.usage.get(requestId)
    expect(record).toMatchObject({ userId: 'u-chat', success: true, costNanoUsd: 240_000, stream: false })
  })

  it('streams content deltas, the finish reason and the usage chunk, then [DONE]', async () => {
    fx.upstream.enqueue({ chunks: ['Bon', 'jour', ' !'], usage: { inputTokens: 12, outputTokens: 3 } })
    const stream = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in French' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' })
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('Bonjour !')
    const finish = chunks.find((c) => c.choices[0]?.finish_reason)
    expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' })
    const last = chunks.at(-1)!
    expect(last.choices).toEqual([])
    expect(last.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 })
    // Every other chunk says there is no usage yet; all share one id and the model asked for.
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(
      chunks.every((c) => c.model === 'openai:gpt-4o-mini' && c.object === 'chat.completion.chunk'),
    ).toBe(true)
  })

  it('sends [DONE] and no usage chunk without include_usage, as raw server-sent events', async () => {
    fx.upstream.enqueue({ text: 'Hi' })
    const response = await fetch(`${fx.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('x-aimux-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const events = (await response.text()).trim().split('\n\n')
    expect(events.at(-1)).toBe('data: [DONE]')
    const payloads = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')))
    expect(payloads.every((p) => !('usage' in p))).toBe(true)
    expect(payloads.at(-1).choices[0].finish_reason).toBe('stop')
  })

  it('passes the client tools to the model and hands the tool calls back, without running them', async () => {
    fx.upstream.enqueue({ toolCalls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }] })
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'The weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ]
    const client = fx.client(secret)
    const first = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    })
    expect(first.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
    })
    expect(fx.upstream.pending).toBe(0)
    expect(lastUpstreamBody()).toMatchObject({
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    })

    // The client runs the tool and sends its result back, echoing the assistant message.
    fx.upstream.enqueue({ text: 'Sunny, 21 degrees.' })
    const second = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21,"sky":"sunny"}' },
      ],
      tools,
    })
    expect(second.choices[0]?.message.content).toBe('Sunny, 21 degrees.')
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21,"sky":"sunny"}' },
    ])
  })

  it('streams tool calls as tool_call deltas with their index, id, name and arguments', async () => {
    fx.upstream.enqueue({
      toolCalls: [
        { id: 'call_a', name: 'lookup', args: { q: 'a' } },
        { id: 'call_b', name: 'lookup', args: { q: 'b' } },
      ],
    })
    const stream = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Look up a and b' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      stream: true,
    })
    const deltas = []
    let finishReason: string | null = null
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []))
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason
    }
    expect(deltas).toEqual([
      { index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } },
      { index: 1, id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '{"q":"b"}' } },
    ])
    expect(finishReason).toBe('tool_calls')
  })

  it('asks for structured output with the json_schema exactly as the client wrote it', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'integer' } },
      required: ['city', 'population'],
      additionalProperties: false,
    }
    fx.upstream.enqueue({ text: '{"city":"Paris","population":2102650}' })
    const res = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'The largest city of France, as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    })
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ city: 'Paris', population: 2102650 })
    expect(lastUpstreamBody().response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'city', schema },
    })
  })

  it('hands back a reply that is not JSON as it is, and json_object as JSON mode', async () => {
    fx.upstream.enqueue({ text: '{"city":"Par' })
    const res = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'A city, as JSON' }],
      response_format: { type: 'json_object' },
    })
    expect(res.choices[0]?.message.content).toBe('{"city":"Par')
    expect(lastUpstreamBody().response_format).toEqual({ type: 'json_object' })
  })

  it('sends image parts on, as http and data URLs', async () => {
    fx.upstream.enqueue({ text: 'A cat and a dot.' })
    const dataUrl =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABh6FO1AAAAABJRU5ErkJggg=='
    const res = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these images?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            { type: 'image_url', image_url: { url: dataUrl } },
          ],
        },
      ],
    })
    expect(res.choices[0]?.message.content).toBe('A cat and a dot.')
    const [message] = lastUpstreamBody().messages as { content: unknown }[]
    expect(message?.content).toEqual([
      { type: 'text', text: 'What is in these images?' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      { type: 'image_url', image_url: { url: dataUrl } },
    ])
  })

  it("counts the key's limits on the key's own counter", async () => {
    const { secret: limited, id } = await fx.issueKey({
      name: 'one request a minute',
      limits: { requestsPerMinute: 1 },
    })
    fx.upstream.enqueue({ text: 'first' })
    const client = fx.client(limited)
    const messages = [{ role: 'user' as const, content: 'Hi' }]
    await client.chat.completions.create({ model: 'openai:gpt-4o-mini', messages })
    const refused = await client.chat.completions
      .create({ model: 'openai:gpt-4o-mini', messages })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(Number((refused as { headers: Headers }).headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(fx.upstream.pending).toBe(0)
    // Another key is not limited by this one's counter.
    fx.upstream.enqueue({ text: 'still fine' })
    const other = await fx.client(secret).chat.completions.create({ model: 'openai:gpt-4o-mini', messages })
    expect(other.choices[0]?.message.content).toBe('still fine')
    expect(id).not.toBe(keyId)
  })

  it("counts the tokens of the key's calls against its tokensPerMinute, then refuses with Retry-After", async () => {
    const { secret: limited } = await fx.issueKey({
      name: 'thirty tokens a minute',
      limits: { tokensPerMinute: 30 },
    })
    const client = fx.client(limited)
    const messages = [{ role: 'user' as const, content: 'Hi' }]
    fx.upstream.enqueue({ text: 'a long answer', usage: { inputTokens: 20, outputTokens: 20 } })
    await client.chat.completions.create({ model: 'openai:gpt-4o-mini', messages })
    // 40 tokens were used of 30 a minute: the next call is refused before it is sent.
    const refused = await client.chat.completions
      .create({ model: 'openai:gpt-4o-mini', messages })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect((refused as Error).message).toMatch(/token/i)
    expect(Number((refused as { headers: Headers }).headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(fx.upstream.pending).toBe(0)
  })

  it('accepts the admin token on /v1, with no key limits or scope', async () => {
    fx.upstream.enqueue({ text: 'admin answer' })
    const { ADMIN_TOKEN } = await import('../test-support/gateway-fixture.js')
    const { data, response } = await fx
      .client(ADMIN_TOKEN)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('admin answer')
    const record = await fx.ai.usage.get(response.headers.get('x-aimux-request-id')!)
    expect(record?.userId).toBeUndefined()
  })
})
