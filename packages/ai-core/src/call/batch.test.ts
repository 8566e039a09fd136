import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from '../cost/price-catalog.js'
import { normalizeUsage } from '../cost/usage.js'
import {
  BudgetExceededError,
  InvalidResponseError,
  NotFoundError,
  ValidationError,
} from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import { estimateCost } from '../middleware/budget-guard.js'
import { defineProvider, type ProviderRequest } from '../spec/provider.js'
import type { ProviderBatch, ProviderBatchItem, ProviderBatchState } from '../spec/provider-batch.js'
import { createMemoryStore } from '../store/memory/memory-store.js'

interface FakeJob {
  requests: { customId: string; request: ProviderRequest }[]
  state: ProviderBatchState
  answers: ProviderBatchItem[]
}

/** A provider whose batch jobs live in memory and move only when the test says. */
function batchingProvider(id = 'acme') {
  const jobs = new Map<string, FakeJob>()
  const calls: string[] = []
  const batch: ProviderBatch = {
    priceFactor: 0.5,
    completionWindowMs: 24 * 3_600_000,
    async submit(requests) {
      calls.push('submit')
      const providerId = `pb_${jobs.size + 1}`
      const counts = { total: requests.length, succeeded: 0, failed: 0, pending: requests.length }
      const state: ProviderBatchState = {
        id: providerId,
        status: 'submitted',
        counts,
        expiresAt: new Date(Date.now() + 86_400_000),
      }
      jobs.set(providerId, { requests: [...requests], state, answers: [] })
      return structuredClone(state)
    },
    async retrieve(providerId) {
      calls.push('retrieve')
      return structuredClone(jobs.get(providerId)!.state)
    },
    async results(providerId) {
      calls.push('results')
      return [...jobs.get(providerId)!.answers].reverse()
    },
    async cancel(providerId) {
      calls.push('cancel')
      const job = jobs.get(providerId)!
      job.state = { ...job.state, status: 'cancelled', endedAt: new Date() }
      return structuredClone(job.state)
    },
  }
  const adapter = defineProvider({
    id,
    generate: async () => ({ content: [], finishReason: 'stop', usage: normalizeUsage({}) }),
    batch,
    prices: [{ provider: id, model: '*', price: { input: 1, output: 2 } }],
  })
  const plugin: Plugin = { name: id, setup: (host) => host.registerProvider(adapter) }
  return {
    plugin,
    jobs,
    calls,
    /** Every request answered: 1000 input and 500 output tokens each, except those in `errored`. */
    finish(providerId: string, errored: string[] = []) {
      const job = jobs.get(providerId)!
      job.answers = job.requests.map(({ customId }) =>
        errored.includes(customId)
          ? { customId, error: new InvalidResponseError(`request ${customId} was malformed`) }
          : {
              customId,
              result: {
                content: [{ type: 'text', text: `answer ${customId}` }],
                finishReason: 'stop',
                usage: normalizeUsage({ inputTokens: 1000, outputTokens: 500 }),
              },
            },
      )
      const failed = errored.length
      job.state = {
        ...job.state,
        status: 'completed',
        counts: { total: job.requests.length, succeeded: job.requests.length - failed, failed, pending: 0 },
        endedAt: new Date(),
      }
    },
    fail(providerId: string, error: string) {
      const job = jobs.get(providerId)!
      job.state = { ...job.state, status: 'failed', error, endedAt: new Date() }
    },
    progress(providerId: string) {
      const job = jobs.get(providerId)!
      job.state = { ...job.state, status: 'in_progress' }
    },
  }
}

const ask = (text: string, customId?: string) => ({
  messages: [{ role: 'user' as const, content: text }],
  maxOutputTokens: 1000,
  ...(customId ? { customId } : {}),
})

// 1000 input tokens at $0.50/M and 500 output tokens at $1/M (half of $1 and $2): $0.001.
const BATCH_COST_NANO = 500_000 + 500_000

describe('ai.batch', () => {
  it('submits every request as a chat call maps it, reserving their estimate at batch rates', async () => {
    const fake = batchingProvider()
    const ai = await createAI({
      plugins: [fake.plugin],
      budgets: [{ scope: 'user', limitUsd: 1, period: 'month' }],
    })
    const job = await ai.batch.submit([{ ...ask('One', 'a'), system: 'Be brief.' }, ask('Two')], {
      model: 'acme:m1',
      scope: { userId: 'u1' },
      metadata: { purpose: 'nightly' },
    })
    expect(job).toMatchObject({
      provider: 'acme',
      model: 'm1',
      providerBatchId: 'pb_1',
      status: 'submitted',
      scope: { userId: 'u1' },
      requests: [
        { customId: 'a', requestId: `${job.id}:a` },
        { customId: '1', requestId: `${job.id}:1` },
      ],
      metadata: { purpose: 'nightly' },
    })
    const sent = fake.jobs.get('pb_1')!.requests
    expect(sent[0]).toEqual({
      customId: 'a',
      request: {
        model: 'm1',
        maxOutputTokens: 1000,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'One' },
        ],
      },
    })
    // The reservation is exactly half of the estimate at the normal rates, and held on the budget.
    const prices = createPriceCatalog()
    prices.add([{ provider: 'acme', model: '*', price: { input: 1, output: 2 } }], 'user')
    const normal = sent.reduce((sum, r) => sum + estimateCost(r.request, 'acme', prices, 1000), 0)
    expect(job.reservation!.amountNanoUsd * 2).toBe(normal)
    const window = job.reservation!.expiresAt.getTime() - job.createdAt.getTime()
    expect(window).toBe(24 * 3_600_000 + 3_600_000)
    const [status] = await ai.budgets.status({ userId: 'u1' })
    expect(status).toMatchObject({ reservedNanoUsd: job.reservation!.amountNanoUsd, spentNanoUsd: 0 })
    expect(await ai.store.batches.get(job.id)).toEqual(job)
    await ai.close()
  })

  it('answers results in the order submitted, at batch rates, recording usage and settling once', async () => {
    const fake = batchingProvider()
    const ai = await createAI({
      plugins: [fake.plugin],
      budgets: [{ scope: 'global', limitUsd: 1, period: 'total' }],
    })
    const costs: number[] = []
    ai.on('cost', (e) => {
      costs.push(e.cost.nanoUsd)
    })
    const job = await ai.batch.submit([ask('One', 'a'), ask('Two', 'b'), ask('Three', 'c')], {
      model: 'acme:m1',
    })
    fake.progress('pb_1')
    expect(await ai.batch.get(job.id)).toMatchObject({ status: 'in_progress' })
    await expect(ai.batch.results(job.id)).rejects.toThrow(NotFoundError)

    fake.finish('pb_1', ['b'])
    const items = await ai.batch.results(job.id)
    expect(items.map((i) => [i.customId, i.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ])
    const first = items[0]!
    if (!first.ok) throw new Error('expected a result')
    expect(first.result).toMatchObject({
      text: 'answer a',
      requestId: `${job.id}:a`,
      provider: 'acme',
      model: 'm1',
      usage: { inputTokens: 1000, outputTokens: 500 },
      cost: { nanoUsd: BATCH_COST_NANO, source: 'catalog' },
    })
    const errored = items[1]!
    if (errored.ok) throw new Error('expected an error')
    expect(errored.error).toBeInstanceOf(InvalidResponseError)
    expect(errored.error.requestId).toBe(`${job.id}:b`)

    // Asked again: the same answers, nothing recorded twice.
    const again = await ai.batch.results(job.id)
    expect(again.map((i) => i.ok)).toEqual([true, false, true])
    await ai.flush()
    expect(costs).toEqual([BATCH_COST_NANO, BATCH_COST_NANO])
    const usage = await ai.usage.query({ from: new Date(0), to: new Date(Date.now() + 60_000) })
    expect(usage[0]).toMatchObject({ requests: 3, errors: 1, costNanoUsd: 2 * BATCH_COST_NANO })
    expect(await ai.usage.get(`${job.id}:b`)).toMatchObject({ success: false, errorCode: 'invalid-response' })
    const [status] = await ai.budgets.status({})
    expect(status).toMatchObject({ spentNanoUsd: 2 * BATCH_COST_NANO, reservedNanoUsd: 0 })
    expect(await ai.store.batches.get(job.id)).toMatchObject({
      status: 'completed',
      costNanoUsd: 2 * BATCH_COST_NANO,
      settledAt: expect.any(Date),
    })
    // An ended job is not asked about again.
    const retrieves = fake.calls.filter((c) => c === 'retrieve').length
    await ai.batch.get(job.id)
    expect(fake.calls.filter((c) => c === 'retrieve').length).toBe(retrieves)
    await ai.close()
  })

  it('settles once when two instances on one store fetch the results', async () => {
    const fake = batchingProvider()
    const store = createMemoryStore()
    const plugins = (): Plugin[] => [
      fake.plugin,
      { name: 'store', setup: (host) => host.registerStore(store) },
    ]
    const budgets = [{ scope: 'global' as const, limitUsd: 1, period: 'total' as const }]
    const one = await createAI({ plugins: plugins(), budgets })
    const two = await createAI({ plugins: plugins(), budgets })
    const job = await one.batch.submit([ask('One'), ask('Two')], { model: 'acme:m1' })
    fake.finish('pb_1')
    await Promise.all([one.batch.results(job.id), two.batch.results(job.id)])
    await Promise.all([one.flush(), two.flush()])
    const [status] = await one.budgets.status({})
    expect(status).toMatchObject({ spentNanoUsd: 2 * BATCH_COST_NANO, reservedNanoUsd: 0 })
    const usage = await one.usage.query({ from: new Date(0), to: new Date(Date.now() + 60_000) })
    expect(usage[0]).toMatchObject({ requests: 2, costNanoUsd: 2 * BATCH_COST_NANO })
  })

  it('releases the reservation of a job the provider failed as a whole, and answers each request with its error', async () => {
    const fake = batchingProvider()
    const ai = await createAI({
      plugins: [fake.plugin],
      budgets: [{ scope: 'global', limitUsd: 1, period: 'total' }],
    })
    const job = await ai.batch.submit([ask('One'), ask('Two')], { model: 'acme:m1' })
    expect((await ai.budgets.status({}))[0]!.reservedNanoUsd).toBeGreaterThan(0)
    fake.fail('pb_1', 'The input file is malformed.')
    expect(await ai.batch.get(job.id)).toMatchObject({
      status: 'failed',
      error: 'The input file is malformed.',
      costNanoUsd: 0,
    })
    expect((await ai.budgets.status({}))[0]).toMatchObject({ reservedNanoUsd: 0, spentNanoUsd: 0 })
    const items = await ai.batch.results(job.id)
    expect(items.map((i) => i.ok)).toEqual([false, false])
    expect(fake.calls).not.toContain('results')
    await ai.close()
  })

  it('refuses a batch whose estimate would pass a hard budget, sending nothing', async () => {
    const fake = batchingProvider()
    const ai = await createAI({
      plugins: [fake.plugin],
      budgets: [{ scope: 'global', limitUsd: 0.001, period: 'total' }],
    })
    const requests = Array.from({ length: 5 }, (_, i) => ask(`Question ${i}`))
    await expect(ai.batch.submit(requests, { model: 'acme:m1' })).rejects.toThrow(BudgetExceededError)
    expect(fake.calls).toEqual([])
    expect(await ai.batch.list()).toEqual([])
    await ai.close()
  })

  it('cancels a running job and lists jobs newest first', async () => {
    const fake = batchingProvider()
    const ai = await createAI({ plugins: [fake.plugin] })
    const first = await ai.batch.submit([ask('One')], { model: 'acme:m1' })
    const second = await ai.batch.submit([ask('Two')], { model: 'acme:m1', scope: { userId: 'u2' } })
    expect(await ai.batch.cancel(first.id)).toMatchObject({ status: 'cancelled' })
    expect((await ai.batch.list()).map((j) => j.id).sort()).toEqual([first.id, second.id].sort())
    expect((await ai.batch.list({ userId: 'u2' })).map((j) => j.id)).toEqual([second.id])
    expect((await ai.batch.list({ status: 'cancelled' })).map((j) => j.id)).toEqual([first.id])
    await ai.close()
  })

  it('says which providers have batches, and rejects a bad request before anything is sent', async () => {
    const fake = batchingProvider()
    const plain = defineProvider({
      id: 'plain',
      generate: async () => ({ content: [], finishReason: 'stop', usage: normalizeUsage({}) }),
    })
    const ai = await createAI({
      plugins: [fake.plugin, { name: 'plain', setup: (host) => host.registerProvider(plain) }],
    })
    await expect(ai.batch.submit([ask('One')], { model: 'plain:m' })).rejects.toMatchObject({
      name: 'ConfigError',
      provider: 'plain',
      message: "Provider 'plain' has no batch API. Providers with one here: acme.",
    })
    await expect(ai.batch.submit([ask('One', 'x'), ask('Two', 'x')], { model: 'acme:m1' })).rejects.toThrow(
      ValidationError,
    )
    await expect(ai.batch.submit([], { model: 'acme:m1' })).rejects.toThrow(ValidationError)
    await expect(ai.batch.submit([ask('One', 'bad id!')], { model: 'acme:m1' })).rejects.toThrow(
      /customId: must be 1-64 letters/,
    )
    await expect(ai.batch.get('batch_missing')).rejects.toThrow(NotFoundError)
    expect(fake.calls).toEqual([])
    await ai.close()
  })
})
