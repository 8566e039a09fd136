import { fakeEmbedding, fakeTokenCount } from '@aimux/ai-testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

let fx: GatewayFixture
let secret: string

beforeAll(async () => {
  fx = await startGatewayFixture()
  ;({ secret } = await fx.issueKey({ name: 'embedding tests', scope: { userId: 'u-embed' } }))
})
afterAll(() => fx.close())

describe('POST /v1/embeddings, through the official openai SDK', () => {
  it('answers in OpenAI shape: base64 (the SDK default) decoded to the same vectors, usage and cost', async () => {
    fx.upstream.enqueue({})
    const input = ['Hello, world!', 'second text']
    const { data, response } = await fx
      .client(secret)
      .embeddings.create({ model: 'openai:text-embedding-3-small', input, dimensions: 8 })
      .withResponse()
    const tokens = fakeTokenCount(input[0]!) + fakeTokenCount(input[1]!)
    expect(data).toEqual({
      object: 'list',
      data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, 8) })),
      model: 'openai:text-embedding-3-small',
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    })
    expect(fx.upstream.requests.at(-1)?.body).toMatchObject({
      model: 'text-embedding-3-small',
      dimensions: 8,
    })
    expect(response.headers.get('x-aimux-provider')).toBe('openai')
    expect(response.headers.get('x-aimux-model')).toBe('text-embedding-3-small')
    // $0.02 per million tokens.
    expect(tokens).toBe(6)
    expect(response.headers.get('x-aimux-cost-usd')).toBe('0.00000012')
    const requestId = response.headers.get('x-aimux-request-id')!
    expect(await fx.ai.usage.get(requestId)).toMatchObject({
      operation: 'embed',
      userId: 'u-embed',
      inputTokens: tokens,
      costNanoUsd: tokens * 20,
    })
  })

  it('answers floats when asked', async () => {
    fx.upstream.enqueue({})
    const res = await fx.client(secret).embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: 'x',
      dimensions: 3,
      encoding_format: 'float',
    })
    expect(res.data[0]?.embedding).toEqual(fakeEmbedding('x', 3))
  })

  it('refuses a model the key may not use, and a wrong request, as the chat route does', async () => {
    const limited = await fx.issueKey({ name: 'chat only', models: ['openai:gpt-4o-mini'] })
    await expect(
      fx.client(limited.secret).embeddings.create({ model: 'openai:text-embedding-3-small', input: 'x' }),
    ).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' })
    await expect(
      fx.client(secret).embeddings.create({ model: 'openai:text-embedding-3-small', input: [1, 2, 3] }),
    ).rejects.toMatchObject({ status: 400, param: 'input' })
    await expect(fx.client(secret).embeddings.create({ model: 'nope:x', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    })
  })

  it("applies a key's budget, and passes the provider's error on", async () => {
    const tight = await fx.issueKey({
      name: 'tight',
      limits: { budgets: [{ limitUsd: 0.000001, period: 'day' }] },
    })
    await expect(
      fx
        .client(tight.secret)
        .embeddings.create({ model: 'openai:text-embedding-3-small', input: 'x'.repeat(2000) }),
    ).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' })
    fx.upstream.enqueue({ error: { status: 429 } })
    await expect(
      fx.client(secret).embeddings.create({ model: 'openai:text-embedding-3-small', input: 'x' }),
    ).rejects.toMatchObject({ status: 429 })
  })
})
