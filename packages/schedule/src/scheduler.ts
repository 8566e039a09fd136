import { ConfigError, type JobStore } from '@aimux/ai-core'
import type { ScheduleJobRun, ScheduleJobStatus } from './schedule-api.js'
import type { ScheduleClock } from './schedule-clock.js'
import type { ScheduleRunEvent } from './schedule-events.js'

/** A job the scheduler runs once per slot of `everyMs` (slots start at multiples of it since the epoch). */
export interface ScheduledJob {
  name: string
  everyMs: number
  run(now: Date): Promise<unknown>
}

export interface SchedulerOptions {
  jobs: readonly ScheduledJob[]
  store: JobStore
  clock: ScheduleClock
  owner: string
  leaseMs: number
  onRun(event: ScheduleRunEvent): void
}

interface JobState {
  job: ScheduledJob
  timer?: unknown
  running?: Promise<unknown>
  lastRun?: ScheduleJobRun
  lastError?: { at: Date; message: string }
  nextRunAt?: Date
}

/**
 * Runs each job once per slot across every instance on one store: at each slot's start every
 * instance asks the job store to claim it, and only the one that did runs the job. A job never
 * overlaps itself: not on this instance, and not while another instance's run of it holds its
 * lease. A failure is reported (status, event) and the job runs again at its next slot.
 */
export function createScheduler(options: SchedulerOptions) {
  const { store, clock, owner, leaseMs, onRun } = options
  const states = new Map(options.jobs.map((job) => [job.name, { job } as JobState]))
  let stopped = false

  function arm(state: JobState, delayMs: number) {
    if (stopped) return
    state.timer = clock.setTimeout(() => tick(state), delayMs)
  }

  /** Runs the job and records the outcome here; a failure is returned, not thrown. */
  async function execute(state: JobState, slot: Date | undefined): Promise<{ ok: boolean; value: unknown }> {
    const startedAt = clock.now()
    let outcome: { ok: boolean; value: unknown }
    try {
      outcome = { ok: true, value: await state.job.run(startedAt) }
    } catch (error) {
      outcome = { ok: false, value: error }
    }
    const finishedAt = clock.now()
    const message = outcome.ok ? undefined : errorMessage(outcome.value)
    state.lastRun = {
      ...(slot && { slot }),
      startedAt,
      finishedAt,
      ok: outcome.ok,
      ...(outcome.ok ? { result: outcome.value } : { error: message }),
    }
    if (message !== undefined) state.lastError = { at: finishedAt, message }
    onRun({
      job: state.job.name,
      ...(slot && { slot }),
      ok: outcome.ok,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      ...(outcome.ok ? { result: outcome.value } : { error: message }),
    })
    return outcome
  }

  /** One slot: claim it, run the job when this instance did, arm the next. */
  async function tick(state: JobState): Promise<void> {
    const { job } = state
    const now = clock.now()
    const slot = new Date(Math.floor(now.getTime() / job.everyMs) * job.everyMs)
    state.nextRunAt = new Date(slot.getTime() + job.everyMs)
    arm(state, state.nextRunAt.getTime() - now.getTime())
    if (state.running) return
    const work = (async () => {
      try {
        const latest = await store.latest(job.name)
        const busy = latest && !latest.finishedAt && latest.leaseUntil > now && latest.slot < slot
        if (busy) return
        const lease = Math.min(leaseMs, job.everyMs)
        const claimed = await store.claim({
          job: job.name,
          slot,
          owner,
          startedAt: now,
          leaseUntil: new Date(now.getTime() + lease),
        })
        if (!claimed) return
        const outcome = await execute(state, slot)
        await store.finish({
          job: job.name,
          slot,
          owner,
          finishedAt: clock.now(),
          ...(!outcome.ok && { error: errorMessage(outcome.value) }),
        })
      } catch (error) {
        // The job store failed: report it like a failed run; the next slot tries again.
        const message = errorMessage(error)
        state.lastError = { at: clock.now(), message }
        onRun({ job: job.name, slot, ok: false, durationMs: 0, error: message })
      }
    })()
    state.running = work
    try {
      await work
    } finally {
      state.running = undefined
    }
  }

  return {
    start() {
      for (const state of states.values()) arm(state, 0)
    },

    async runNow(name: string): Promise<unknown> {
      const state = states.get(name)
      if (!state)
        throw new ConfigError(
          `No scheduled job '${name}': the jobs configured are ${[...states.keys()].join(', ') || 'none'}.`,
        )
      while (state.running) await state.running
      const work = execute(state, undefined)
      state.running = work
      try {
        const outcome = await work
        if (!outcome.ok) throw outcome.value
        return outcome.value
      } finally {
        state.running = undefined
      }
    },

    status(): Record<string, ScheduleJobStatus> {
      const status: Record<string, ScheduleJobStatus> = {}
      for (const [name, state] of states)
        status[name] = {
          everyMs: state.job.everyMs,
          running: state.running !== undefined,
          ...(state.lastRun && { lastRun: { ...state.lastRun } }),
          ...(state.lastError && { lastError: { ...state.lastError } }),
          ...(state.nextRunAt && !stopped && { nextRunAt: state.nextRunAt }),
        }
      return status
    },

    async stop() {
      stopped = true
      for (const state of states.values()) if (state.timer !== undefined) clock.clearTimeout(state.timer)
      await Promise.allSettled([...states.values()].map((s) => s.running))
    },
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
