import type { ScheduleApi } from './schedule-api.js'

/** A scheduled job ran on this instance: on its slot, or by `ai.schedule.runNow()`. */
export interface ScheduleRunEvent {
  job: string
  /** The slot it ran for; absent for a run started by runNow(). */
  slot?: Date
  ok: boolean
  durationMs: number
  /** What it did (counts of what it synced, deleted, archived, compacted). */
  result?: unknown
  /** Why it failed: the error's message. */
  error?: string
}

declare module '@aimux/ai-core' {
  interface AimuxEvents {
    'schedule:run': ScheduleRunEvent
  }
  interface AI {
    /** Added by the schedule plugin: run a job now, read when each ran and runs next, stop them. */
    schedule: ScheduleApi
  }
}
