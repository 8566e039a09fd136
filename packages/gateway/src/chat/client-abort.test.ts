import type { ProviderAdapter } from '@aimux/ai-core'
import { APIUserAbortError } from 'openai'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

/** What the core asked of the OpenAI adapter, and how its calls ended. */
const upstreamCalls: { parts: number; ended: boolean; aborted: boolean }[] = []

function watched(adapter: ProviderAdapter): ProviderAdapter {
  return {
    ...adapter,
    async *stream(request, ctx) {
      const call = { parts: 0, ended: false, aborted: false }
      upstreamCalls.push(call)
      try {
        for await (const part of adapter.stream(request, ctx)) {
          call.parts += 1
          yield part
        }
      } finally {
        call.ended = true
        call.aborted = ctx.signal.aborted
      }
    },
    async generate(request, ctx) {
      const call = { parts: 0, ended: false, aborted: false }
      upstreamCalls.push(call)
      try {
        return await adapter.generate(request, ctx)
      } finally {
        call.ended = true
        call.aborted = ctx.signal.aborted
      }
    },
  }
}

let fx: GatewayFixture
let secret: string
const failures: { requestId: string; error: { code: string } }[] = []

beforeAll(async () => {
  fx = await startGatewayFixture({ wrapProvider: watched })
  fx.ai.on('error', (event) => {
    failures.push(event)
  })
  ;({ secret } = await fx.issueKey({ name: 'aborts' }))
})
afterAll(() => fx.close())

const patience = { timeout: 10_000, interval: 20 }

async function usageRecord(requestId: string) {
  return vi.waitFor(async () => {
    const record = await fx.ai.usage.get(requestId)
    if (!record) throw new Error('no usage record yet')
    return record
  }, patience)
}

describe('a client that goes away', () => {
  it('mid-stream stops the upstream stream, and the usage record says aborted', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `)
    fx.upstream.enqueue({ chunks: words, chunkDelayMs: 50 })
    const controller = new AbortController()
    const { data: stream, response } = await fx
      .client(secret)
      .chat.completions.create(
        { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true },
        { signal: controller.signal },
      )
      .withResponse()
    let received = 0
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1
      if (received === 2) controller.abort()
    }
    const call = upstreamCalls.at(-1)!
    await vi.waitFor(() => expect(call.ended).toBe(true), patience)
    expect(call.aborted).toBe(true)
    expect(call.parts).toBeLessThan(words.length)

    const requestId = response.headers.get('x-aimux-request-id')!
    const record = await usageRecord(requestId)
    expect(record).toMatchObject({ success: false, errorCode: 'aborted', stream: true })
    // Its 'error' event too, which may come after the record: the next test counts events from here.
    const event = await vi.waitFor(() => {
      const own = failures.find((failure) => failure.requestId === requestId)
      if (!own) throw new Error('no error event yet')
      return own
    }, patience)
    expect(event.error.code).toBe('aborted')
  })

  it('while waiting for a complete answer aborts the upstream call too', async () => {
    fx.upstream.enqueue({ text: 'too late', delayMs: 5_000 })
    const sent = fx.upstream.requests.length
    const failed = failures.length
    const controller = new AbortController()
    const answer = fx
      .client(secret)
      .chat.completions.create(
        { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Take your time' }] },
        { signal: controller.signal },
      )
      .catch((error: unknown) => error)
    await vi.waitFor(() => expect(fx.upstream.requests.length).toBe(sent + 1), patience)
    controller.abort()
    expect(await answer).toBeInstanceOf(APIUserAbortError)
    const call = upstreamCalls.at(-1)!
    await vi.waitFor(() => expect(call.ended).toBe(true), patience)
    expect(call.aborted).toBe(true)
    // The client never saw a request id: the core's 'error' event names the call (the one after
    // those of the test before, which waited for its own).
    const event = await vi.waitFor(() => {
      const next = failures[failed]
      if (!next) throw new Error('no error event yet')
      return next
    }, patience)
    expect(failures).toHaveLength(failed + 1)
    expect(event.error.code).toBe('aborted')
    const record = await usageRecord(event.requestId)
    expect(record).toMatchObject({ success: false, errorCode: 'aborted', stream: false })
  })
})
