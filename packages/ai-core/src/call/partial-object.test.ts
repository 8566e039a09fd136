import { describe, expect, it } from 'vitest'
import type { StreamPart } from '../spec/result.js'
import { parsePartialObject, withObjectDeltas } from './partial-object.js'

/** A model call's parts: one text delta per chunk, then the step's result. */
async function* textParts(chunks: string[], closed?: { value: boolean }) {
  try {
    for (const text of chunks) yield { type: 'text-delta', text } as StreamPart
    return 'step result'
  } finally {
    if (closed) closed.value = true
  }
}

async function collect(parts: AsyncGenerator<StreamPart, string>) {
  const seen: StreamPart[] = []
  for (;;) {
    const next = await parts.next()
    if (next.done) return { seen, returned: next.value }
    seen.push(next.value)
  }
}

const objects = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'object-delta' ? [p.object] : []))

describe('parsePartialObject', () => {
  it('reads a reply as far as it has arrived: strings grow, a number shows once it has ended', () => {
    expect(parsePartialObject('{')).toEqual({})
    expect(parsePartialObject('{"title": "Ro')).toEqual({ title: 'Ro' })
    expect(parsePartialObject('{"title": "Rome", "ye')).toEqual({ title: 'Rome' })
    expect(parsePartialObject('{"title": "Rome", "year": 75')).toEqual({ title: 'Rome' })
    expect(parsePartialObject('{"title": "Rome", "year": 753,')).toEqual({ title: 'Rome', year: 753 })
    expect(parsePartialObject('{"tags": ["a", "b')).toEqual({ tags: ['a', 'b'] })
    expect(parsePartialObject('{"ok": t')).toEqual({ ok: true })
    expect(parsePartialObject('{"none": nu')).toEqual({ none: null })
    expect(parsePartialObject('{"q": "say \\"hi\\u00e9')).toEqual({ q: 'say "hié' })
    expect(parsePartialObject('{"q": "tab\\')).toEqual({ q: 'tab' })
  })

  it('skips an opening ```json fence and what follows the value, as the final parse does', () => {
    expect(parsePartialObject('```json\n{"a": "x')).toEqual({ a: 'x' })
    expect(parsePartialObject('```\n{"a": 1}\n``')).toEqual({ a: 1 })
    expect(parsePartialObject('```json\n{"a": 1}\n```\n')).toEqual({ a: 1 })
  })

  it('reads nothing before a value has begun, or from text that is not JSON', () => {
    expect(parsePartialObject('')).toBeUndefined()
    expect(parsePartialObject('  \n')).toBeUndefined()
    expect(parsePartialObject('``')).toBeUndefined()
    expect(parsePartialObject('```js')).toBeUndefined()
    expect(parsePartialObject('```json\n')).toBeUndefined()
    expect(parsePartialObject('Sure! Here is {"a": 1}')).toBeUndefined()
  })
})

describe('withObjectDeltas', () => {
  it('adds an object-delta after each text delta that changed the object, and returns the step', async () => {
    const { seen, returned } = await collect(
      withObjectDeltas(textParts(['{"name":', ' "Ad', 'a", ', '"age": 3', '6', '}', '\n'])),
    )
    expect(returned).toBe('step result')
    expect(seen).toEqual([
      { type: 'text-delta', text: '{"name":' },
      { type: 'object-delta', object: {} },
      { type: 'text-delta', text: ' "Ad' },
      { type: 'object-delta', object: { name: 'Ad' } },
      { type: 'text-delta', text: 'a", ' },
      { type: 'object-delta', object: { name: 'Ada' } },
      // The number has not ended yet: the object is unchanged, so nothing is added.
      { type: 'text-delta', text: '"age": 3' },
      { type: 'text-delta', text: '6' },
      { type: 'text-delta', text: '}' },
      { type: 'object-delta', object: { name: 'Ada', age: 36 } },
      { type: 'text-delta', text: '\n' },
    ])
  })

  it('passes other parts through in their order and adds nothing for text that is not JSON', async () => {
    async function* parts(): AsyncGenerator<StreamPart, string> {
      yield { type: 'reasoning-delta', text: 'plan' }
      yield { type: 'text-delta', text: 'Let me look that up.' }
      yield { type: 'tool-call', toolCall: { id: 'c1', name: 'lookup', args: {} } }
      return 'step result'
    }
    const { seen } = await collect(withObjectDeltas(parts()))
    expect(seen.map((p) => p.type)).toEqual(['reasoning-delta', 'text-delta', 'tool-call'])
  })

  it('keeps the work linear on a long reply: reads it as it grows by 1%, and always at its end', async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] }))
    const full = JSON.stringify({ items })
    expect(full.length).toBeGreaterThan(20_000)
    const chunks = full.match(/.{1,4}/gs) ?? []
    const { seen } = await collect(withObjectDeltas(textParts(chunks)))
    const deltas = objects(seen)
    // A reading per text delta would be over 5,000; one per 1% of growth is a few hundred.
    expect(deltas.length).toBeGreaterThan(100)
    expect(deltas.length).toBeLessThan(1_000)
    expect(deltas.at(-1)).toEqual({ items })
    // Each one holds at least as many items as the one before.
    const counts = deltas.map((d) => (d as { items?: unknown[] }).items?.length ?? 0)
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
  })

  it('closes the model call when the caller leaves early', async () => {
    const closed = { value: false }
    const parts = withObjectDeltas(textParts(['{"a":', '"b"', '}'], closed))
    await parts.next()
    await parts.return(undefined as never)
    expect(closed.value).toBe(true)
  })
})
