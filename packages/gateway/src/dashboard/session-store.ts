import { createHash, randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'

/** A signed-in browser: the id its cookie carries, and the CSRF token its forms must send back. */
export interface DashboardSession {
  id: string
  csrfToken: string
}

export interface SessionStore {
  /** Starts a session after a good admin token: fresh random id and CSRF token. */
  create(): DashboardSession
  /** The live session with this cookie value; an idle one expires after `idleMs`. */
  get(id: string | undefined): DashboardSession | undefined
  delete(id: string): void
}

// The store is keyed by a hash of the id, so that memory dumps and timing of map lookups say
// nothing usable about a live cookie.
const keyOf = (id: string) => createHash('sha256').update(id).digest('base64url')
const token = () => randomBytes(32).toString('base64url')

/**
 * Dashboard sessions, in this process's memory: the cookie holds only a random id, never the
 * admin token, and a restart or a logout ends the session. Bounded in number; an idle session
 * expires after `idleMs`.
 */
export function createSessionStore(options: {
  idleMs: number
  max?: number
  now?: () => number
}): SessionStore {
  const sessions = new LRUCache<string, DashboardSession>({
    max: options.max ?? 1_000,
    ttl: options.idleMs,
    updateAgeOnGet: true,
    ttlResolution: 0,
    ...(options.now ? { perf: { now: options.now } } : {}),
  })
  return {
    create() {
      const session = { id: token(), csrfToken: token() }
      sessions.set(keyOf(session.id), session)
      return session
    },
    get(id) {
      return id ? sessions.get(keyOf(id)) : undefined
    },
    delete(id) {
      sessions.delete(keyOf(id))
    },
  }
}
