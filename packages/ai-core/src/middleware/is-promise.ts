/**
 * Whether a state port answered with a promise. The in-memory ports answer synchronously, and
 * the middleware awaits only when this is true, so a call pays no promise hop for them.
 */
export function isPromise<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}
