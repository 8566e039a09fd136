import { expect, it } from 'vitest'
import { newestFirstQuery } from './newest-first-query.js'

it('filters by the columns given a value, newest first, with a limit, in the driver placeholders', () => {
  expect(
    newestFirstQuery('s.jobs', { status: 'dead', provider: undefined, user_id: 'u1' }, 5, (n) => `$${n}`),
  ).toEqual({
    sql: 'SELECT * FROM s.jobs WHERE status = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3',
    params: ['dead', 'u1', 5],
  })
  expect(newestFirstQuery('jobs', { status: undefined }, undefined, () => '?')).toEqual({
    sql: 'SELECT * FROM jobs ORDER BY created_at DESC, id DESC',
    params: [],
  })
})
