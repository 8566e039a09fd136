import { AimuxError, ClosedError, StoreError } from '@aimux/ai-core'
import { redactSecrets, scrubCause } from '@aimux/ai-core/provider-kit'
import { type LuaScript, type RedisClientLike, runScript } from './lua-script.js'
import type { RedisAddress } from './redis-address.js'

/**
 * The state's way to Redis: every command and script through it fails with a StoreError that
 * names the server (never its password), or a ClosedError once the state is closed.
 */
export interface RedisLink {
  readonly address: RedisAddress
  command(what: string, args: readonly string[]): Promise<unknown>
  script(what: string, script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>
  /** Refuses every later command; `release` (quitting a client the state opened) runs once. */
  close(release: () => Promise<void>): Promise<void>
}

export function createRedisLink(client: RedisClientLike, address: RedisAddress): RedisLink {
  let closing: Promise<void> | undefined
  const guarded = async (what: string, run: () => Promise<unknown>) => {
    if (closing) throw closedError(what)
    try {
      return await run()
    } catch (error) {
      if (closing) throw closedError(what)
      throw redisError(`Redis at ${address.shown} failed to ${what}`, error, address)
    }
  }
  return {
    address,
    command: (what, args) => guarded(what, () => client.sendCommand(args)),
    script: (what, script, keys, args) => guarded(what, () => runScript(client, script, keys, args)),
    close(release) {
      closing ??= release()
      return closing
    },
  }
}

function closedError(what: string): ClosedError {
  return new ClosedError(`The Redis shared state is closed; cannot ${what}.`)
}

/**
 * A StoreError whose message ends with the driver's reason and whose cause is a plain copy of the
 * driver's error, both with the URL's password masked.
 */
export function redisError(message: string, error: unknown, address: RedisAddress): StoreError {
  if (AimuxError.is(error)) return new StoreError(`${message}: ${error.message}`, { cause: error })
  const reason = redactSecrets(error instanceof Error ? error.message : error, address.secrets)
  return new StoreError(`${message}: ${reason || 'no reason given'}`, {
    cause: scrubCause(error, address.secrets),
  })
}
