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
})
