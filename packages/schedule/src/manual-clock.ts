import type { ScheduleClock } from './schedule-clock.js'

/** A clock that moves only when told to, for tests: timers fire as `advance()` passes their time. */
export interface ManualClock extends ScheduleClock {
  /**
   * Moves the time forward by `ms`, firing each timer due on the way in order of its time (those
   * due at one time together) and waiting for the work they return before going on.
   */
  advance(ms: number): Promise<void>
  /** Timers set and not fired or cleared. */
  readonly pending: number
}

/** A manual clock starting at `start`. */
export function createManualClock(start: Date | number): ManualClock {
  let now = new Date(start).getTime()
  let nextId = 0
  const timers = new Map<number, { at: number; run: () => unknown }>()

  return {
    now: () => new Date(now),
    setTimeout(run, ms) {
      const id = ++nextId
      timers.set(id, { at: now + Math.max(0, ms), run })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    get pending() {
      return timers.size
    },
    async advance(ms) {
      const target = now + ms
      for (;;) {
        // Work that fired may have set timers due now: let it settle before looking.
        await new Promise((resolve) => setImmediate(resolve))
        const due = [...timers].filter(([, t]) => t.at <= target)
        if (due.length === 0) break
        const at = Math.min(...due.map(([, t]) => t.at))
        now = Math.max(now, at)
        const firing = due.filter(([, t]) => t.at === at)
        for (const [id] of firing) timers.delete(id)
        await Promise.all(firing.map(([, t]) => t.run()))
      }
      now = Math.max(now, target)
    },
  }
}
