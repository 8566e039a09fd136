/** Something in progress that `close()` can stop: a call's signal, or a stream its caller left open. */
export interface Abortable {
  abort(reason: unknown): void
}

/**
 * Counts calls in progress so that close() can wait for them to finish, and holds what it can
 * abort when they do not finish in time.
 */
export interface InFlight {
  /** Marks a call as started; the returned function marks it finished (once). */
  enter(): () => void
  /** Resolves when no call is in progress. */
  idle(): Promise<void>
  /** Holds `target` until the returned function is called; holding one twice holds it once. */
  hold(target: Abortable): () => void
  /** Aborts everything held, with `reason`, and lets go of it. */
  abortAll(reason: unknown): void
}

export function createInFlight(): InFlight {
  let count = 0
  const waiters: (() => void)[] = []
  const held = new Set<Abortable>()
  return {
    enter() {
      count++
      let left = false
      return () => {
        if (left) return
        left = true
        count--
        if (count === 0) for (const resolve of waiters.splice(0)) resolve()
      }
    },
    idle() {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))
    },
    hold(target) {
      held.add(target)
      return () => held.delete(target)
    },
    abortAll(reason) {
      const targets = [...held]
      held.clear()
      for (const target of targets) target.abort(reason)
    },
  }
}
