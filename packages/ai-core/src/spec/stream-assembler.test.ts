import { describe, expect, it } from 'vitest'
import { normalizeUsage } from '../cost/usage.js'
import { createStreamAssembler, usageUnreported } from './stream-assembler.js'

describe('stream assembler', () => {
  it('tells a stream that reported no usage from one that reported zeros', () => {
    const silent = createStreamAssembler()
    silent.add({ type: 'text-delta', text: 'Hi' })
    silent.add({ type: 'finish', finishReason: 'stop' })
    const quiet = silent.result()
    expect(quiet.usage).toEqual(normalizeUsage())
    expect(usageUnreported(quiet)).toBe(true)

    const reported = createStreamAssembler()
    reported.add({ type: 'text-delta', text: 'Hi' })
    reported.add({ type: 'usage', usage: normalizeUsage() })
    reported.add({ type: 'finish', finishReason: 'stop' })
    expect(usageUnreported(reported.result())).toBe(false)
  })

  it('assembles reasoning, text and tool calls in that order, with usage, cost, model and raw', () => {
    const stream = createStreamAssembler()
    expect(stream.started).toBe(false)
    expect(stream.finishReason).toBeUndefined()
    stream.add({ type: 'reasoning-delta', text: 'Think' })
    expect(stream.started).toBe(true)
    expect(stream.text).toBe('')
    stream.add({ type: 'text-delta', text: 'Hel' })
    stream.add({ type: 'reasoning-delta', text: 'ing', providerMetadata: { anthropic: { signature: 's1' } } })
    stream.add({ type: 'tool-call', toolCall: { id: 'c1', name: 'search', args: { q: 'a' } } })
    stream.add({ type: 'text-delta', text: 'lo' })
    stream.add({ type: 'reasoning-delta', text: '.' })
    stream.add({ type: 'tool-call', toolCall: { id: 'c2', name: 'fetch', args: {} } })
    expect(stream.text).toBe('Hello')
    const usage = normalizeUsage({ inputTokens: 5, outputTokens: 7 })
    stream.add({ type: 'usage', usage, costNanoUsd: 1_234 })
    expect(stream.finishReason).toBeUndefined()
    stream.add({ type: 'finish', finishReason: 'tool-calls', model: 'm-2024', raw: { id: 'r1' } })
    expect(stream.finishReason).toBe('tool-calls')
    expect(stream.result()).toEqual({
      content: [
        { type: 'reasoning', text: 'Thinking.', providerMetadata: { anthropic: { signature: 's1' } } },
        { type: 'text', text: 'Hello' },
        { type: 'tool-call', id: 'c1', name: 'search', args: { q: 'a' } },
        { type: 'tool-call', id: 'c2', name: 'fetch', args: {} },
      ],
      finishReason: 'tool-calls',
      usage,
      costNanoUsd: 1_234,
      model: 'm-2024',
      raw: { id: 'r1' },
    })
  })

  it('keeps reasoning without text when it carries metadata to send back', () => {
    const stream = createStreamAssembler()
    const providerMetadata = { openai: { itemId: 'rs_1', encryptedContent: 'gAAAAB-sealed' } }
    stream.add({ type: 'reasoning-delta', text: '', providerMetadata })
    stream.add({ type: 'text-delta', text: 'Hi' })
    stream.add({ type: 'finish', finishReason: 'stop' })
    expect(stream.result().content).toEqual([
      { type: 'reasoning', text: '', providerMetadata },
      { type: 'text', text: 'Hi' },
    ])
  })

  it('counts a stream as started by text or by a tool call alone, not by usage', () => {
    const text = createStreamAssembler()
    text.add({ type: 'usage', usage: normalizeUsage({ inputTokens: 1 }) })
    expect(text.started).toBe(false)
    text.add({ type: 'text-delta', text: 'a' })
    expect(text.started).toBe(true)

    const call = createStreamAssembler()
    call.add({ type: 'tool-call', toolCall: { id: 'c1', name: 'search', args: {} } })
    expect(call.started).toBe(true)
    expect(call.result().content).toEqual([{ type: 'tool-call', id: 'c1', name: 'search', args: {} }])
  })

  it('leaves out what never arrived: no empty parts, no cost, model or raw, finish reason other', () => {
    const stream = createStreamAssembler()
    stream.add({ type: 'reasoning-delta', text: 'hmm' })
    stream.add({ type: 'usage', usage: normalizeUsage({ outputTokens: 2 }) })
    const result = stream.result()
    expect(result).toEqual({
      content: [{ type: 'reasoning', text: 'hmm' }],
      finishReason: 'other',
      usage: normalizeUsage({ outputTokens: 2 }),
    })
    expect(Object.keys(result).sort()).toEqual(['content', 'finishReason', 'usage'])
    expect(Object.keys(result.content[0]!).sort()).toEqual(['text', 'type'])
    expect(usageUnreported(result)).toBe(false)

    const empty = createStreamAssembler()
    empty.add({ type: 'finish', finishReason: 'stop' })
    expect(empty.result().content).toEqual([])
  })
})
