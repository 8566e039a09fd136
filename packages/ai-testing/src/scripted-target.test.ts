import {
  AbortedError,
  type AssistantPart,
  ConfigError,
  ConnectionError,
  defineProvider,
  type ProviderAdapter,
} from '@aimux/ai-core'
import { errorFromStatus } from '@aimux/ai-core/provider-kit'
import { describe, expect, it } from 'vitest'
import { providerConformance } from './provider-conformance.js'
import {
  type ScriptedBackend,
  type ScriptedEvent,
  ScriptedStreamBreak,
  scriptedBackend,
  scriptedTarget,
} from './scripted-target.js'

/**
 * An in-process adapter as a plugin author would write one: it calls its engine (here the
 * scripted backend standing in for it) and maps the engine's failures to the core's typed errors.
 */
function inProcessAdapter(engine: ScriptedBackend, apiKey: string): ProviderAdapter {
  const provider = 'in-process'
  const typed = (error: unknown, signal: AbortSignal, model: string) => {
    if (signal.aborted) return new AbortedError('The call was aborted.', { provider, model, cause: error })
    if (error instanceof ScriptedStreamBreak) {
      return new ConnectionError(`${provider}: ${error.message}`, { provider, model, cause: error })
    }
    return error
  }
  const reply = async (model: string, signal: AbortSignal) => {
    const answer = await engine.answer(signal)
    if (answer.type === 'drop')
      throw new ConnectionError(`${provider}: the engine is gone`, { provider, model })
    if (answer.type === 'error') {
      const { status, headers: _, ...details } = answer.error
      throw errorFromStatus(status, { ...details, provider, model, secrets: [apiKey] })
    }
    return answer.reply
  }
  return defineProvider({
    id: provider,
    capabilities: { streaming: true, tools: true, vision: false, json: false, reasoning: true },
    async generate(request, ctx) {
      try {
        const answer = await reply(request.model, ctx.signal)
        const content: AssistantPart[] = []
        for await (const event of engine.play({ ...answer, chunkDelayMs: 0 }, ctx.signal)) {
          content.push(partOf(event))
        }
        return { content, finishReason: answer.finishReason, usage: answer.usage }
      } catch (error) {
        throw typed(error, ctx.signal, request.model)
      }
    },
    async *stream(request, ctx) {
      try {
        const answer = await reply(request.model, ctx.signal)
        for await (const event of engine.play(answer, ctx.signal)) {
          if (event.type === 'text') yield { type: 'text-delta', text: event.text }
          else if (event.type === 'reasoning') yield { type: 'reasoning-delta', text: event.text }
          else yield { type: 'tool-call', toolCall: event.toolCall }
        }
        yield { type: 'usage', usage: answer.usage }
        yield { type: 'finish', finishReason: answer.finishReason }
      } catch (error) {
        throw typed(error, ctx.signal, request.model)
      }
    },
  })
}

function partOf(event: ScriptedEvent): AssistantPart {
  if (event.type === 'tool-call') return { type: 'tool-call', ...event.toolCall }
  return event.type === 'text' ? { type: 'text', text: event.text } : { type: 'reasoning', text: event.text }
}

providerConformance({
  name: 'scriptedTarget: an in-process adapter',
  setup: scriptedTarget((backend) => {
    const apiKey = 'in-process-key-0123456789abcdef'
    return { provider: inProcessAdapter(backend, apiKey), apiKey }
  }),
})

const collect = async (events: AsyncIterable<ScriptedEvent>) => {
  const seen: ScriptedEvent[] = []
  try {
    for await (const event of events) seen.push(event)
    return { seen, error: undefined }
  } catch (error) {
    return { seen, error }
  }
}

describe('scriptedBackend', () => {
  it('answers in order: a reply, an error with retry-after read from its header, a drop', async () => {
    const backend = scriptedBackend()
    backend.enqueue(
      { text: 'Hi' },
      { error: { status: 429, headers: { 'retry-after': '3' } } },
      { dropConnection: true },
    )
    const signal = new AbortController().signal
    expect(await backend.answer(signal)).toMatchObject({ type: 'reply', reply: { text: 'Hi' } })
    expect(await backend.answer(signal)).toEqual({
      type: 'error',
      error: { status: 429, headers: { 'retry-after': '3' }, retryAfterMs: 3000 },
    })
    expect(await backend.answer(signal)).toEqual({ type: 'drop' })
    await expect(backend.answer(signal)).rejects.toThrow(ConfigError)
  })

  it('leaves the script untouched for a call aborted before it starts', async () => {
    const backend = scriptedBackend()
    backend.enqueue({ text: 'kept' })
    await expect(backend.answer(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' })
    expect(backend.pending).toBe(1)
  })

  it('plays reasoning, text and tool calls in order, and breaks where the reply says', async () => {
    const backend = scriptedBackend()
    backend.enqueue(
      { reasoning: 'Think.', chunks: ['a ', 'b'], toolCalls: [{ name: 'f', args: {} }] },
      { chunks: ['one ', 'two ', 'three'], breakAfterChunks: 2 },
    )
    const signal = new AbortController().signal
    const first = await backend.answer(signal)
    const second = await backend.answer(signal)
    if (first.type !== 'reply' || second.type !== 'reply') throw new Error('expected two replies')
    expect((await collect(backend.play(first.reply, signal))).seen).toEqual([
      { type: 'reasoning', text: 'Think.' },
      { type: 'text', text: 'a ' },
      { type: 'text', text: 'b' },
      { type: 'tool-call', toolCall: { id: 'call_1_1', name: 'f', args: {} } },
    ])
    const broken = await collect(backend.play(second.reply, signal))
    expect(broken.seen).toEqual([
      { type: 'text', text: 'one ' },
      { type: 'text', text: 'two ' },
    ])
    expect(broken.error).toBeInstanceOf(ScriptedStreamBreak)
  })
})
