import { ValidationError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { checkArguments } from './argument-validator.js'

describe('argument checks', () => {
  const draft7 = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { path: { type: 'string' }, lines: { type: 'array', items: { type: 'integer' } } },
    required: ['path'],
    additionalProperties: false,
  }

  it('pass arguments that fit the schema', () => {
    expect(() => checkArguments('files_read', draft7, { path: 'a.txt', lines: [1, 2] })).not.toThrow()
  })

  it('name every wrong field in a ValidationError', () => {
    const check = () => checkArguments('files_read', draft7, { lines: [1, 'two'], extra: true })
    expect(check).toThrow(ValidationError)
    expect(check).toThrow(
      "Invalid arguments for tool 'files_read': path: is required; extra: is not allowed; lines[1]: must be integer",
    )
  })

  it('read 2020-12 schemas, the default when none is declared', () => {
    const schema = {
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
      $defs: { unused: { type: 'null' } },
    }
    expect(() => checkArguments('t', schema, { pair: ['a', 1] })).not.toThrow()
    expect(() => checkArguments('t', schema, { pair: [1, 'a'] })).toThrow(
      'pair[0]: must be string; pair[1]: must be number',
    )
  })

  it('leave a schema that does not compile to the server', () => {
    expect(() =>
      checkArguments('t', { type: 'object', properties: { a: { $ref: '#/nowhere' } } }, { a: 1 }),
    ).not.toThrow()
  })
})

describe('argument checks across listings', () => {
  it('still check a schema with an $id when it comes again (a new listing, a restart)', () => {
    const withId = () => ({
      $id: 'https://example.com/echo',
      type: 'object',
      properties: { a: { type: 'number' }, inner: { $id: 'https://example.com/inner', type: 'string' } },
      required: ['a'],
    })
    for (let listing = 1; listing <= 3; listing++) {
      expect(() => checkArguments('echo', withId(), { inner: 1 })).toThrow(
        "Invalid arguments for tool 'echo': a: is required; inner: must be string",
      )
    }
  })
})
