import { AimuxError, StoreError } from '../../errors/errors.js'

/**
 * Wraps every method of a port so that a failure of the database itself (a locked file, a full
 * disk, a lost connection) rejects with a StoreError carrying the original as its cause, its
 * message starting with `label` ("sqlite store: getUsage failed: ..."); aimux errors pass as
 * they are.
 */
export function withStoreErrors<T extends object>(port: T, label: string): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(port)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args)
      } catch (error) {
        if (AimuxError.is(error)) throw error
        throw new StoreError(`${label}: ${name} failed: ${(error as Error).message}`, { cause: error })
      }
    }
  }
  return wrapped as T
}
