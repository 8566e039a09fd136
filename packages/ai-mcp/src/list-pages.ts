/** One page of an MCP list (tools, resources, prompts) and the cursor of the next. */
export interface ListPage<T> {
  items: T[]
  nextCursor?: string | undefined
}

/** More pages than any real server lists: a server past it is taken to be stuck. */
export const MAX_PAGES = 1000

/**
 * Every item of a paginated MCP list, following `nextCursor` to the last page. A cursor the server
 * already gave, or more than MAX_PAGES pages, is an error (its caller names the server), not an
 * endless loop.
 */
export async function listPages<T>(
  page: (params: { cursor: string } | undefined) => Promise<ListPage<T>>,
): Promise<T[]> {
  const items: T[] = []
  const seen = new Set<string>()
  let cursor: string | undefined
  do {
    if (seen.size >= MAX_PAGES) throw new Error(`the list went on past ${MAX_PAGES} pages`)
    const next = await page(cursor === undefined ? undefined : { cursor })
    items.push(...next.items)
    cursor = next.nextCursor
    if (cursor && seen.has(cursor)) throw new Error(`the list gave the cursor '${cursor}' twice`)
    if (cursor) seen.add(cursor)
  } while (cursor)
  return items
}
