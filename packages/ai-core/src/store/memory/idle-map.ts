/**
 * A map for state kept per key that callers choose (a user id, a model string), so that many
 * distinct keys cannot grow memory without bound. An entry not touched for its idle time is
 * dropped (its state has expired by then: a rate window's buckets have all left it, a circuit has
 * no outcome left in its window), and beyond `max` entries the least recently touched one goes.
 *
 * Entries are kept in the order they were last touched, oldest first, and every call drops the
 * idle ones from the front, so the sweep costs O(1) per call amortized and needs no timer. When
 * entries idle for different times (a counter with a day window, one with only a minute), a
 * long-lived entry at the front holds back the sweep of shorter-lived ones behind it, at most for
 * its own idle time; `max` bounds them all the same.
 */
export interface IdleMap<K, V> {
  /** The entry, marked as touched at `at` (default now); undefined when there is none. */
  get(key: K, at?: number): V | undefined
  /** The entry, marked as touched at `at` (default now); `create()`'s value, stored, when there is none. */
  touch(key: K, create: () => V, at?: number): V
  readonly size: number
}

export interface IdleMapOptions<V> {
  /** How long an entry is kept after it was last touched, in milliseconds: one time, or each entry's own. */
  idleMs: number | ((value: V) => number)
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

export function createIdleMap<K, V>(options: IdleMapOptions<V>): IdleMap<K, V> {
  const { max } = options
  const idleMs = options.idleMs
  const idleOf = typeof idleMs === 'number' ? () => idleMs : idleMs
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
    while (oldest && (oldest.touchedAt + idleOf(oldest.value) <= at || nodes.size > max)) {
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
    get(key, at = now()) {
      return find(key, at)?.value
    },
    touch(key, create, at = now()) {
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
