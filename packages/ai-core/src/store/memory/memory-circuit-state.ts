import type {
  CircuitAdmission,
  CircuitChange,
  CircuitPosition,
  CircuitSettings,
  CircuitState,
} from '../shared-state.js'
import { createIdleMap } from './idle-map.js'

export interface MemoryCircuitStateOptions {
  /** The most circuits kept; past it, the one called least recently is dropped. Default 10,000. */
  maxCircuits?: number
}

/** The in-memory circuits: the port, answering at once. */
export interface MemoryCircuitState extends CircuitState {
  admit(key: string, settings: CircuitSettings, at: number): CircuitAdmission
  record(
    key: string,
    outcome: { ok: boolean; trial: boolean },
    settings: CircuitSettings,
    at: number,
  ): readonly CircuitChange[]
  release(key: string, settings: CircuitSettings, at: number): void
}

interface Circuit {
  position: CircuitPosition
  outcomes: { at: number; ok: boolean }[]
  openUntil: number
  trialInFlight: boolean
  /** How long the circuit is kept untouched: its settings' longer of windowMs and openMs. */
  idleMs: number
}

const NO_CHANGES: readonly CircuitChange[] = Object.freeze([])
const ADMITTED: CircuitAdmission = Object.freeze({ ok: true, trial: false, changes: NO_CHANGES })

function failureRate(circuit: Circuit): number {
  const { outcomes } = circuit
  if (outcomes.length === 0) return 0
  let failures = 0
  for (const outcome of outcomes) if (!outcome.ok) failures++
  return failures / outcomes.length
}

/**
 * Circuits in this process, one per key ('provider:model'). A circuit not touched for its
 * windowMs and openMs (its outcomes have all left the window, and an open one would let a trial
 * through) is forgotten, and past `maxCircuits` the one called least recently goes, so distinct
 * model strings cannot grow memory. Every answer is synchronous.
 */
export function createMemoryCircuitState(options: MemoryCircuitStateOptions = {}): MemoryCircuitState {
  const circuits = createIdleMap<string, Circuit>({
    idleMs: (circuit) => circuit.idleMs,
    max: options.maxCircuits ?? 10_000,
  })
  const circuitOf = (key: string, settings: CircuitSettings, at: number): Circuit => {
    const idleMs = Math.max(settings.windowMs, settings.openMs)
    const circuit = circuits.touch(
      key,
      () => ({ position: 'closed', outcomes: [], openUntil: 0, trialInFlight: false, idleMs }),
      at,
    )
    circuit.idleMs = idleMs
    return circuit
  }
  /** Moves the circuit, adding the change to `changes` (a new array on the first change). */
  const move = (
    circuit: Circuit,
    to: CircuitPosition,
    rate: number,
    changes: readonly CircuitChange[],
  ): readonly CircuitChange[] => {
    if (circuit.position === to) return changes
    const change = { from: circuit.position, to, failureRate: rate }
    circuit.position = to
    return [...changes, change]
  }

  return {
    admit(key, settings, at) {
      const circuit = circuitOf(key, settings, at)
      let changes = NO_CHANGES
      if (circuit.position === 'open' && at >= circuit.openUntil)
        changes = move(circuit, 'half-open', failureRate(circuit), changes)
      if (circuit.position === 'open' || (circuit.position === 'half-open' && circuit.trialInFlight))
        return { ok: false, retryAfterMs: Math.max(0, circuit.openUntil - at), changes }
      if (circuit.position === 'closed' && changes === NO_CHANGES) return ADMITTED
      const trial = circuit.position === 'half-open'
      circuit.trialInFlight = trial
      return { ok: true, trial, changes }
    },
    record(key, outcome, settings, at) {
      const circuit = circuitOf(key, settings, at)
      if (outcome.trial) {
        // The trial decides alone: the window starts again from its outcome.
        circuit.trialInFlight = false
        circuit.outcomes = [{ at, ok: outcome.ok }]
        if (outcome.ok) return move(circuit, 'closed', 0, NO_CHANGES)
        circuit.openUntil = at + settings.openMs
        return move(circuit, 'open', 1, NO_CHANGES)
      }
      const since = at - settings.windowMs
      circuit.outcomes = circuit.outcomes.filter((o) => o.at > since)
      circuit.outcomes.push({ at, ok: outcome.ok })
      const rate = failureRate(circuit)
      if (circuit.outcomes.length < settings.minRequests || rate < settings.failureRate) return NO_CHANGES
      circuit.openUntil = at + settings.openMs
      return move(circuit, 'open', rate, NO_CHANGES)
    },
    release(key, _settings, at) {
      const circuit = circuits.get(key, at)
      if (circuit) circuit.trialInFlight = false
    },
  }
}
