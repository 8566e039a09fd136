import { ConfigError, type Plugin } from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'
import { type ConnectionInput, connectionListSchema } from './connection-config.js'
import { createConnectionsApi } from './connections-api.js'
import { createCredentialCipher } from './credential-cipher.js'
import { type MasterKeyInput, parseMasterKeys } from './master-keys.js'
import { type RotationContext, startRotation } from './rotation-context.js'
import { rotationMiddleware } from './rotation-middleware.js'

export interface RotationOptions {
  /**
   * Connections given here keep their secrets in this process: the store gets their settings,
   * health and status, never their credentials. Add stored, encrypted ones with `ai.connections.add()`.
   */
  connections?: ConnectionInput[]
  /**
   * The master key(s) that encrypt stored credentials: one 32-byte key (64 hex digits or base64),
   * or several by version (`{ v1, v2 }`; the highest writes). Default: the AIMUX_MASTER_KEY
   * environment variable, read when the plugin is made (`"<key>"` or `"v2:<key>,v1:<key>"`).
   */
  masterKey?: MasterKeyInput
  /** How old this instance's view of the store's connections, health and cooldowns may be. Default 1000 ms. */
  refreshMs?: number
  /** The cooldown after a 429 without Retry-After: baseMs, doubled for each one in a row, up to maxMs. */
  cooldown?: { baseMs?: number; maxMs?: number }
  /** The cooldown after an exhausted quota without Retry-After. Default 10 minutes. */
  quotaCooldownMs?: number
  /** Writes an audit entry for every call's use of a connection. Default true. */
  auditCalls?: boolean
  /** Who the plugin's own changes (disable on 401, decrypts) are audited as. Default 'aimux'. */
  actor?: string
  /** The clock, in epoch milliseconds, for cooldowns and limits. Default Date.now. */
  now?: () => number
  /** The random source of weighted selection, in [0, 1). Default Math.random. */
  random?: () => number
}

const fn = (value: unknown) => typeof value === 'function'
const ms = z.number().int('must be a whole number of milliseconds').min(0, 'must not be negative')

const optionsSchema = z.strictObject({
  connections: connectionListSchema.default([]),
  masterKey: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  refreshMs: ms.default(1_000),
  cooldown: z.strictObject({ baseMs: ms.default(1_000), maxMs: ms.default(60_000) }).prefault({}),
  quotaCooldownMs: ms.default(600_000),
  auditCalls: z.boolean().default(true),
  actor: z.string().min(1, 'must not be empty').default('aimux'),
  now: z.custom<() => number>(fn, 'must be a function').default(() => Date.now),
  random: z.custom<() => number>(fn, 'must be a function').default(() => Math.random),
})

/**
 * The credential rotation plugin: several connections (API keys) per provider, one picked per
 * call by status, priority and weight, skipping those cooling down after a 429 or over their
 * limits; a 401 disables a connection (a 403 does not); the call moves on to the next at once. Health,
 * cooldowns and status live in the store, shared by every instance on it. Adds `ai.connections`.
 *
 * @example
 * const ai = await createAI({
 *   plugins: [openai(), rotation({ connections: [
 *     { id: 'openai-a', provider: 'openai', credentials: { apiKey: process.env.OPENAI_KEY_A! } },
 *     { id: 'openai-b', provider: 'openai', credentials: { apiKey: process.env.OPENAI_KEY_B! } },
 *   ] })],
 * })
 */
export function rotation(options: RotationOptions = {}): Plugin {
  const { connections, masterKey, ...settings } = validate(
    optionsSchema,
    options,
    'rotation() options',
    ConfigError,
  )
  const masterKeys = parseMasterKeys(masterKey)
  const cipher = masterKeys && createCredentialCipher(masterKeys)
  let context: RotationContext | undefined
  let used = false

  return {
    name: 'rotation',
    setup(host) {
      if (used) throw new ConfigError('A rotation() plugin serves one instance; call rotation() for each.')
      used = true
      host.use(rotationMiddleware(() => context))
      host.decorate(
        'connections',
        createConnectionsApi(() => context),
      )
      host.onReady(async (ai) => {
        context = await startRotation({ ai, emit: host.emit, connections, cipher, settings })
      })
    },
    async dispose() {
      await context?.writes.flush()
    },
  }
}
