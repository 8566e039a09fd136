import { createHash } from 'node:crypto'

/** A Lua script and its SHA1, the name Redis keeps it under once loaded. */
export interface LuaScript {
  name: string
  source: string
  sha: string
}

export function luaScript(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * What the state needs of a node-redis client (`createClient()` from `redis`): to send a command,
 * and to say whether it is open.
 */
export interface RedisClientLike {
  readonly isOpen: boolean
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>
}

/**
 * Runs a script by its SHA1 (EVALSHA), and by its source (EVAL, which also loads it) when the
 * server does not know it yet: after a restart, a failover or a SCRIPT FLUSH. A script runs
 * atomically: no other command runs on the server while it does.
 */
export async function runScript(
  client: RedisClientLike,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const rest = [String(keys.length), ...keys, ...args]
  try {
    return await client.sendCommand(['EVALSHA', script.sha, ...rest])
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return client.sendCommand(['EVAL', script.source, ...rest])
  }
}
