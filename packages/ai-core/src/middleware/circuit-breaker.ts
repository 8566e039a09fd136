import { z } from 'zod'
import { AimuxError, CircuitOpenError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { CircuitChange, CircuitState } from '../store/shared-state.js'
import { isPromise } from './is-promise.js'
import type { Middleware } from './middleware.js'

export const circuitBreakerSchema = z.strictObject({
  /** Open when at least this share of the calls in the window failed. Default 0.5. */
  failureRate: z.number().gt(0).max(1).default(0.5),
  /** ...and the window holds at least this many calls. Default 5. */
  minRequests: z.number().int().min(1).default(5),
  /** How far back the window looks. Default 60000. */
  windowMs: z.number().int().positive().default(60_000),
  /** How long the circuit stays open before one trial call (half-open). Default 30000. */
  openMs: z.number().int().positive().default(30_000),
})
export type CircuitBreakerOptions = z.output<typeof circuitBreakerSchema>

/** Failures that say the provider is unwell; a refused request (400, 401, ...) says nothing about it. */
function countsAsFailure(error: unknown): boolean {
  return !AimuxError.is(error) || error.retryable
}

/**
 * A circuit per provider and model: closed while the failure rate over the window stays below
 * the threshold; open (failing fast with CircuitOpenError, which the fallback middleware hands
 * over) for openMs once it passes; then half-open, letting one trial call through, which closes
 * the circuit on success and opens it again on failure. Emits 'circuit:state' on every change
 * this instance made. The circuits live in a CircuitState (in memory, or shared by a plugin so
 * that every process sees one circuit per model); this middleware decides what counts as a
 * failure and what to throw. A state that cannot record an outcome never fails the call: that is
 * reported as 'background:error'.
 */
export function circuitBreakerMiddleware(
  options: CircuitBreakerOptions,
  events: EventBus,
  state: CircuitState,
  now: () => number = Date.now,
): Middleware {
  const settings = {
    failureRate: options.failureRate,
    minRequests: options.minRequests,
    windowMs: options.windowMs,
    openMs: options.openMs,
  }
  const announce = (key: string, changes: readonly CircuitChange[]) => {
    if (changes.length === 0) return
    const at = key.indexOf(':')
    const [provider, model] = [key.slice(0, at), key.slice(at + 1)]
    for (const { from, to, failureRate } of changes)
      events.emit('circuit:state', { provider, model, from, to, failureRate })
  }
  const report = (error: unknown) => events.emit('background:error', { source: 'circuit breaker', error })
  /** Records an outcome, or frees a trial (`ok` undefined); awaited only for a state that answers later. */
  const settle = (key: string, ok: boolean | undefined, trial: boolean): void | Promise<void> => {
    try {
      const at = now()
      if (ok === undefined) {
        const released = state.release(key, settings, at)
        if (isPromise(released)) return Promise.resolve(released).catch(report)
        return
      }
      const changes = state.record(key, { ok, trial }, settings, at)
      if (!isPromise(changes)) return announce(key, changes)
      return Promise.resolve(changes).then((c) => announce(key, c), report)
    } catch (error) {
      report(error)
    }
  }
  return async (call, next) => {
    const key = `${call.provider.id}:${call.request.model}`
    let admission = state.admit(key, settings, now())
    if (isPromise(admission)) admission = await admission
    announce(key, admission.changes)
    if (!admission.ok) {
      throw new CircuitOpenError(
        `The circuit for ${key} is open after repeated failures; the call was not sent.`,
        { provider: call.provider.id, model: call.request.model, retryAfterMs: admission.retryAfterMs },
      )
    }
    const { trial } = admission
    let response: Awaited<ReturnType<typeof next>>
    try {
      response = await next()
    } catch (error) {
      // A refused request or an abort says nothing of the provider's health: a trial's slot is freed.
      const failed = countsAsFailure(error) && !call.ctx.signal.aborted
      const settled = failed ? settle(key, false, trial) : trial ? settle(key, undefined, true) : undefined
      if (settled) await settled
      throw error
    }
    const settled = settle(key, true, trial)
    if (settled) await settled
    return response
  }
}
