import { randomUUID } from 'node:crypto'
import { createClient } from '@redis/client'

/** The Redis server the tests use; scripts/ensure-redis.sh starts it. */
export const testRedisUrl = process.env.AIMUX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test or run uses. */
export function freshPrefix(): string {
  return `aimux-test:${randomUUID()}:`
}

/** A connected client of the test server, for a test to look at what the state wrote. */
export async function testClient() {
  const client = createClient({ url: testRedisUrl })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** The keys under `prefix`. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const client = await testClient()
  try {
    const keys: string[] = []
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch)
    return keys.sort()
  } finally {
    client.destroy()
  }
}

/** Deletes every key under the given prefixes. */
export async function dropPrefixes(prefixes: readonly string[]): Promise<void> {
  const client = await testClient()
  try {
    for (const prefix of prefixes) {
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
        if (batch.length > 0) await client.del(batch)
      }
    }
  } finally {
    client.destroy()
  }
}
