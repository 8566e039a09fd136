/**
 * What the scheduler reads the time from and sets its timers with: the system clock by default,
 * a manual clock (createManualClock) in tests.
 */
export interface ScheduleClock {
  now(): Date
  /** Calls `run` after `ms`; the handle goes to clearTimeout. A timer must not keep the process alive. */
  setTimeout(run: () => unknown, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647

/** The system clock, its timers unref'd so a schedule never keeps the process alive. */
export const systemClock: ScheduleClock = {
  now: () => new Date(),
  setTimeout(run, ms) {
    // Node fires a longer timer at once; a timer that fires early just re-arms for its slot.
    const timer = setTimeout(run, Math.min(ms, MAX_TIMER_MS))
    timer.unref()
    return timer
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout)
  },
}
