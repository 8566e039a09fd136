import { type AI, createAI } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  type OpenAIBatchProtocol,
  openaiBatchProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openai } from '../openai.js'

const apiKey = 'sk-test-batch-0123456789'
const usage = { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200 }
// gpt-4o-mini at batch rates, half of $0.15 / $0.075 / $0.60 per million tokens:
// 600 uncached x $0.075 + 400 cached x $0.0375 + 200 output x $0.30.
const BATCH_COST_NANO = 45_000 + 15_000 + 60_000

const ask = (text: string, customId: string) => ({
  customId,
  messages: [{ role: 'user' as const, content: text }],
  maxOutputTokens: 500,
})

let server: FakeServer | undefined
let ai: AI | undefined
afterEach(async () => {
  await ai?.close()
  await server?.close()
})

async function setUp(protocol: OpenAIBatchProtocol) {
  server = await createFakeServer(protocol)
  ai = await createAI({
    plugins: [openai({ apiKey, baseURL: `${server.url}/v1` })],
    budgets: [{ scope: 'user', limitUsd: 1, period: 'month' }],
  })
  return ai
}

const span = () => ({ from: new Date(0), to: new Date(Date.now() + 60_000) })

describe('openai batches over the wire', () => {
  it('uploads each request as its chat body, and answers in order at half price, recorded once', async () => {
    const protocol = openaiBatchProtocol({
      answer: (line) =>
        line.custom_id === 'b'
          ? { error: { status: 400, message: "Invalid value for 'temperature'.", code: 'invalid_value' } }
          : { text: `Answer ${line.custom_id}`, usage },
    })
    const ai = await setUp(protocol)
    const job = await ai.batch.submit(
      [{ ...ask('One', 'a'), system: 'Be brief.', temperature: 0.2 }, ask('Two', 'b'), ask('Three', 'c')],
      { model: 'openai:gpt-4o-mini', scope: { userId: 'u1' } },
    )
    expect(job).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', status: 'submitted' })
    expect(job.expiresAt!.getTime() - job.createdAt.getTime()).toBeGreaterThan(86_000_000)
    const [batchId] = protocol.batchIds
    expect(job.providerBatchId).toBe(batchId)
    expect(protocol.linesOf(batchId!)[0]).toEqual({
      custom_id: 'a',
      method: 'POST',
      url: '/v1/chat/completions',
      body: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'One' },
        ],
        temperature: 0.2,
        max_completion_tokens: 500,
      },
    })
    const upload = server!.requests.find((r) => r.path === '/v1/files')!
    expect(String(upload.headers['content-type'])).toMatch(/^multipart\/form-data/)
    expect(server!.requests.find((r) => r.path === '/v1/batches')?.body).toEqual({
      input_file_id: expect.stringMatching(/^file-/),
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    })
    const reserved = job.reservation!.amountNanoUsd
    expect((await ai.budgets.status({ userId: 'u1' }))[0]).toMatchObject({ reservedNanoUsd: reserved })

    protocol.advance(batchId!, 'in_progress')
    expect(await ai.batch.get(job.id)).toMatchObject({ status: 'in_progress' })
    await expect(ai.batch.results(job.id)).rejects.toMatchObject({ name: 'NotFoundError' })

    protocol.advance(batchId!, 'completed')
    const items = await ai.batch.results(job.id)
    expect(items.map((i) => i.customId)).toEqual(['a', 'b', 'c'])
    const [a, b, c] = items
    if (!a?.ok || !c?.ok || b?.ok !== false) throw new Error('expected a and c answered, b failed')
    expect(a.result).toMatchObject({
      text: 'Answer a',
      usage: { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200 },
      cost: { nanoUsd: BATCH_COST_NANO, source: 'catalog' },
      requestId: `${job.id}:a`,
    })
    expect(b.error).toMatchObject({
      status: 400,
      provider: 'openai',
      message: expect.stringContaining("Invalid value for 'temperature'"),
    })
    expect(JSON.stringify(b.error)).not.toContain(apiKey)

    await ai.batch.results(job.id)
    await ai.flush()
    const [total] = await ai.usage.query({ ...span(), userId: 'u1' })
    expect(total).toMatchObject({ requests: 3, errors: 1, costNanoUsd: 2 * BATCH_COST_NANO })
    expect((await ai.budgets.status({ userId: 'u1' }))[0]).toMatchObject({
      spentNanoUsd: 2 * BATCH_COST_NANO,
      reservedNanoUsd: 0,
    })
    expect(await ai.batch.get(job.id)).toMatchObject({
      status: 'completed',
      counts: { total: 3, succeeded: 2, failed: 1, pending: 0 },
      costNanoUsd: 2 * BATCH_COST_NANO,
    })
  })

  it('releases the reservation of a job OpenAI failed, with its reason', async () => {
    const protocol = openaiBatchProtocol()
    const ai = await setUp(protocol)
    const job = await ai.batch.submit([ask('One', 'a')], {
      model: 'openai:gpt-4o-mini',
      scope: { userId: 'u1' },
    })
    expect((await ai.budgets.status({ userId: 'u1' }))[0]!.reservedNanoUsd).toBeGreaterThan(0)
    protocol.advance(protocol.batchIds[0]!, 'failed')
    expect(await ai.batch.get(job.id)).toMatchObject({
      status: 'failed',
      error: 'This line is not parseable as valid JSON.',
    })
    expect((await ai.budgets.status({ userId: 'u1' }))[0]).toMatchObject({
      reservedNanoUsd: 0,
      spentNanoUsd: 0,
    })
    const [item] = await ai.batch.results(job.id)
    expect(item).toMatchObject({ ok: false, customId: 'a' })
  })

  it('answers an expired job with what finished and an error for the rest, paying only for the first', async () => {
    const protocol = openaiBatchProtocol({ answer: () => ({ text: 'Done', usage }) })
    const ai = await setUp(protocol)
    const job = await ai.batch.submit([ask('One', 'a'), ask('Two', 'b')], {
      model: 'openai:gpt-4o-mini',
      scope: { userId: 'u1' },
    })
    protocol.advance(protocol.batchIds[0]!, 'expired', { answered: 1 })
    const [a, b] = await ai.batch.results(job.id)
    expect(a).toMatchObject({ ok: true, result: { cost: { nanoUsd: BATCH_COST_NANO } } })
    expect(b).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('completion window expired') },
    })
    expect((await ai.budgets.status({ userId: 'u1' }))[0]).toMatchObject({
      spentNanoUsd: BATCH_COST_NANO,
      reservedNanoUsd: 0,
    })
  })

  it('cancels a job, and an unknown provider job is a typed 404', async () => {
    const protocol = openaiBatchProtocol()
    const ai = await setUp(protocol)
    const job = await ai.batch.submit([ask('One', 'a')], { model: 'openai:gpt-4o-mini' })
    expect(await ai.batch.cancel(job.id)).toMatchObject({ status: 'cancelled' })
    const other = await ai.batch.submit([ask('Two', 'a')], { model: 'openai:gpt-4o-mini' })
    await ai.store.batches.create({ ...other, id: 'batch_lost', providerBatchId: 'batch-unknown' })
    await expect(ai.batch.get('batch_lost')).rejects.toMatchObject({ name: 'ProviderError', status: 404 })
  })
})
