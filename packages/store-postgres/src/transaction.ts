import type { Pool, PoolClient } from 'pg'

/**
 * Runs `work` on one pooled connection inside BEGIN ... COMMIT, rolling back when it throws. A
 * connection whose ROLLBACK fails is discarded rather than returned to the pool.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    client.release()
    return result
  } catch (error) {
    await client.query('ROLLBACK').then(
      () => client.release(),
      (broken: Error) => client.release(broken),
    )
    throw error
  }
}
