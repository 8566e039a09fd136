import { expect, it } from 'vitest'
import { compactFields } from './compact-fields.js'

it('leaves out the fields that are null or undefined', () => {
  expect(compactFields({ a: 'x', b: null, c: undefined, d: 0, e: false, f: '' })).toEqual({
    a: 'x',
    d: 0,
    e: false,
    f: '',
  })
})
