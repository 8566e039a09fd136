import { describe, expect, it } from 'vitest'
import { redactSecrets } from './redact-secrets.js'

describe('redactSecrets: key shapes', () => {
  it('masks a whole key, from its prefix to its last character', () => {
    expect(redactSecrets('key sk-proj-abcdefgh12345678_-xyz, then text')).toBe('key [redacted], then text')
    expect(redactSecrets('xai-ABCDEFGH12345678 rest')).toBe('[redacted] rest')
    expect(redactSecrets(`AIza${'a1B2c3D4e5'.repeat(3)}9 rest`)).toBe('[redacted] rest')
    expect(redactSecrets('sk-aaaaaaaa sk-bbbbbbbb')).toBe('[redacted] [redacted]')
  })

  it('needs at least 8 key characters after sk- and xai-, and 30 after AIza', () => {
    expect(redactSecrets('sk-abcdefg')).toBe('sk-abcdefg')
    expect(redactSecrets('sk-abcdefgh')).toBe('[redacted]')
    expect(redactSecrets('xai-abcdefg')).toBe('xai-abcdefg')
    expect(redactSecrets('xai-abcdefgh')).toBe('[redacted]')
    expect(redactSecrets(`AIza${'x'.repeat(29)}`)).toBe(`AIza${'x'.repeat(29)}`)
    expect(redactSecrets(`AIza${'x'.repeat(30)}`)).toBe('[redacted]')
  })

  it('leaves a prefix inside a longer word alone', () => {
    expect(redactSecrets('task-abcdefghijkl')).toBe('task-abcdefghijkl')
    expect(redactSecrets('pixai-abcdefghijkl')).toBe('pixai-abcdefghijkl')
    expect(redactSecrets(`HAIza${'x'.repeat(30)}`)).toBe(`HAIza${'x'.repeat(30)}`)
  })

  it('masks a bearer token in any case, after any spaces, with every character RFC 6750 allows', () => {
    expect(redactSecrets('Authorization: Bearer abc.DEF_123~+/=-x; next')).toBe(
      'Authorization: [redacted]; next',
    )
    expect(redactSecrets('bearer   tok')).toBe('[redacted]')
    expect(redactSecrets('BEARER\ttok')).toBe('[redacted]')
    expect(redactSecrets('Bearer tok1 and Bearer tok2')).toBe('[redacted] and [redacted]')
  })
})

describe('redactSecrets: given secrets', () => {
  it('masks every occurrence of each secret of 4 characters or more', () => {
    expect(redactSecrets('abcd, abcd and efghi', ['abcd', 'efghi'])).toBe(
      '[redacted], [redacted] and [redacted]',
    )
    expect(redactSecrets('abc stays', ['abc'])).toBe('abc stays')
  })

  it('skips a value that is not a string', () => {
    expect(redactSecrets('12345 stays', [12345 as unknown as string, 'stays'])).toBe('12345 [redacted]')
    expect(redactSecrets('null stays', [null as unknown as string, undefined as unknown as string])).toBe(
      'null stays',
    )
  })
})

describe('redactSecrets: values of any shape', () => {
  it('shows each value as text', () => {
    expect(redactSecrets('plain')).toBe('plain')
    expect(redactSecrets(null)).toBe('')
    expect(redactSecrets(true)).toBe('true')
    expect(redactSecrets(10n)).toBe('10')
    expect(redactSecrets({ message: 42 })).toBe('{"message":42}')
    expect(redactSecrets([1, 'sk-abcdefgh'])).toBe('[1,"[redacted]"]')
  })

  it('shows an object JSON cannot hold by its type', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(redactSecrets(circular)).toBe('[object Object]')
    expect(redactSecrets({ toJSON: () => undefined })).toBe('[object Object]')
  })
})
