import { describe, expect, it } from 'vitest'
import { scrubSecrets } from './scrub-secrets.js'

const key = 'sk-rot-0123456789'
const other = 'second-key-abcdef'

describe('scrubSecrets', () => {
  it("masks an error's message, stack, fields and causes, in place", () => {
    const inner = Object.assign(new Error(`socket for ${key}`), { body: { detail: [`echo ${other}`, 7] } })
    const error = Object.assign(new Error(`refused ${key} and ${other}`, { cause: inner }), {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(scrubSecrets(error, [key, other])).toBe(error)
    expect(error.message).toBe('refused [redacted] and [redacted]')
    expect(error.stack).toContain('refused [redacted] and [redacted]')
    expect(error.stack).not.toContain(key)
    expect(error.headers).toEqual({ authorization: 'Bearer [redacted]' })
    expect(inner.message).toBe('socket for [redacted]')
    expect(inner.body).toEqual({ detail: ['echo [redacted]', 7] })
  })

  it('masks a cause that is a plain string', () => {
    const error = new Error('failed', { cause: `key was ${key}` })
    scrubSecrets(error, [key])
    expect(error.cause).toBe('key was [redacted]')
  })

  it('visits plain objects, null-prototype objects and arrays, and leaves class instances alone', () => {
    class Body {
      text = `echo ${key}`
    }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { text: `echo ${key}` })
    const value = { list: [`a ${key}`], bare, body: new Body(), map: new Map([['k', key]]) }
    scrubSecrets(value, [key])
    expect(value.list).toEqual(['a [redacted]'])
    expect(bare.text).toBe('echo [redacted]')
    expect(value.body.text).toBe(`echo ${key}`)
    expect(value.map.get('k')).toBe(key)
  })

  it('ignores secrets shorter than 4 characters, and text without a secret', () => {
    const value = { a: 'abc abcd', b: 'nothing here' }
    scrubSecrets(value, ['abc', 'abcd'])
    expect(value).toEqual({ a: 'abc [redacted]', b: 'nothing here' })
  })

  it('survives cycles and read-only fields', () => {
    const looped: Record<string, unknown> = { text: key }
    looped.self = looped
    scrubSecrets(looped, [key])
    expect(looped.text).toBe('[redacted]')
    const frozen = Object.freeze({ text: key })
    expect(() => scrubSecrets({ frozen }, [key])).not.toThrow()
    expect(frozen.text).toBe(key)
  })

  it('goes 8 objects deep and no further', () => {
    const chain = (levels: number) => {
      const root: Record<string, unknown> = {}
      let node = root
      for (let i = 0; i < levels; i++) {
        const next: Record<string, unknown> = {}
        node.next = next
        node = next
      }
      node.text = key
      return { root, leaf: node }
    }
    const deep = chain(8)
    scrubSecrets(deep.root, [key])
    expect(deep.leaf.text).toBe('[redacted]')
    const deeper = chain(9)
    scrubSecrets(deeper.root, [key])
    expect(deeper.leaf.text).toBe(key)
  })

  it('masks an object reached twice only once, even with a secret the mask itself contains', () => {
    const shared = { text: 'token xdactx' }
    const value = { first: shared, second: [shared], error: new Error('failed', { cause: shared }) }
    scrubSecrets(value, ['dact'])
    expect(shared.text).toBe('token x[redacted]x')
  })

  it('adds no field to an error whose text holds no secret', () => {
    const error = new Error()
    scrubSecrets(error, [key])
    expect(Object.hasOwn(error, 'message')).toBe(false)
    expect(JSON.stringify(error)).toBe('{}')
  })

  it('takes values that hold nothing to mask', () => {
    expect(scrubSecrets(null, [key])).toBeNull()
    expect(scrubSecrets(42, [key])).toBe(42)
  })
})
