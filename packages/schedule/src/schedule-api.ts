/** When a job last ran on this instance, and how it went. */
export interface ScheduleJobRun {
  /** The slot it ran for; absent for a run started by runNow(). */
  slot?: Date
  startedAt: Date
  finishedAt: Date
  ok: boolean
  result?: unknown
  error?: string
}

export interface ScheduleJobStatus {
  everyMs: number
  /** Whether it runs on this instance right now. */
  running: boolean
  /** Its last run on this instance. */
  lastRun?: ScheduleJobRun
  /** Its last failure on this instance, kept after later runs succeed. */
  lastError?: { at: Date; message: string }
  /** The start of its next slot; absent once stopped. */
  nextRunAt?: Date
}

/** `ai.schedule`. */
export interface ScheduleApi {
  /**
   * Runs a job now on this instance, outside its slots and without a claim; a run of it already
   * under way is awaited instead of starting another. Resolves with what it did; a failure rejects.
   */
  runNow(job: ScheduleJobName): Promise<unknown>
  /** Each job configured, by name. */
  status(): Record<string, ScheduleJobStatus>
  /** Stops the timers and waits for runs under way; ai.close() does it too. */
  stop(): Promise<void>
}

/** The jobs the plugin knows. */
export type ScheduleJobName = 'models.sync' | 'retention'
