import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'

const prices = [{ provider: 'mock', model: 'small', price: { input: 0.15, cachedInput: 0.075, output: 0.6 } }]

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small', prices })
  return { mock, ai }
}

describe('ai.chat', () => {
  it('returns the normalized result with exact usage and cost', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({
      text: 'Hello there',
      usage: { inputTokens: 1_000, cachedInputTokens: 400, outputTokens: 200, reasoningTokens: 50 },
    })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], requestId: 'req-1' })
    expect(res).toMatchObject({
      text: 'Hello there',
      content: [{ type: 'text', text: 'Hello there' }],
      toolCalls: [],
      finishReason: 'stop',
      provider: 'mock',
      model: 'small',
      requestId: 'req-1',
      usage: {
        inputTokens: 1_000,
        cachedInputTokens: 400,
        cacheWriteTokens: 0,
        outputTokens: 200,
        reasoningTokens: 50,
        totalTokens: 1_200,
      },
    })
    expect(res.cost.nanoUsd).toBe(600 * 150 + 400 * 75 + 200 * 600)
    expect(res.latencyMs).toBeGreaterThanOrEqual(0)
    expect(res.steps).toHaveLength(1)
    await ai.close()
  })

  it('sends the normalized request to the adapter', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'ok' })
    await ai.chat({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.2,
      maxOutputTokens: 50,
      stop: 'END',
      seed: 7,
      providerOptions: { mock: { x: 1 } },
      scope: { userId: 'u1' },
    })
    const [call] = mock.calls
    expect(call?.mode).toBe('generate')
    expect(call?.request).toEqual({
      model: 'small',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.2,
      maxOutputTokens: 50,
      stop: ['END'],
      seed: 7,
      providerOptions: { mock: { x: 1 } },
    })
    expect(call?.ctx.scope).toEqual({ userId: 'u1' })
    await ai.close()
  })

  it('rejects an invalid request naming each wrong field, and sends nothing', async () => {
    const { mock, ai } = await setup()
    const error = await ai
      .chat({ messages: [{ role: 'robot', content: 'x' } as never], temperature: 5 })
      .catch((e) => e)
    expect(error.code).toBe('validation')
    expect(error.message).toMatch(/^Invalid chat request: /)
    expect(error.issues.map((i: { path: string }) => i.path)).toEqual(['messages[0].role', 'temperature'])
    await expect(ai.chat({ messages: [] })).rejects.toThrow('messages: must hold at least one message')
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('lets a provider-reported cost win over the catalog', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'ok', usage: { inputTokens: 1_000, outputTokens: 1_000 }, costNanoUsd: 42 })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }] })
    expect(res.cost).toEqual({ nanoUsd: 42, usd: 42e-9, source: 'provider' })
    await ai.close()
  })

  it('records one usage record per request in the background', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'ok', usage: { inputTokens: 10, outputTokens: 5 } })
    const res = await ai.chat({
      messages: [{ role: 'user', content: 'Hi' }],
      scope: { tenantId: 't', userId: 'u' },
    })
    const record = await ai.usage.get(res.requestId)
    expect(record).toMatchObject({
      requestId: res.requestId,
      tenantId: 't',
      userId: 'u',
      provider: 'mock',
      model: 'small',
      inputTokens: 10,
      outputTokens: 5,
      costNanoUsd: res.cost.nanoUsd,
      costSource: 'catalog',
      success: true,
      stream: false,
      steps: 1,
    })
    await ai.close()
  })

  it('throws the typed error, emits it and records a failed usage record', async () => {
    const { mock, ai } = await setup()
    const seen: string[] = []
    ai.on('error', (e) => void seen.push(`${e.error.code}:${e.requestId}`))
    mock.enqueue({ error: { status: 401, message: 'Incorrect API key' } })
    const error = await ai
      .chat({ messages: [{ role: 'user', content: 'Hi' }], requestId: 'r-401' })
      .catch((e) => e)
    expect(error).toMatchObject({ code: 'authentication', retryable: false, requestId: 'r-401', status: 401 })
    await ai.flush()
    expect(seen).toEqual(['authentication:r-401'])
    expect(await ai.usage.get('r-401')).toMatchObject({
      success: false,
      errorCode: 'authentication',
      costNanoUsd: 0,
    })
    await ai.close()
  })

  it('aborts the call when the caller aborts', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'slow', delayMs: 5_000 })
    const controller = new AbortController()
    const pending = ai.chat({ messages: [{ role: 'user', content: 'Hi' }], signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    expect(mock.calls[0]?.ctx.signal.aborted).toBe(true)
    await ai.close()
  })
})
