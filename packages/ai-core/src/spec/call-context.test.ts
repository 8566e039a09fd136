import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost/usage.js'
import { createAI } from '../instance/create-ai.js'
import { type CallContext, sdkSignal } from './call-context.js'
import { defineProvider } from './provider.js'

/** A provider that records, per call, whether the adapter would hand its SDK a signal. */
async function setup() {
  const given: boolean[] = []
  const seen = (ctx: CallContext) => given.push(sdkSignal(ctx) !== undefined)
  const usage = { ...emptyUsage(), inputTokens: 1, outputTokens: 1, totalTokens: 2 }
  const provider = defineProvider({
    id: 'p',
    generate: async (_, ctx) => {
      seen(ctx)
      return { content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage }
    },
    stream: async function* (_, ctx) {
      seen(ctx)
      yield { type: 'text-delta', text: 'ok' }
      yield { type: 'usage', usage }
      yield { type: 'finish', finishReason: 'stop' }
    },
  })
  const ai = await createAI({
    plugins: [{ name: 'p', setup: (host) => host.registerProvider(provider) }],
    defaultModel: 'p:m',
  })
  return { ai, given }
}

const messages = [{ role: 'user' as const, content: 'Hi' }]

describe('sdkSignal', () => {
  it('hands the SDK the signal of every call, as each can be aborted (ai.close() aborts what still runs)', async () => {
    const { ai, given } = await setup()
    await ai.chat({ messages })
    await ai.chat({ messages, signal: new AbortController().signal })
    await ai.chat({ messages, timeout: { attemptMs: false, idleMs: false, totalMs: false } })
    for await (const _ of ai.stream({ messages })) {
    }
    await (await ai.conversation()).send('Hi')
    expect(given).toEqual([true, true, true, true, true])
    await ai.close()
  })
})
