import { describe, expect, it } from 'vitest'
import { listPages, MAX_PAGES } from './list-pages.js'

describe('listPages', () => {
  it('follows nextCursor to the last page', async () => {
    const pages: Record<string, { items: number[]; nextCursor?: string }> = {
      first: { items: [1, 2], nextCursor: 'b' },
      b: { items: [3], nextCursor: 'c' },
      c: { items: [4] },
    }
    const asked: (string | undefined)[] = []
    const items = await listPages(async (params) => {
      asked.push(params?.cursor)
      return pages[params?.cursor ?? 'first']!
    })
    expect(items).toEqual([1, 2, 3, 4])
    expect(asked).toEqual([undefined, 'b', 'c'])
  })

  it('stops at a cursor the server already gave, instead of looping', async () => {
    let calls = 0
    const cursors = ['a', 'b', 'a']
    const listing = listPages(async () => ({ items: [calls], nextCursor: cursors[calls++] }))
    await expect(listing).rejects.toThrow("the list gave the cursor 'a' twice")
    expect(calls).toBe(3)
  })

  it(`stops after ${MAX_PAGES} pages of cursors that never end`, async () => {
    let calls = 0
    const listing = listPages(async () => {
      await new Promise(setImmediate) // a test that fails, not a loop that starves the event loop
      return { items: [], nextCursor: `page-${++calls}` }
    })
    await expect(listing).rejects.toThrow(`the list went on past ${MAX_PAGES} pages`)
    expect(calls).toBe(MAX_PAGES)
  }, 5000)
})
