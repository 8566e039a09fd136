import { describe, expect, it } from 'vitest'
import { baseModels } from './model-aliases.js'

describe('baseModels', () => {
  it("reads each provider's dated snapshots and aliases", () => {
    expect(baseModels('openai', 'gpt-4o-mini-2024-07-18')).toEqual(['gpt-4o-mini'])
    expect(baseModels('anthropic', 'claude-3-5-haiku-20241022')).toEqual(['claude-3-5-haiku'])
    expect(baseModels('anthropic', 'claude-3-5-haiku-latest')).toEqual(['claude-3-5-haiku'])
    expect(baseModels('gemini', 'gemini-2.0-flash-001')).toEqual(['gemini-2.0-flash'])
    expect(baseModels('gemini', 'gemini-1.5-pro-latest')).toEqual(['gemini-1.5-pro'])
    expect(baseModels('xai', 'grok-4-latest')).toEqual(['grok-4'])
  })

  it('reads dated snapshots of any other provider, and nothing else', () => {
    expect(baseModels('acme', 'model-2025-01-31')).toEqual(['model'])
    expect(baseModels('acme', 'model-20250131')).toEqual(['model'])
    expect(baseModels('acme', 'model-latest')).toEqual([])
    expect(baseModels('acme', 'model-001')).toEqual([])
  })

  it("leaves ids without a suffix alone, and never takes another provider's suffix", () => {
    expect(baseModels('openai', 'gpt-4o-mini')).toEqual([])
    expect(baseModels('openai', 'gpt-4o-mini-tts')).toEqual([])
    expect(baseModels('openai', 'chatgpt-4o-latest')).toEqual([])
    expect(baseModels('gemini', 'gemini-2.5-pro')).toEqual([])
    expect(baseModels('anthropic', '20241022')).toEqual([])
  })

  it('takes one suffix off at a time, nearest base first', () => {
    expect(baseModels('gemini', 'gemini-1.5-pro-002-latest')).toEqual([
      'gemini-1.5-pro-002',
      'gemini-1.5-pro',
    ])
  })
})
