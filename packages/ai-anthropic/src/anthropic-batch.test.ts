import { type AI, createAI } from '@aimux/ai-core'
import {
  type AnthropicBatchProtocol,
  anthropicBatchProtocol,
  createFakeServer,
  type FakeServer,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { anthropic } from './anthropic.js'

const apiKey = 'sk-ant-api03-batch0123456789abcdef'
const usage = { inputTokens: 1000, outputTokens: 200 }
// claude-sonnet-5 at batch rates, half of $2 / $10 per million tokens: 1000 x $1 + 200 x $5.
const BATCH_COST_NANO = 1_000_000 + 1_000_000

const ask = (text: string, customId: string) => ({
  customId,
  messages: [{ role: 'user' as const, content: text }],
  maxOutputTokens: 300,
})

let server: FakeServer | undefined
let ai: AI | undefined
afterEach(async () => {
  await ai?.close()
  await server?.close()
})

async function setUp(protocol: AnthropicBatchProtocol) {
  server = await createFakeServer(protocol)
  ai = await createAI({
    plugins: [anthropic({ apiKey, baseURL: server.url })],
    budgets: [{ scope: 'project', limitUsd: 1, period: 'day' }],
  })
  return ai
}

const scope = { projectId: 'p1' }
const span = () => ({ from: new Date(0), to: new Date(Date.now() + 60_000) })

describe('anthropic message batches over the wire', () => {
  it('sends each request as its Messages body, and answers in order at half price, recorded once', async () => {
    const protocol = anthropicBatchProtocol({
      answer: (request) =>
        request.custom_id === 'b'
          ? { error: { status: 400, message: 'max_tokens: 300 > 200, the maximum for this model' } }
          : { text: `Answer ${request.custom_id}`, usage },
    })
    const ai = await setUp(protocol)
    const job = await ai.batch.submit(
      [{ ...ask('One', 'a'), system: 'Be brief.' }, ask('Two', 'b'), ask('Three', 'c')],
      {
        model: 'anthropic:claude-sonnet-5',
        scope,
      },
    )
    const [batchId] = protocol.batchIds
    expect(job).toMatchObject({
      provider: 'anthropic',
      providerBatchId: batchId,
      status: 'in_progress',
      counts: { total: 3, succeeded: 0, failed: 0, pending: 3 },
    })
    expect(protocol.requestsOf(batchId!)[0]).toEqual({
      custom_id: 'a',
      params: {
        model: 'claude-sonnet-5',
        max_tokens: 300,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'One' }],
      },
    })
    const reserved = job.reservation!.amountNanoUsd
    expect((await ai.budgets.status(scope))[0]).toMatchObject({ reservedNanoUsd: reserved })
    await expect(ai.batch.results(job.id)).rejects.toMatchObject({ name: 'NotFoundError' })

    protocol.end(batchId!)
    const items = await ai.batch.results(job.id)
    expect(items.map((i) => [i.customId, i.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ])
    const [a, b] = items
    if (!a?.ok || b?.ok !== false) throw new Error('expected a answered and b failed')
    expect(a.result).toMatchObject({
      text: 'Answer a',
      usage: { inputTokens: 1000, outputTokens: 200 },
      cost: { nanoUsd: BATCH_COST_NANO, source: 'catalog' },
    })
    expect(b.error).toMatchObject({ status: 400, message: expect.stringContaining('max_tokens: 300 > 200') })

    await ai.batch.results(job.id)
    await ai.flush()
    expect((await ai.usage.query({ ...span(), projectId: 'p1' }))[0]).toMatchObject({
      requests: 3,
      errors: 1,
      costNanoUsd: 2 * BATCH_COST_NANO,
    })
    expect((await ai.budgets.status(scope))[0]).toMatchObject({
      spentNanoUsd: 2 * BATCH_COST_NANO,
      reservedNanoUsd: 0,
    })
    expect(await ai.batch.get(job.id)).toMatchObject({
      status: 'completed',
      counts: { total: 3, succeeded: 2, failed: 1, pending: 0 },
    })
  })

  it('ends a cancelled batch with what had finished, paying for that only', async () => {
    const protocol = anthropicBatchProtocol({ answer: () => ({ text: 'Done', usage }) })
    const ai = await setUp(protocol)
    const job = await ai.batch.submit([ask('One', 'a'), ask('Two', 'b')], {
      model: 'anthropic:claude-sonnet-5',
      scope,
    })
    expect(await ai.batch.cancel(job.id)).toMatchObject({ status: 'in_progress' })
    protocol.end(protocol.batchIds[0]!, { answered: 1 })
    const [a, b] = await ai.batch.results(job.id)
    expect(a).toMatchObject({ ok: true, result: { cost: { nanoUsd: BATCH_COST_NANO } } })
    expect(b).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('cancelled before it ran') },
    })
    expect(await ai.batch.get(job.id)).toMatchObject({ status: 'cancelled' })
    expect((await ai.budgets.status(scope))[0]).toMatchObject({
      spentNanoUsd: BATCH_COST_NANO,
      reservedNanoUsd: 0,
    })
  })

  it('reports an expired batch, and a batch the API refuses is a typed error that reserves nothing', async () => {
    const protocol = anthropicBatchProtocol()
    const ai = await setUp(protocol)
    const job = await ai.batch.submit([ask('One', 'a')], { model: 'anthropic:claude-sonnet-5', scope })
    protocol.end(protocol.batchIds[0]!, { answered: 0 })
    expect(await ai.batch.get(job.id)).toMatchObject({ status: 'expired' })
    const [item] = await ai.batch.results(job.id)
    expect(item).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('expired before it ran') },
    })
    expect((await ai.budgets.status(scope))[0]).toMatchObject({ spentNanoUsd: 0, reservedNanoUsd: 0 })

    await ai.store.batches.create({
      ...job,
      id: 'batch_lost',
      providerBatchId: 'msgbatch_unknown',
      status: 'submitted',
    })
    const lost = await ai.batch.get('batch_lost').catch((error: unknown) => error)
    expect(lost).toMatchObject({ name: 'ProviderError', status: 404, provider: 'anthropic' })
    expect(JSON.stringify(lost)).not.toContain(apiKey)
  })
})
