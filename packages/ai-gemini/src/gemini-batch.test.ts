import { type AI, createAI } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  type GeminiBatchProtocol,
  geminiBatchProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { gemini } from './gemini.js'

const apiKey = 'AIzaSyBatch0123456789abcdefghijklmnopq'
const usage = { inputTokens: 1000, outputTokens: 200 }
// gemini-3.5-flash at batch rates, half of $1.50 / $9 per million tokens: 1000 x $0.75 + 200 x $4.50.
const BATCH_COST_NANO = 750_000 + 900_000

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

async function setUp(protocol: GeminiBatchProtocol) {
  server = await createFakeServer(protocol)
  ai = await createAI({
    plugins: [gemini({ apiKey, baseURL: server.url })],
    budgets: [{ scope: 'tenant', limitUsd: 1, period: 'week' }],
  })
  return ai
}

const scope = { tenantId: 't1' }

describe('gemini batch mode over the wire', () => {
  it('inlines each request as its generateContent body, and answers in order at half price, recorded once', async () => {
    const protocol = geminiBatchProtocol({
      answer: (_, index) =>
        index === 1
          ? { error: { status: 400, message: 'Request contains an invalid argument.' } }
          : { text: `Answer ${index}`, usage },
    })
    const ai = await setUp(protocol)
    const job = await ai.batch.submit(
      [{ ...ask('One', 'a'), system: 'Be brief.' }, ask('Two', 'b'), ask('Three', 'c')],
      {
        model: 'gemini:gemini-3.5-flash',
        scope,
      },
    )
    const [name] = protocol.names
    expect(job).toMatchObject({
      provider: 'gemini',
      providerBatchId: name,
      status: 'submitted',
      counts: { total: 3, succeeded: 0, failed: 0, pending: 3 },
    })
    expect(protocol.requestsOf(name!)[0]).toEqual({
      request: {
        contents: [{ role: 'user', parts: [{ text: 'One' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
        generationConfig: { maxOutputTokens: 300 },
      },
      metadata: { key: 'a' },
    })
    expect(server!.requests[0]?.headers['x-goog-api-key']).toBe(apiKey)
    expect((await ai.budgets.status(scope))[0]).toMatchObject({
      reservedNanoUsd: job.reservation!.amountNanoUsd,
    })

    protocol.advance(name!, 'running')
    expect(await ai.batch.get(job.id)).toMatchObject({ status: 'in_progress' })
    protocol.advance(name!, 'succeeded')
    const items = await ai.batch.results(job.id)
    expect(items.map((i) => [i.customId, i.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ])
    const [a, b] = items
    if (!a?.ok || b?.ok !== false) throw new Error('expected a answered and b failed')
    expect(a.result).toMatchObject({
      text: 'Answer 0',
      usage: { inputTokens: 1000, outputTokens: 200 },
      cost: { nanoUsd: BATCH_COST_NANO, source: 'catalog' },
    })
    expect(b.error).toMatchObject({ status: 400, message: expect.stringContaining('invalid argument') })

    await ai.batch.results(job.id)
    await ai.flush()
    const [total] = await ai.usage.query({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId: 't1',
    })
    expect(total).toMatchObject({ requests: 3, errors: 1, costNanoUsd: 2 * BATCH_COST_NANO })
    expect((await ai.budgets.status(scope))[0]).toMatchObject({
      spentNanoUsd: 2 * BATCH_COST_NANO,
      reservedNanoUsd: 0,
    })
    expect(await ai.batch.get(job.id)).toMatchObject({
      status: 'completed',
      counts: { total: 3, succeeded: 2, failed: 1, pending: 0 },
    })
  })

  it('cancels a batch, and releases the reservation of one that failed', async () => {
    const protocol = geminiBatchProtocol()
    const ai = await setUp(protocol)
    const first = await ai.batch.submit([ask('One', 'a')], { model: 'gemini:gemini-3.5-flash', scope })
    expect(await ai.batch.cancel(first.id)).toMatchObject({ status: 'cancelled' })
    const second = await ai.batch.submit([ask('Two', 'a')], { model: 'gemini:gemini-3.5-flash', scope })
    protocol.advance(protocol.names[1]!, 'failed')
    expect(await ai.batch.get(second.id)).toMatchObject({ status: 'failed' })
    // The cancelled job holds its reservation until its results are fetched; the failed one none.
    const [cancelled] = await ai.batch.results(first.id)
    expect(cancelled).toMatchObject({ ok: false, customId: 'a' })
    expect((await ai.budgets.status(scope))[0]).toMatchObject({ reservedNanoUsd: 0, spentNanoUsd: 0 })
  })
})
