/** Counts calls in progress so that close() can wait for them to finish. */
export interface InFlight {
  /** Marks a call as started; the returned function marks it finished (once). */
  enter(): () => void
  /** Resolves when no call is in progress. */
  idle(): Promise<void>
}

export function createInFlight(): InFlight {
  let count = 0
  const waiters: (() => void)[] = []
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
  }
}
