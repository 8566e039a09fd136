import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost/usage.js'
import type { ProviderResult } from '../../spec/provider.js'
import { createMemoryResponseCacheState } from './memory-response-cache-state.js'

const answer = (text: string): ProviderResult => ({
  content: [{ type: 'text', text }],
  finishReason: 'stop',
  usage: { ...emptyUsage(), inputTokens: 3, outputTokens: 1, totalTokens: 4 },
})

function clocked(maxEntries?: number) {
  const clock = { t: 1_000 }
  const state = createMemoryResponseCacheState({ now: () => clock.t, ...(maxEntries ? { maxEntries } : {}) })
  return { clock, state }
}

describe('memory response-cache state', () => {
  it('keeps an answer for its own TTL', () => {
    const { clock, state } = clocked()
    state.set('short', answer('a'), 1_000)
    state.set('long', answer('b'), 60_000)
    expect(state.get('short')).toEqual(answer('a'))
    clock.t += 1_000
    expect(state.get('short')).toEqual(answer('a'))
    clock.t += 1
    expect(state.get('short')).toBeUndefined()
    expect(state.get('long')).toEqual(answer('b'))
    expect(state.get('never')).toBeUndefined()
  })

  it('hands out copies: neither the stored call nor a reader can change what is kept', () => {
    const { state } = clocked()
    const stored = answer('kept')
    state.set('k', stored, 60_000)
    stored.content.push({ type: 'text', text: 'changed after' })
    const read = state.get('k')!
    read.finishReason = 'length'
    expect(state.get('k')).toEqual(answer('kept'))
  })

  it('keeps at most maxEntries, least recently used dropped first', () => {
    const { state } = clocked(2)
    state.set('a', answer('a'), 60_000)
    state.set('b', answer('b'), 60_000)
    state.get('a')
    state.set('c', answer('c'), 60_000)
    expect([state.get('a'), state.get('b'), state.get('c')].map((r) => r?.content)).toEqual([
      answer('a').content,
      undefined,
      answer('c').content,
    ])
  })
})
