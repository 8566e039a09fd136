import { describe, expect, it } from 'vitest'
import { findSecret } from './find-secret.js'

const key = 'sk-find-secret-0123456789'

describe('findSecret', () => {
  it('finds the key in a hidden property deep in a cause chain', () => {
    const cause = new Error('upstream failed')
    Object.defineProperty(cause, 'headers', {
      value: { deep: { deeper: { authorization: `Bearer ${key}` } } },
    })
    const error = new Error('outer', { cause: new Error('middle', { cause }) })
    expect(findSecret(key, { error })).toEqual(['error'])
  })

  it('finds the key in a stack, an event payload and a record, and names each subject', () => {
    const error = new Error('clean')
    error.stack = `Error: clean\n    at ${key}`
    expect(
      findSecret(key, { error, events: [{ name: 'retry', payload: { message: key } }], usage: undefined }),
    ).toEqual(['error', 'events'])
  })

  it('finds nothing when the key is masked', () => {
    expect(
      findSecret(key, { error: new Error('Incorrect API key provided: sk-fin...6789'), text: 'Alpha' }),
    ).toEqual([])
  })
})
