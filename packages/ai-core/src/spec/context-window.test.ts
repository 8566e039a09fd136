import { describe, expect, it } from 'vitest'
import { estimateTokens, trimOldestFirst } from './context-window.js'
import type { Message } from './message.js'

const say = (role: 'user' | 'assistant', text: string): Message => ({ role, content: text })

describe('trimOldestFirst', () => {
  const history: Message[] = [
    { role: 'system', content: 'Be brief.' },
    say('user', 'a'.repeat(400)),
    say('assistant', 'b'.repeat(400)),
    say('user', 'c'.repeat(400)),
    say('assistant', 'd'.repeat(400)),
    say('user', 'last question'),
  ]

  it('keeps everything that fits', () => {
    expect(trimOldestFirst(history, { maxInputTokens: 10_000, estimateTokens })).toEqual(history)
  })

  it('drops the oldest turns, keeps the system prompt, and starts on a user message', () => {
    const kept = trimOldestFirst(history, { maxInputTokens: 250, estimateTokens })
    expect(kept.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(kept[1]).toEqual(history[3])
    expect(kept.reduce((n, m) => n + estimateTokens(m), 0)).toBeLessThanOrEqual(250)
  })

  it('always keeps the last message, even when it alone is too long', () => {
    const kept = trimOldestFirst(history, { maxInputTokens: 1, estimateTokens })
    expect(kept).toEqual([history[0], history[5]])
  })
})
