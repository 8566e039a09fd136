/**
 * Work that must never delay the caller: event listeners, usage records, analytics. Each task
 * starts on a later turn of the event loop; `flush()` resolves once every task started so far,
 * and every task those started, has settled. A failing task is reported, never thrown.
 */
export interface BackgroundWork {
  run(source: string, task: () => unknown): void
  flush(): Promise<void>
  /** True when no task is pending. */
  readonly idle: boolean
}

export function createBackgroundWork(onError: (source: string, error: unknown) => void): BackgroundWork {
  const pending = new Set<Promise<unknown>>()
  return {
    run(source, task) {
      const promise = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => onError(source, error))
        .finally(() => pending.delete(promise))
      pending.add(promise)
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    get idle() {
      return pending.size === 0
    },
  }
}
