// The job port: which instance runs each slot of a scheduled job (model sync, retention), so that
// several instances sharing one store run every slot of every job once.

/** One claimed slot of a job, as stored. */
export interface JobRun {
  /** The job's name ('models.sync', 'retention'). */
  job: string
  /** The start of the slot: the interval the run stands for (every hour on the hour, say). */
  slot: Date
  /** Who claimed it: an id the claiming instance made for itself. */
  owner: string
  startedAt: Date
  /** Until when the claim holds: a run neither finished by then may be claimed again. */
  leaseUntil: Date
  /** When it ended, when it has. */
  finishedAt?: Date
  /** Why it failed, when it did. */
  error?: string
}

export type JobClaim = Pick<JobRun, 'job' | 'slot' | 'owner' | 'startedAt' | 'leaseUntil'>

export interface JobStore {
  /**
   * Claims one slot of a job, atomically: true for the one caller that did, false when the slot
   * is claimed already by a run that finished or whose lease has not ended by `startedAt`. Of
   * several claims of one slot at once, exactly one wins.
   */
  claim(claim: JobClaim): Promise<boolean>
  /** Records the end of a claimed run (and its error); nothing when `owner` does not hold it. */
  finish(run: { job: string; slot: Date; owner: string; finishedAt: Date; error?: string }): Promise<void>
  /** The job's run of the latest slot, or undefined when none was claimed. */
  latest(job: string): Promise<JobRun | undefined>
}
