/** One page of an MCP list (tools, resources, prompts) and the cursor of the next. */
export interface ListPage<T> {
  items: T[]
  nextCursor?: string | undefined
}

/** Every item of a paginated MCP list, following `nextCursor` to the last page. */
export async function listPages<T>(
  page: (params: { cursor: string } | undefined) => Promise<ListPage<T>>,
): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const next = await page(cursor === undefined ? undefined : { cursor })
    items.push(...next.items)
    cursor = next.nextCursor
  } while (cursor)
  return items
}
