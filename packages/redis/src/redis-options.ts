import { z } from 'zod'
import type { RedisClientLike } from './lua-script.js'

export const redisOptionsSchema = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((url) => /^rediss?:\/\//i.test(url) && URL.canParse(url), {
        message: 'must be a redis:// or rediss:// URL',
      })
      .optional(),
    client: z
      .custom<RedisClientLike>(
        (value) =>
          typeof (value as RedisClientLike | undefined)?.sendCommand === 'function' &&
          typeof (value as RedisClientLike).isOpen === 'boolean',
        'expected a node-redis client (createClient() from redis)',
      )
      .optional(),
    prefix: z.string().min(1).default('aimux:'),
    share: z
      .strictObject({
        rateLimits: z.boolean().default(true),
        responseCache: z.boolean().default(true),
        circuits: z.boolean().default(true),
      })
      .default({ rateLimits: true, responseCache: true, circuits: true }),
    connectTimeoutMs: z.number().int().positive().optional(),
  })
  .refine((options) => (options.url === undefined) !== (options.client === undefined), {
    message: 'give exactly one of url and client',
    path: ['url'],
  })
  .refine((options) => options.client === undefined || options.connectTimeoutMs === undefined, {
    message: "applies to the client the state opens; set your client's socket.connectTimeout instead",
    path: ['connectTimeoutMs'],
  })

export interface RedisStateOptions {
  /** `redis://[[user][:password]@]host[:port][/db]` or `rediss://...`: the state opens a client of its own and closes it on close(). */
  url?: string
  /** A connected node-redis client the application owns: the state uses it and leaves it open on close(). */
  client?: RedisClientLike
  /** Put before every key the state writes, so that several applications can share one Redis; default `aimux:`. */
  prefix?: string
  /** Which state goes to Redis, each true by default; what is not shared stays in each instance's memory. */
  share?: { rateLimits?: boolean; responseCache?: boolean; circuits?: boolean }
  /** With `url`: how long connecting may take, handshake included; default 10000. */
  connectTimeoutMs?: number
}

/** How long connecting may take unless `connectTimeoutMs` says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
