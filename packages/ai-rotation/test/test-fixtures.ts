// Shared by the tests: fake OpenAI servers (one per key), connections pointing at them, and a
// seeded random source so weighted selection is reproducible.
import { randomBytes } from 'node:crypto'
import { type CreateAIOptions, createAI, type Plugin } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, type FakeServer, openaiChatProtocol, type WireProtocol } from '@aimux/ai-testing'
import type { ConnectionInput } from '../src/connection-config.js'
import { MASTER_KEY_ENV } from '../src/master-keys.js'
import { type RotationOptions, rotation } from '../src/rotation.js'

// The tests give their master keys explicitly; one in the environment would change what they see.
delete process.env[MASTER_KEY_ENV]

/** A key that looks like OpenAI's and is different in every run. */
export function fakeKey(label: string): string {
  return `sk-test-${label}-${randomBytes(12).toString('hex')}`
}

/** A 32-byte master key in base64. */
export function fakeMasterKey(): string {
  return randomBytes(32).toString('base64')
}

/**
 * The OpenAI Chat Completions protocol whose GET /v1/models answers 401 unless the request
 * carries one of `validKeys`, as the real API does, so `ai.connections.test()` can fail.
 */
export function keyCheckingProtocol(validKeys: () => readonly string[]): WireProtocol {
  const base = openaiChatProtocol()
  return {
    ...base,
    routes: [
      {
        method: 'GET',
        path: /^(\/v1)?\/models$/,
        answer: (request) => {
          const presented = request.headers.authorization?.replace(/^Bearer /, '') ?? ''
          if (validKeys().includes(presented)) return { type: 'json', body: { object: 'list', data: [] } }
          // Echoing the key, as OpenAI does: whatever shows the answer must mask it.
          const message = `Incorrect API key provided: ${presented}.`
          return { type: 'json', status: 401, body: base.errorBody({ status: 401, message }, request) }
        },
      },
      ...base.routes,
    ],
  }
}

export interface Keyed {
  id: string
  key: string
  server: FakeServer
}

/** One fake OpenAI server per connection id, each with its own key (default: `fakeKey(id)`). */
export async function startKeyedServers(
  ids: readonly string[],
  keyOf: (id: string) => string = fakeKey,
): Promise<Record<string, Keyed>> {
  const entries = await Promise.all(
    ids.map(async (id) => {
      const key = keyOf(id)
      return [id, { id, key, server: await createFakeServer(keyCheckingProtocol(() => [key])) }] as const
    }),
  )
  return Object.fromEntries(entries)
}

export async function closeServers(servers: Record<string, Keyed>): Promise<void> {
  await Promise.all(Object.values(servers).map((s) => s.server.close()))
}

/** A connection to a keyed server; everything else as given. */
export function connectionTo(
  keyed: Keyed,
  fields: Partial<Omit<ConnectionInput, 'id' | 'credentials'>> = {},
): ConnectionInput {
  return {
    id: keyed.id,
    provider: 'openai',
    credentials: { apiKey: keyed.key, baseURL: `${keyed.server.url}/v1` },
    ...fields,
  }
}

/** The chat calls a server answered (model lists not counted). */
export function chatCalls(keyed: Keyed): number {
  return keyed.server.requests.filter((r) => r.path.endsWith('/chat/completions')).length
}

/**
 * An instance with the OpenAI adapter (its own key points nowhere useful: rotation supplies the
 * credentials), the rotation plugin and any other plugins (a store), core retries off.
 */
export function rotatingAI(
  options: RotationOptions,
  extra: { plugins?: Plugin[] } & Omit<CreateAIOptions, 'plugins'> = {},
) {
  const { plugins = [], ...rest } = extra
  return createAI({
    plugins: [
      openai({ apiKey: 'sk-adapter-own-key-unused', baseURL: 'http://127.0.0.1:9/v1' }),
      rotation(options),
      ...plugins,
    ],
    defaultModel: 'openai:gpt-4o-mini',
    retry: false,
    ...rest,
  })
}

/** A deterministic random source in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] }
