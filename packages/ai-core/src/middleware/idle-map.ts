/**
 * A map for state kept per key that callers choose (a user id, a model string), so that many
 * distinct keys cannot grow memory without bound. An entry not touched for `idleMs` is dropped
 * (its state has expired by then: a rate window's buckets have all left it, a circuit has no
 * outcome left in its window), and beyond `max` entries the least recently touched one goes.
 *
 * Entries are kept in the order they were last touched, oldest first, and every call drops the
 * idle ones from the front, so the sweep costs O(1) per call amortized and needs no timer.
 */
export interface IdleMap<K, V> {
  /** The entry, marked as touched now; undefined when there is none. */
  get(key: K): V | undefined
  /** The entry, marked as touched now; `create()`'s value, stored, when there is none. */
  touch(key: K, create: () => V): V
  readonly size: number
}

export interface IdleMapOptions {
  /** How long an entry is kept after it was last touched, in milliseconds. */
  idleMs: number
  /** The most entries kept; the least recently touched one is dropped past it. */
  max: number
  now?: () => number
}

interface Node<K, V> {
  key: K
  value: V
  touchedAt: number
  prev: Node<K, V> | undefined
  next: Node<K, V> | undefined
}

export function createIdleMap<K, V>(options: IdleMapOptions): IdleMap<K, V> {
  const { idleMs, max } = options
  const now = options.now ?? Date.now
  const nodes = new Map<K, Node<K, V>>()
  // A list in the order entries were last touched: `oldest` first, `newest` last. (A Map's own
  // order would do, but moving an entry in it leaves a hole that every sweep would walk past.)
  let oldest: Node<K, V> | undefined
  let newest: Node<K, V> | undefined

  const unlink = (node: Node<K, V>) => {
    if (node.prev) node.prev.next = node.next
    else oldest = node.next
    if (node.next) node.next.prev = node.prev
    else newest = node.prev
    node.prev = node.next = undefined
  }
  const append = (node: Node<K, V>) => {
    node.prev = newest
    if (newest) newest.next = node
    else oldest = node
    newest = node
  }
  const sweep = (at: number) => {
    while (oldest && (oldest.touchedAt + idleMs <= at || nodes.size > max)) {
      nodes.delete(oldest.key)
      unlink(oldest)
    }
  }
  const find = (key: K, at: number) => {
    sweep(at)
    const node = nodes.get(key)
    if (node) {
      unlink(node)
      node.touchedAt = at
      append(node)
    }
    return node
  }

  return {
    get(key) {
      return find(key, now())?.value
    },
    touch(key, create) {
      const at = now()
      const found = find(key, at)
      if (found) return found.value
      const node: Node<K, V> = { key, value: create(), touchedAt: at, prev: undefined, next: undefined }
      nodes.set(key, node)
      append(node)
      sweep(at)
      return node.value
    },
    get size() {
      return nodes.size
    },
  }
}
