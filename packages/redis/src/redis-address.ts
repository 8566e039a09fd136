/** A Redis server as errors name it, and the secrets that must never show beside it. */
export interface RedisAddress {
  /** The URL without its password, e.g. `redis://app@cache.internal:6379/2`. */
  shown: string
  /** The password of the URL, as written and decoded, to mask wherever it could show. */
  secrets: string[]
}

/** The address of `redis[s]://[[user][:password]@]host[:port][/db]`, its password left out. */
export function addressOfUrl(url: string): RedisAddress {
  const secrets = passwordsOf(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { shown: 'the Redis server of an unreadable URL', secrets }
  }
  const user = parsed.username ? `${parsed.username}@` : ''
  const database = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : ''
  return { shown: `${parsed.protocol}//${user}${parsed.host}${database}`, secrets }
}

/** What a client made elsewhere says of where it connects (node-redis keeps its options). */
export function addressOfClient(client: unknown): RedisAddress {
  const options = (client as { options?: ClientOptions }).options
  const password = typeof options?.password === 'string' && options.password !== '' ? [options.password] : []
  if (typeof options?.url === 'string') {
    const address = addressOfUrl(options.url)
    return { shown: address.shown, secrets: [...new Set([...address.secrets, ...password])] }
  }
  const socket = options?.socket
  if (typeof socket?.path === 'string') return { shown: socket.path, secrets: password }
  const host = typeof socket?.host === 'string' ? socket.host : 'localhost'
  const port = typeof socket?.port === 'number' ? socket.port : 6379
  return { shown: `redis://${host}:${port}`, secrets: password }
}

interface ClientOptions {
  url?: unknown
  password?: unknown
  socket?: { host?: unknown; port?: unknown; path?: unknown }
}

function passwordsOf(url: string): string[] {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? ''
  const at = authority.lastIndexOf('@')
  const colon = authority.indexOf(':')
  if (at < 0 || colon < 0 || colon > at) return []
  const written = authority.slice(colon + 1, at)
  const found = new Set([written])
  try {
    found.add(decodeURIComponent(written))
  } catch {}
  try {
    // How URL re-encodes it, which is what node-redis parses.
    const parsed = new URL(url).password
    found.add(parsed)
    found.add(decodeURIComponent(parsed))
  } catch {}
  found.delete('')
  return [...found]
}
