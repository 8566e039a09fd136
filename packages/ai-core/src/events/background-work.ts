/**
 * Work that must never delay or fail the caller: event listeners, usage records, analytics, a
 * plugin's store writes. A failing task is reported, never thrown. `flush()` resolves once every
 * task started so far, and every task those started, has settled.
 */
export interface BackgroundWork {
  /** Starts a task; the promise resolves once it has settled, whether it failed or not. */
  run(source: string, task: () => unknown): Promise<void>
  flush(): Promise<void>
  /** True when no task is pending. */
  readonly idle: boolean
}

export interface BackgroundWorkOptions {
  /**
   * When a task starts: 'later' (the default), on a later turn of the event loop, so that the
   * caller's own work goes first; 'now', at once (on the next microtask), for work the caller
   * may wait for, such as the store writes a call awaits before it returns.
   */
  start?: 'later' | 'now'
}

export function createBackgroundWork(
  onError: (source: string, error: unknown) => void,
  options: BackgroundWorkOptions = {},
): BackgroundWork {
  const pending = new Set<Promise<void>>()
  const later = options.start !== 'now'
  return {
    run(source, task) {
      const turn = later ? new Promise<void>((resolve) => setImmediate(resolve)) : Promise.resolve()
      const promise: Promise<void> = turn
        .then(task)
        .then(
          () => undefined,
          (error: unknown) => {
            onError(source, error)
          },
        )
        .finally(() => pending.delete(promise))
      pending.add(promise)
      return promise
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    get idle() {
      return pending.size === 0
    },
  }
}
