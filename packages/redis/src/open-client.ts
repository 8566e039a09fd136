import { StoreError } from '@aimux/ai-core'
import { createClient } from '@redis/client'
import type { RedisAddress } from './redis-address.js'
import { redisError } from './redis-link.js'

export type OpenedClient = ReturnType<typeof createClient>

/** The longest wait between two attempts to get a lost connection back. */
const MAX_RECONNECT_DELAY_MS = 2_000

/**
 * Opens a node-redis client on `url` within `timeoutMs`, the handshake included. While opening,
 * the first failure ends the attempt with a StoreError, so a Redis that is down is said at once.
 * Once open, a lost connection is retried with a growing delay, and meanwhile a command fails
 * at once instead of queueing behind a Redis that may not come back soon.
 */
export async function openClient(
  url: string,
  timeoutMs: number,
  address: RedisAddress,
): Promise<OpenedClient> {
  let open = false
  let client: OpenedClient
  try {
    client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        reconnectStrategy: (retries) => (open ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : false),
      },
    })
  } catch (error) {
    throw redisError(`Cannot use the Redis URL ${address.shown}`, error, address)
  }
  // node-redis reports a lost connection as an 'error' event, which would end the process if
  // nothing listened; the commands that fail meanwhile say it to their callers.
  client.on('error', () => {})
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StoreError(`Cannot connect to Redis at ${address.shown}: no answer within ${timeoutMs} ms.`),
        ),
      timeoutMs,
    )
  })
  const connecting = client.connect()
  connecting.catch(() => {})
  try {
    await Promise.race([connecting, deadline])
  } catch (error) {
    client.destroy()
    if (StoreError.is(error)) throw error
    throw redisError(`Cannot connect to Redis at ${address.shown}`, error, address)
  } finally {
    clearTimeout(timer)
  }
  open = true
  return client
}
