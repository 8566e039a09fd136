/**
 * The listing every SQL store writes for jobs and deliveries: the rows of `table` whose columns
 * equal the given values (an undefined value filters nothing), newest first by `created_at` then
 * `id`, at most `limit`. `placeholder(n)` is the driver's n-th parameter (`$1`, or `?`).
 */
export function newestFirstQuery(
  table: string,
  equals: Record<string, unknown>,
  limit: number | undefined,
  placeholder: (n: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = []
  const filters: string[] = []
  for (const [column, value] of Object.entries(equals)) {
    if (value === undefined) continue
    params.push(value)
    filters.push(`${column} = ${placeholder(params.length)}`)
  }
  const where = filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : ''
  let last = ''
  if (limit !== undefined) {
    params.push(limit)
    last = ` LIMIT ${placeholder(params.length)}`
  }
  return { sql: `SELECT * FROM ${table}${where} ORDER BY created_at DESC, id DESC${last}`, params }
}
