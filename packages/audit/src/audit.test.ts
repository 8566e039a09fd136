import { Writable } from 'node:stream'
import { type AimuxError, type AuditRecord, createAI, defineTool } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AuditOptions, audit, sha256Hex } from './index.js'

const SECRET_PROMPT = 'My locker code is 4711-RIVER'
const price = { provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }

async function setup(options: AuditOptions = {}) {
  const mock = mockProvider({ prices: [price] })
  const ai = await createAI({ plugins: [mock, audit(options)], defaultModel: 'mock:mock-model' })
  return { mock, ai }
}

const unexpected = (): never => {
  throw new Error('the request was expected to fail')
}

const all = async (ai: Awaited<ReturnType<typeof setup>>['ai']) => (await ai.audit.query()).items

describe('audit on ai.chat', () => {
  it('writes one record a request: scope, model, cost, tokens and the hashes of what was sent and answered', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Hello there.', usage: { inputTokens: 12, outputTokens: 4 } })
    const res = await ai.chat({
      system: 'Be brief.',
      messages: [{ role: 'user', content: SECRET_PROMPT }],
      scope: { tenantId: 't1', userId: 'u1', projectId: 'p1' },
    })
    const records = await all(ai)
    expect(records).toHaveLength(1)
    const record = records[0]!
    const prompt = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: SECRET_PROMPT },
      ],
      tools: [],
    }
    expect(mock.calls[0]!.request.messages).toEqual(prompt.messages)
    expect(record).toEqual({
      id: expect.stringMatching(/^aud_/),
      createdAt: expect.any(Date),
      requestId: res.requestId,
      tenantId: 't1',
      userId: 'u1',
      projectId: 'p1',
      operation: 'chat',
      stream: false,
      provider: 'mock',
      model: 'mock-model',
      promptSha256: sha256Hex(prompt),
      answerSha256: sha256Hex({ text: 'Hello there.', toolCalls: [] }),
      costNanoUsd: 12 * 1_000 + 4 * 2_000,
      inputTokens: 12,
      outputTokens: 4,
      outcome: 'success',
    })
    expect(record.costNanoUsd).toBe(res.cost.nanoUsd)
    // 'hash' keeps no content: the prompt's text is nowhere in the record.
    expect(JSON.stringify(record)).not.toContain('4711-RIVER')
    expect(JSON.stringify(record)).not.toContain('Hello there')
    await ai.close()
  })

  it("keeps the prompt as sent and the answer with content 'full'", async () => {
    const { mock, ai } = await setup({ content: 'full' })
    mock.enqueue({ text: 'Noted.' })
    await ai.chat({ messages: [{ role: 'user', content: SECRET_PROMPT }] })
    const [record] = await all(ai)
    expect(record!.content).toEqual({
      prompt: { messages: [{ role: 'user', content: SECRET_PROMPT }], tools: [] },
      answer: { text: 'Noted.', toolCalls: [] },
    })
    expect(record!.promptSha256).toBe(sha256Hex(record!.content!.prompt))
    expect(record!.answerSha256).toBe(sha256Hex(record!.content!.answer))
    await ai.close()
  })

  it('records a failed request with its code and a masked message, and the model asked for', async () => {
    const { mock, ai } = await setup({ content: 'full' })
    const key = 'sk-proj-abcDEF1234567890abcdEF12'
    mock.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${key}` } })
    const failed = await ai
      .chat({
        model: 'mock:mock-model',
        messages: [{ role: 'user', content: 'Hi' }],
        scope: { userId: 'u1' },
      })
      .then(unexpected, (error: unknown) => error as AimuxError)
    expect(failed.code).toBe('authentication')
    const [record] = await all(ai)
    expect(record).toMatchObject({
      requestId: failed.requestId,
      userId: 'u1',
      provider: 'mock',
      model: 'mock-model',
      outcome: 'error',
      errorCode: 'authentication',
      costNanoUsd: 0,
      content: { prompt: { messages: [{ role: 'user', content: 'Hi' }], tools: [] } },
    })
    expect(record!.answerSha256).toBeUndefined()
    expect(record!.requestedModel).toBeUndefined()
    expect(JSON.stringify(record)).not.toContain(key)
    await ai.close()
  })

  it("records a budget refusal, with the request's key, though nothing was sent", async () => {
    const { mock, ai } = await setup({ content: 'full' })
    const refused = await ai
      .chat({
        messages: [{ role: 'user', content: SECRET_PROMPT }],
        limits: { key: 'vk_1', budgets: [{ limitUsd: 0.000_000_001, period: 'day' }] },
      })
      .then(unexpected, (error: unknown) => error as AimuxError)
    expect(refused.code).toBe('budget-exceeded')
    expect(mock.calls).toHaveLength(0)
    const [record] = await all(ai)
    expect(record).toMatchObject({
      requestId: refused.requestId,
      keyId: 'vk_1',
      outcome: 'error',
      errorCode: 'budget-exceeded',
      provider: 'mock',
      model: 'mock-model',
      costNanoUsd: 0,
      promptSha256: sha256Hex({ messages: [{ role: 'user', content: SECRET_PROMPT }], tools: [] }),
    })
    // Nothing was sent, so nothing is kept of the prompt, even with content 'full'.
    expect(record!.content).toBeUndefined()
    await ai.close()
  })

  it('writes one record for a stream, marked as streamed', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['Hel', 'lo'] })
    let text = ''
    for await (const part of ai.stream({ messages: [{ role: 'user', content: 'Hi' }] }))
      if (part.type === 'text-delta') text += part.text
    expect(text).toBe('Hello')
    const records = await all(ai)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({
      stream: true,
      outcome: 'success',
      answerSha256: sha256Hex({ text: 'Hello', toolCalls: [] }),
    })
    await ai.close()
  })

  it('records a stream the caller left early as aborted', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['one ', 'two ', 'three'] })
    for await (const part of ai.stream({ messages: [{ role: 'user', content: 'Count' }] }))
      if (part.type === 'text-delta') break
    const records = await all(ai)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ stream: true, outcome: 'error', errorCode: 'aborted' })
    await ai.close()
  })

  it('writes one record for a whole tool loop, with the cost of every step', async () => {
    const { mock, ai } = await setup()
    const lookup = defineTool({
      name: 'lookup',
      description: 'Finds an order',
      parameters: z.object({ id: z.string() }),
      execute: async ({ id }) => ({ id, status: 'shipped' }),
    })
    mock.enqueue(
      {
        toolCalls: [{ id: 'c1', name: 'lookup', args: { id: 'o1' } }],
        usage: { inputTokens: 10, outputTokens: 5 },
      },
      { text: 'It shipped.', usage: { inputTokens: 30, outputTokens: 3 } },
    )
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Where is o1?' }], tools: [lookup] })
    expect(mock.calls).toHaveLength(2)
    const records = await all(ai)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({
      requestId: res.requestId,
      inputTokens: 40,
      outputTokens: 8,
      costNanoUsd: 40 * 1_000 + 8 * 2_000,
      answerSha256: sha256Hex({ text: 'It shipped.', toolCalls: [] }),
      // The prompt is the first model call's: the user's message and the tool offered.
      promptSha256: sha256Hex({
        messages: mock.calls[0]!.request.messages,
        tools: mock.calls[0]!.request.tools,
      }),
    })
    await ai.close()
  })

  it('records what a tool loop had paid for when a later step failed', async () => {
    const { mock, ai } = await setup()
    const lookup = defineTool({
      name: 'lookup',
      description: 'Finds an order',
      parameters: z.object({ id: z.string() }),
      execute: async ({ id }) => ({ id }),
    })
    mock.enqueue(
      {
        toolCalls: [{ id: 'c1', name: 'lookup', args: { id: 'o1' } }],
        usage: { inputTokens: 10, outputTokens: 5 },
      },
      { error: { status: 400, message: 'bad request' } },
    )
    await expect(
      ai.chat({ messages: [{ role: 'user', content: 'Where?' }], tools: [lookup] }),
    ).rejects.toThrow()
    const [record] = await all(ai)
    expect(record).toMatchObject({
      outcome: 'error',
      errorCode: 'provider',
      inputTokens: 10,
      outputTokens: 5,
      costNanoUsd: 10 * 1_000 + 5 * 2_000,
    })
    await ai.close()
  })

  it('records a conversation turn with its conversation', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Hi!' })
    const chat = await ai.conversation({ userId: 'u7' })
    await chat.send('Hello')
    const [record] = await all(ai)
    expect(record).toMatchObject({ conversationId: chat.id, userId: 'u7', outcome: 'success' })
    await ai.close()
  })
})

describe('ai.audit', () => {
  async function filled(count: number) {
    const { mock, ai } = await setup({ exportPageSize: 3 })
    for (let i = 0; i < count; i++) {
      mock.enqueue(i % 4 === 3 ? { error: { status: 400, message: 'bad request' } } : { text: `answer ${i}` })
      await ai
        .chat({ messages: [{ role: 'user', content: `question ${i}` }], scope: { userId: `u${i % 2}` } })
        .catch(() => undefined)
    }
    return ai
  }

  const lines = async (iterable: AsyncIterable<string>) => {
    const out: string[] = []
    for await (const line of iterable) out.push(line)
    return out
  }

  /** A record as JSON carries its times as ISO text. */
  const asJson = (record: AuditRecord) => JSON.parse(JSON.stringify(record))

  it('exports every record as JSON lines, newest first, paging through the store', async () => {
    const ai = await filled(8)
    const exported = await lines(ai.audit.export())
    expect(exported).toHaveLength(8)
    for (const line of exported) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true)
    const { items } = await ai.audit.query({ limit: 100 })
    expect(exported.map((line) => JSON.parse(line))).toEqual(items.map(asJson))
    const errors = await lines(ai.audit.export({ outcome: 'error' }))
    expect(errors.map((line) => JSON.parse(line).errorCode)).toEqual(['provider', 'provider'])
    await ai.close()
  })

  it('filters and pages a query with its cursor', async () => {
    const ai = await filled(6)
    const first = await ai.audit.query({ userId: 'u0', limit: 2 })
    expect(first.items).toHaveLength(2)
    const second = await ai.audit.query({ userId: 'u0', limit: 2, cursor: first.nextCursor! })
    expect(second.items).toHaveLength(1)
    expect(second.nextCursor).toBeUndefined()
    expect([...first.items, ...second.items].every((r) => r.userId === 'u0')).toBe(true)
    await ai.close()
  })

  it('writes an export to a stream, and refuses a wrong query naming the field', async () => {
    const ai = await filled(5)
    const chunks: string[] = []
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk, _encoding, done) {
        chunks.push(String(chunk))
        setImmediate(done)
      },
    })
    expect(await ai.audit.exportTo(sink)).toBe(5)
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(5)
    await expect(ai.audit.query({ limit: 0 })).rejects.toMatchObject({ code: 'validation' })
    await expect(ai.audit.query({ outcome: 'maybe' as 'error' })).rejects.toThrow(/outcome/)
    await ai.close()
  })

  it('refuses wrong options naming the field', () => {
    expect(() => audit({ content: 'all' as 'full' })).toThrow(/content/)
    expect(() => audit({ extra: 1 } as AuditOptions)).toThrow(/Invalid audit options/)
  })
})
