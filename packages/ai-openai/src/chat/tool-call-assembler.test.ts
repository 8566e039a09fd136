import { describe, expect, it } from 'vitest'
import { createToolCallAssembler } from './tool-call-assembler.js'

describe('createToolCallAssembler', () => {
  it('assembles interleaved fragments of parallel calls by index, in index order', () => {
    const calls = createToolCallAssembler()
    calls.add({ index: 1, id: 'call_b', function: { name: 'get_time', arguments: '' } })
    calls.add({ index: 0, id: 'call_a', function: { name: 'get_weather', arguments: '{"ci' } })
    calls.add({ index: 1, function: { arguments: '{"zone":"UTC"}' } })
    calls.add({ index: 0, function: { arguments: 'ty":"Oslo"}' } })
    expect(calls.calls()).toEqual([
      { id: 'call_a', name: 'get_weather', args: { city: 'Oslo' } },
      { id: 'call_b', name: 'get_time', args: { zone: 'UTC' } },
    ])
  })

  it('gives a call without an id one of its own, empty arguments as {}, and keeps arguments that are not JSON', () => {
    const calls = createToolCallAssembler()
    calls.add({ index: 0, function: { name: 'now' } })
    calls.add({ index: 1, id: 'call_x', function: { name: 'broken', arguments: '{"a":' } })
    expect(calls.calls()).toEqual([
      { id: 'call_0', name: 'now', args: {} },
      { id: 'call_x', name: 'broken', args: '{"a":' },
    ])
  })
})
