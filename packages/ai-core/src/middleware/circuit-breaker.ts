import { z } from 'zod'
import { AimuxError, CircuitOpenError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { CircuitState } from '../events/events.js'
import { createIdleMap } from './idle-map.js'
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

interface Circuit {
  state: CircuitState
  outcomes: { at: number; ok: boolean }[]
  openUntil: number
  trialInFlight: boolean
}

/** The most circuits kept in memory; past it, the one called least recently is dropped. */
const MAX_CIRCUITS = 10_000

/** Failures that say the provider is unwell; a refused request (400, 401, ...) says nothing about it. */
function countsAsFailure(error: unknown): boolean {
  return !AimuxError.is(error) || error.retryable
}

/**
 * A circuit per provider and model: closed while the failure rate over the window stays below
 * the threshold; open (failing fast with CircuitOpenError, which the fallback middleware hands
 * over) for openMs once it passes; then half-open, letting one trial call through, which closes
 * the circuit on success and opens it again on failure. Emits 'circuit:state' on every change.
 * A circuit not called for windowMs and openMs (its outcomes have all left the window, and an open
 * one would let a trial through) is forgotten, so distinct model strings cannot grow memory.
 */
export function circuitBreakerMiddleware(
  options: CircuitBreakerOptions,
  events: EventBus,
  now: () => number = Date.now,
): Middleware {
  const circuits = createIdleMap<string, Circuit>({
    idleMs: Math.max(options.windowMs, options.openMs),
    max: MAX_CIRCUITS,
    now,
  })
  const move = (key: string, circuit: Circuit, to: CircuitState, failureRate: number) => {
    if (circuit.state === to) return
    const at = key.indexOf(':')
    const [provider, model] = [key.slice(0, at), key.slice(at + 1)]
    events.emit('circuit:state', { provider, model, from: circuit.state, to, failureRate })
    circuit.state = to
  }
  const rate = (circuit: Circuit) => {
    const failures = circuit.outcomes.filter((o) => !o.ok).length
    return circuit.outcomes.length === 0 ? 0 : failures / circuit.outcomes.length
  }
  return async (call, next) => {
    const key = `${call.provider.id}:${call.request.model}`
    const circuit = circuits.touch(key, () => ({
      state: 'closed',
      outcomes: [],
      openUntil: 0,
      trialInFlight: false,
    }))
    const at = now()
    if (circuit.state === 'open' && at >= circuit.openUntil) move(key, circuit, 'half-open', rate(circuit))
    if (circuit.state === 'open' || (circuit.state === 'half-open' && circuit.trialInFlight)) {
      throw new CircuitOpenError(
        `The circuit for ${key} is open after repeated failures; the call was not sent.`,
        {
          provider: call.provider.id,
          model: call.request.model,
          retryAfterMs: Math.max(0, circuit.openUntil - at),
        },
      )
    }
    const trial = circuit.state === 'half-open'
    circuit.trialInFlight = trial
    const record = (ok: boolean) => {
      // Touched again: a call as long as the idle time must not leave its outcome on a circuit
      // that was dropped meanwhile.
      const c = circuits.touch(key, () => circuit)
      const t = now()
      c.trialInFlight = false
      if (trial) {
        c.outcomes = [{ at: t, ok }]
        if (ok) move(key, c, 'closed', 0)
        else {
          c.openUntil = t + options.openMs
          move(key, c, 'open', 1)
        }
        return
      }
      c.outcomes = c.outcomes.filter((o) => o.at > t - options.windowMs)
      c.outcomes.push({ at: t, ok })
      const failureRate = rate(c)
      if (c.outcomes.length >= options.minRequests && failureRate >= options.failureRate) {
        c.openUntil = t + options.openMs
        move(key, c, 'open', failureRate)
      }
    }
    try {
      const response = await next()
      record(true)
      return response
    } catch (error) {
      if (countsAsFailure(error) && !call.ctx.signal.aborted) record(false)
      else circuit.trialInFlight = false
      throw error
    }
  }
}
