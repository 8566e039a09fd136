import { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

let fx: GatewayFixture
let secret: string

beforeAll(async () => {
  fx = await startGatewayFixture({
    ai: {
      // A budget of one millionth of a dollar: a call to a priced model cannot fit in it.
      budgets: [{ scope: 'user', limitUsd: 0.000001, period: 'month' }],
      circuitBreaker: { failureRate: 0.5, minRequests: 2, windowMs: 60_000, openMs: 30_000 },
    },
    gateway: { bodyLimitBytes: 64 * 1024 },
  })
  ;({ secret } = await fx.issueKey({ name: 'errors', scope: { tenantId: 't-errors' } }))
})
afterAll(() => fx.close())

const hi = [{ role: 'user' as const, content: 'Hi' }]

const nextDay = (at: number) => {
  const day = new Date(at)
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1)
}
const nextMonth = (at: number) => {
  const day = new Date(at)
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1)
}
/**
 * Checks that a refusal's Retry-After is the whole seconds, rounded up, from when it was answered
 * (between `sentAt` and now) until `end`, the start of the budget's next period.
 */
function expectRetryAfter(error: APIError, end: number, sentAt: number): void {
  const seconds = Number(error.headers?.get('retry-after'))
  expect(seconds).toBeGreaterThanOrEqual(Math.max(1, Math.ceil((end - Date.now()) / 1000)))
  expect(seconds).toBeLessThanOrEqual(Math.ceil((end - sentAt) / 1000))
}

/** What the SDK throws, as an APIError. */
async function refusal(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(APIError)
  return error as APIError
}

/** A raw POST to /v1/chat/completions with a valid key. */
async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fx.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } }
}

describe('errors as the openai SDK sees them', () => {
  it('401 invalid_api_key for a missing or unknown key, never repeating the key', async () => {
    const unknown = 'sk-aimux-not-a-real-key-000000000000000000000000'
    const error = await refusal(
      fx.client(unknown).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi }),
    )
    expect(error).toMatchObject({
      status: 401,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    })
    expect(error.message).not.toContain(unknown)

    const missing = await fetch(`${fx.baseURL}/chat/completions`, { method: 'POST', body: '{}' })
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key')
  })

  it('400 naming the field for a request the gateway cannot take', async () => {
    const client = fx.client(secret)
    const n = await refusal(
      client.chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi, n: 2 }),
    )
    expect(n).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'n' })
    expect(n.message).toContain('n: only 1 is supported')

    const role = await refusal(
      client.chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'function', name: 'f', content: 'x' }],
      }),
    )
    expect(role).toMatchObject({ status: 400, param: 'messages[0].role' })
    expect(role.message).toContain("role must be 'system', 'developer', 'user', 'assistant' or 'tool'")
  })

  it('404 model_not_found for a model no provider serves, 403 for one the key may not use', async () => {
    const sent = fx.upstream.requests.length
    const unknown = await refusal(
      fx.client(secret).chat.completions.create({ model: 'gpt-4o-mini', messages: hi }),
    )
    expect(unknown).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' })
    const noProvider = await refusal(
      fx.client(secret).chat.completions.create({ model: 'mistral:large', messages: hi }),
    )
    expect(noProvider).toMatchObject({ status: 404, code: 'model_not_found' })

    const { secret: narrow } = await fx.issueKey({ models: ['openai:gpt-4o'] })
    const forbidden = await refusal(
      fx.client(narrow).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi }),
    )
    expect(forbidden).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' })
    expect(fx.upstream.requests.length).toBe(sent)
  })

  it('404 model_not_found when the provider says the model does not exist', async () => {
    fx.upstream.enqueue({
      error: { status: 404, code: 'model_not_found', message: 'The model `gpt-9` does not exist' },
    })
    const error = await refusal(
      fx.client(secret).chat.completions.create({ model: 'openai:gpt-9', messages: hi }),
    )
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' })
  })

  it('413 in the same shape for a body over the limit', async () => {
    const error = await refusal(
      fx.client(secret).chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
      }),
    )
    expect(error).toMatchObject({ status: 413, type: 'invalid_request_error', code: 'request_too_large' })
  })

  it('429 insufficient_quota / budget_exceeded when a hard budget cannot hold the call', async () => {
    const { secret: budgeted } = await fx.issueKey({ scope: { userId: 'u-poor' } })
    const sentAt = Date.now()
    const error = await refusal(
      fx.client(budgeted).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi }),
    )
    expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'budget_exceeded' })
    expect(fx.upstream.pending).toBe(0)
    // A monthly budget renews at the start of the next UTC month: Retry-After says when.
    expectRetryAfter(error, nextMonth(sentAt), sentAt)
  })

  it("429 budget_exceeded from a key's own budget, for a stream too, before anything is streamed", async () => {
    const { secret: capped } = await fx.issueKey({
      limits: { budgets: [{ limitUsd: 0.000001, period: 'day' }] },
    })
    const sentAt = Date.now()
    const error = await refusal(
      fx.client(capped).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi, stream: true }),
    )
    expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'budget_exceeded' })
    // A daily budget renews at the next UTC midnight.
    expectRetryAfter(error, nextDay(sentAt), sentAt)
  })

  it('429 budget_exceeded without Retry-After for a total budget, which never renews', async () => {
    const { secret: once } = await fx.issueKey({
      limits: { budgets: [{ limitUsd: 0.000001, period: 'total' }] },
    })
    const error = await refusal(
      fx.client(once).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi }),
    )
    expect(error).toMatchObject({ status: 429, code: 'budget_exceeded' })
    expect(error.headers?.get('retry-after')).toBeNull()
  })

  it('429 with Retry-After (whole seconds, rounded up) when the provider rate-limits the gateway', async () => {
    fx.upstream.enqueue({ error: { status: 429, message: 'Slow down', retryAfterMs: 2500 } })
    const error = await refusal(
      fx.client(secret).chat.completions.create({ model: 'openai:gpt-4o', messages: hi }),
    )
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(error.headers?.get('retry-after')).toBe('3')
  })

  it('passes upstream 500 and 503 on with their status, and a provider 401 as 502 upstream_auth', async () => {
    const client = fx.client(secret)
    fx.upstream.enqueue({ error: { status: 500, message: 'The server had an error' } })
    const e500 = await refusal(client.chat.completions.create({ model: 'openai:gpt-4.1', messages: hi }))
    expect(e500).toMatchObject({ status: 500, type: 'server_error', code: 'upstream_error' })

    fx.upstream.enqueue({ error: { status: 503, message: 'Overloaded', retryAfterMs: 1000 } })
    const e503 = await refusal(client.chat.completions.create({ model: 'openai:gpt-4.1-mini', messages: hi }))
    expect(e503).toMatchObject({ status: 503, type: 'server_error', code: 'upstream_error' })
    expect(e503.headers?.get('retry-after')).toBe('1')

    fx.upstream.enqueue({ error: { status: 401, message: 'Incorrect API key provided' } })
    const auth = await refusal(client.chat.completions.create({ model: 'openai:gpt-4.1-nano', messages: hi }))
    expect(auth).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_auth' })
  })

  it('an error after the stream started is an error event in OpenAI shape, which ends the stream', async () => {
    fx.upstream.enqueue({ chunks: ['one ', 'two ', 'three'], breakAfterChunks: 2 })
    const stream = await fx.client(secret).chat.completions.create({
      model: 'openai:gpt-4o-2024-08-06',
      messages: hi,
      stream: true,
    })
    let text = ''
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().catch((thrown: unknown) => thrown)
    expect(text).toBe('one two ')
    expect(error).toBeInstanceOf(APIError)
    expect(error).toMatchObject({ type: 'server_error', code: 'upstream_stream_interrupted' })
  })

  it('503 circuit_open with Retry-After once a model keeps failing', async () => {
    const client = fx.client(secret)
    fx.upstream.enqueue({ error: { status: 500 } }, { error: { status: 500 } })
    for (let i = 0; i < 2; i++) {
      await refusal(client.chat.completions.create({ model: 'openai:o4-mini', messages: hi }))
    }
    const open = await refusal(client.chat.completions.create({ model: 'openai:o4-mini', messages: hi }))
    expect(open).toMatchObject({ status: 503, code: 'circuit_open' })
    expect(Number(open.headers?.get('retry-after'))).toBeGreaterThan(0)
    expect(fx.upstream.pending).toBe(0)
  })
})

describe('malformed requests, over raw HTTP', () => {
  it('invalid JSON is a 400', async () => {
    const { status, body } = await post('{"model": "openai:gpt-4o-mini", "messages": [')
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null })
  })

  it('an unknown field is a 400 naming it', async () => {
    const { status, body } = await post(
      JSON.stringify({ model: 'openai:gpt-4o-mini', messages: hi, temprature: 0.5 }),
    )
    expect(status).toBe(400)
    expect(body.error).toMatchObject({
      param: 'temprature',
      message: 'Invalid request: temprature: unknown field',
    })
  })

  it('an unknown field inside a message is named with its path', async () => {
    const { status, body } = await post(
      JSON.stringify({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi', mood: 'happy' }],
      }),
    )
    expect(status).toBe(400)
    expect(body.error.param).toBe('messages[0].mood')
  })

  it('a wrong type is a 400 naming the field', async () => {
    const { status, body } = await post(
      JSON.stringify({ model: 'openai:gpt-4o-mini', messages: hi, temperature: 'warm' }),
    )
    expect(status).toBe(400)
    expect(body.error.param).toBe('temperature')
    expect(body.error.message).toMatch(/^Invalid request: temperature: .*number/)
  })

  it('a missing model is a 400 naming model', async () => {
    const { status, body } = await post(JSON.stringify({ messages: hi }))
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ param: 'model', message: 'Invalid request: model: is required' })
  })

  it('n=2 is a 400: only one choice is supported', async () => {
    const { status, body } = await post(JSON.stringify({ model: 'openai:gpt-4o-mini', messages: hi, n: 2 }))
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ param: 'n', message: 'Invalid request: n: only 1 is supported' })
  })

  it('harmless fields real clients send are accepted and ignored', async () => {
    fx.upstream.enqueue({ text: 'ok' })
    const { status } = await post(
      JSON.stringify({
        model: 'openai:gpt-4o-mini',
        messages: hi,
        store: false,
        metadata: { run: '1' },
        parallel_tool_calls: true,
        logprobs: false,
        n: 1,
        user: 'end-user-7',
        frequency_penalty: 0,
        presence_penalty: null,
        stream_options: null,
      }),
    )
    expect(status).toBe(200)
  })

  it('a tool message that answers no tool call is a 400 naming its tool_call_id', async () => {
    const { status, body } = await post(
      JSON.stringify({
        model: 'openai:gpt-4o-mini',
        messages: [...hi, { role: 'tool', tool_call_id: 'call_x', content: '42' }],
      }),
    )
    expect(status).toBe(400)
    expect(body.error.param).toBe('messages[1].tool_call_id')
  })

  it('an unknown path is a 404 in the same shape', async () => {
    const response = await fetch(`${fx.baseURL}/moderations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
      body: '{}',
    })
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_url')
  })
})
