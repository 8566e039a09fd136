import { describe, expect, it } from 'vitest'
import { parseToolArguments, stringifyToolArguments } from './tool-arguments.js'

describe('tool arguments', () => {
  it('parses JSON, takes empty as {}, and keeps what is not JSON as the raw string', () => {
    expect(parseToolArguments('{"city":"Paris"}')).toEqual({ city: 'Paris' })
    expect(parseToolArguments('  ')).toEqual({})
    expect(parseToolArguments('{"city":"Par')).toBe('{"city":"Par')
  })

  it('sends a kept raw string back as it came, anything else as JSON', () => {
    expect(stringifyToolArguments('{"city":"Par')).toBe('{"city":"Par')
    expect(stringifyToolArguments({ city: 'Paris' })).toBe('{"city":"Paris"}')
    expect(stringifyToolArguments(undefined)).toBe('{}')
  })
})
