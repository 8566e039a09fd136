import { describe, expect, it } from 'vitest'
import { csv } from './csv.js'

describe('csv', () => {
  it('quotes only the fields that need it and doubles their quotes', () => {
    expect(
      csv([
        ['key', 'n'],
        ['a,b', 1],
        ['say "hi"', 2],
        ['two\nlines', 3],
        ['plain', 4],
      ]),
    ).toBe('key,n\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\nplain,4')
  })
})
