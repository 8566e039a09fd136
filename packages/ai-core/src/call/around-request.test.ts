import { AsyncLocalStorage } from 'node:async_hooks'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AbortedError, AimuxError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import { definePlugin } from '../instance/plugin.js'
import { defineTool } from '../spec/tool.js'
import type { AroundRequest, RequestOutcome } from './around-request.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]

/** A plugin whose `around` records what it ran and puts each part in an async context of its own. */
function tracing(name: string, log: string[], store = new AsyncLocalStorage<string>()) {
  const outcomes: RequestOutcome[] = []
  const plugin = definePlugin({
    name,
    setup(host) {
      host.onRequest(({ requestId }) => {
        const around: AroundRequest = {
          attempt: (call, send) => {
            log.push(`${name} attempt ${call.request.model} #${call.ctx.attempt}`)
            return store.run(`${name}:${requestId}:attempt`, send)
          },
          tool: (call, run) => {
            log.push(`${name} tool ${call.name}`)
            return store.run(`${name}:${requestId}:tool`, run)
          },
          end: (outcome) => {
            outcomes.push(outcome)
            log.push(`${name} end ${outcome.error ? outcome.error.code : outcome.result.text}`)
          },
        }
        return { around }
      })
    },
  })
  return { plugin, outcomes, store }
}

describe('around: a request hook runs attempts and tools and hears the end', () => {
  it('runs each attempt (retries included) and each tool inside its own context', async () => {
    const log: string[] = []
    const { plugin, outcomes, store } = tracing('t', log)
    const seen: (string | undefined)[] = []
    const mock = mockProvider()
    const original = mock.adapter.generate.bind(mock.adapter)
    mock.adapter.generate = (req, ctx) => {
      seen.push(store.getStore())
      return original(req, ctx)
    }
    const echo = defineTool({
      name: 'echo',
      description: 'echo',
      parameters: z.object({ say: z.string() }),
      execute: async ({ say }) => {
        seen.push(store.getStore())
        return say
      },
    })
    const ai = await createAI({
      plugins: [mock, plugin],
      defaultModel: 'mock:mock-model',
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    })
    mock.enqueue(
      { error: { status: 503 } },
      { toolCalls: [{ id: 'c1', name: 'echo', args: { say: 'x' } }] },
      { text: 'done' },
    )
    const res = await ai.chat({ messages, tools: [echo] })
    expect(res.text).toBe('done')
    expect(log).toEqual([
      't attempt mock-model #1',
      't attempt mock-model #2',
      't tool echo',
      't attempt mock-model #1',
      't end done',
    ])
    const id = res.requestId
    expect(seen).toEqual([`t:${id}:attempt`, `t:${id}:attempt`, `t:${id}:tool`, `t:${id}:attempt`])
    expect(outcomes[0]?.result).toBe(res)
    await ai.close()
  })

  it('nests several plugins in order and tells each once how a failed request ended', async () => {
    const log: string[] = []
    const a = tracing('a', log)
    const b = tracing('b', log)
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, a.plugin, b.plugin],
      defaultModel: 'mock:mock-model',
      retry: false,
    })
    mock.enqueue({ error: { status: 400, message: 'bad' } })
    const failed = await ai.chat({ messages }).catch((e: unknown) => e)
    expect(AimuxError.is(failed)).toBe(true)
    const { code } = failed as AimuxError
    expect(log).toEqual([
      'a attempt mock-model #1',
      'b attempt mock-model #1',
      `a end ${code}`,
      `b end ${code}`,
    ])
    expect(a.outcomes[0]?.error).toBe(failed)
    await ai.close()
  })

  it('ends with an AbortedError when the caller leaves a stream early', async () => {
    const log: string[] = []
    const { plugin, outcomes } = tracing('t', log)
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock, plugin], defaultModel: 'mock:mock-model' })
    mock.enqueue({ chunks: ['a', 'b', 'c'] })
    for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') break
    expect(outcomes).toHaveLength(1)
    expect(AbortedError.is(outcomes[0]?.error)).toBe(true)
    await ai.close()
  })

  it('reports an end() that throws as background:error, and the call still succeeds', async () => {
    const mock = mockProvider()
    const plugin = definePlugin({
      name: 'broken',
      setup(host) {
        host.onRequest(() => ({
          around: {
            end: () => {
              throw new Error('boom')
            },
          },
        }))
      },
    })
    const ai = await createAI({ plugins: [mock, plugin], defaultModel: 'mock:mock-model' })
    const errors: unknown[] = []
    ai.on('background:error', (e) => {
      errors.push(e.error)
    })
    mock.enqueue({ text: 'ok' })
    expect((await ai.chat({ messages })).text).toBe('ok')
    await ai.flush()
    expect(errors).toHaveLength(1)
    await ai.close()
  })
})
