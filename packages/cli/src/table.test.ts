import { describe, expect, it } from 'vitest'
import { table } from './table.js'

describe('table', () => {
  it('pads each column to its widest cell, numbers on the right, the last column unpadded', () => {
    const text = table(
      [{ header: 'MODEL' }, { header: 'COST', align: 'right' }, { header: 'NOTE' }],
      [
        ['openai:gpt-4o-mini', '$0.0012', 'cheap'],
        ['openai:gpt-4o', '$0.25', ''],
      ],
    )
    expect(text.split('\n')).toEqual([
      'MODEL                  COST  NOTE',
      'openai:gpt-4o-mini  $0.0012  cheap',
      'openai:gpt-4o         $0.25',
    ])
  })

  it('measures cells without their colour codes', () => {
    const text = table([{ header: 'A' }, { header: 'B' }], [['\u001b[31mred\u001b[39m', 'x']])
    expect(text.split('\n')[0]).toBe('A    B')
    expect(text.split('\n')[1]).toBe('\u001b[31mred\u001b[39m  x')
  })
})
