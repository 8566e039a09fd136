/**
 * The store writes calls make (outcomes, cooldowns, disables, audit entries): a failed write is
 * reported, never thrown at the call, and every write started can be waited for, so a reload
 * from the store sees this instance's own changes and close() loses none.
 */
export interface StoreWrites {
  /** Starts a write; the promise resolves when it has finished, whether it failed or not. */
  start(label: string, write: () => Promise<unknown>): Promise<void>
  /** Resolves when every write started so far has finished. */
  settled(): Promise<void>
}

export function createStoreWrites(report: (label: string, error: unknown) => void): StoreWrites {
  const pending = new Set<Promise<void>>()
  return {
    start(label, write) {
      const running: Promise<void> = Promise.resolve()
        .then(write)
        .then(
          () => undefined,
          (error: unknown) => report(label, error),
        )
        .finally(() => pending.delete(running))
      pending.add(running)
      return running
    },
    async settled() {
      await Promise.all([...pending])
    },
  }
}
