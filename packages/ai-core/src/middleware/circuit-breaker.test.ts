import { describe, expect, it } from 'vitest'
import { AuthenticationError, CircuitOpenError, ProviderError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus, type EventBus } from '../events/event-bus.js'
import type { AimuxEvents } from '../events/events.js'
import type { ProviderAdapter } from '../spec/provider.js'
import { createMemoryCircuitState } from '../store/memory/memory-circuit-state.js'
import type { CircuitState } from '../store/shared-state.js'
import { circuitBreakerMiddleware, circuitBreakerSchema } from './circuit-breaker.js'
import type { ModelCall, ModelResponse } from './middleware.js'

const answer: ModelResponse = { mode: 'generate', result: { content: [], finishReason: 'stop' } as never }
const outage = () => new ProviderError('overloaded', { retryable: true, status: 503 })

/** The breaker around calls to 'p:m' on a clock that moves only when told; each call's outcome is given. */
function breaker(options: Parameters<typeof circuitBreakerSchema.parse>[0]) {
  const clock = { now: 1_000_000 }
  const work = createBackgroundWork(() => {})
  const events = createEventBus(work)
  const changes: AimuxEvents['circuit:state'][] = []
  events.on('circuit:state', (e) => void changes.push(e))
  const middleware = circuitBreakerMiddleware(
    circuitBreakerSchema.parse(options),
    events,
    createMemoryCircuitState(),
    () => clock.now,
  )
  const call = (): ModelCall => ({
    mode: 'generate',
    provider: { id: 'p' } as ProviderAdapter,
    request: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
    ctx: {
      requestId: 'r',
      scope: {},
      signal: new AbortController().signal,
      attempt: 1,
      step: 1,
      metadata: {},
    },
  })
  /** Starts a call whose outcome is decided later: `succeed()` or `fail(error)`. */
  const start = () => {
    let succeed!: () => void
    let fail!: (error: unknown) => void
    const outcome = new Promise<ModelResponse>((resolve, reject) => {
      succeed = () => resolve(answer)
      fail = reject
    })
    let sent = false
    const done = middleware(call(), () => {
      sent = true
      return outcome
    }).then(
      () => 'ok' as const,
      (error: unknown) => error,
    )
    return { succeed, fail, done, sent: () => sent }
  }
  const ok = async () => {
    const c = start()
    c.succeed()
    return c.done
  }
  const fails = async (error: unknown = outage()) => {
    const c = start()
    c.fail(error)
    return c.done
  }
  const moves = async () => {
    await work.flush()
    return changes.map((c) => [c.from, c.to, c.failureRate])
  }
  return { clock, start, ok, fails, moves, changes, work }
}

describe('circuit breaker', () => {
  it('opens when the failure rate reaches the threshold exactly, and says for which provider and model', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 2, windowMs: 10_000, openMs: 500 })
    expect(await b.ok()).toBe('ok')
    await b.fails()
    await b.work.flush()
    expect(b.changes).toEqual([{ provider: 'p', model: 'm', from: 'closed', to: 'open', failureRate: 0.5 }])
  })

  it('stays closed while the share of failures is below the threshold', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 4, windowMs: 10_000, openMs: 500 })
    await b.ok()
    await b.ok()
    await b.ok()
    await b.fails() // 1 of 4
    expect(await b.ok()).toBe('ok')
    expect(await b.moves()).toEqual([])
  })

  it('refuses calls while open, saying how long until a trial', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 1, windowMs: 10_000, openMs: 500 })
    await b.fails()
    b.clock.now += 200
    const refused = b.start()
    expect(refused.sent()).toBe(false)
    const error = await refused.done
    expect(CircuitOpenError.is(error)).toBe(true)
    expect(error).toMatchObject({
      message: 'The circuit for p:m is open after repeated failures; the call was not sent.',
      provider: 'p',
      model: 'm',
      retryAfterMs: 300,
    })
  })

  it('lets one trial through once openMs has passed exactly; its success closes the circuit', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 2, windowMs: 10_000, openMs: 500 })
    await b.fails()
    await b.fails()
    b.clock.now += 500
    const trial = b.start()
    expect(trial.sent()).toBe(true)
    // While the trial is out, every other call is refused.
    const meanwhile = b.start()
    expect(meanwhile.sent()).toBe(false)
    expect(CircuitOpenError.is(await meanwhile.done)).toBe(true)
    trial.succeed()
    expect(await trial.done).toBe('ok')
    // The window starts again from the trial's success: one failure more is half of two calls.
    await b.fails()
    expect(await b.moves()).toEqual([
      ['closed', 'open', 1],
      ['open', 'half-open', 1],
      ['half-open', 'closed', 0],
      ['closed', 'open', 0.5],
    ])
  })

  it('opens again for openMs when the trial fails', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 3, windowMs: 10_000, openMs: 500 })
    await b.fails()
    await b.fails()
    await b.fails()
    b.clock.now += 600
    await b.fails() // the trial
    const refused = b.start()
    expect(refused.sent()).toBe(false)
    expect(await refused.done).toMatchObject({ code: 'circuit-open', retryAfterMs: 500 })
    expect(await b.moves()).toEqual([
      ['closed', 'open', 1],
      ['open', 'half-open', 1],
      ['half-open', 'open', 1],
    ])
  })

  it("frees the trial's slot when it was refused for the caller's own mistake", async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 1, windowMs: 10_000, openMs: 500 })
    await b.fails()
    b.clock.now += 500
    const refused = await b.fails(new AuthenticationError('bad key', { status: 401 }))
    expect(AuthenticationError.is(refused)).toBe(true)
    // That said nothing of the provider's health: the next call is the trial, and closes the circuit.
    expect(await b.ok()).toBe('ok')
    expect(await b.moves()).toEqual([
      ['closed', 'open', 1],
      ['open', 'half-open', 1],
      ['half-open', 'closed', 0],
    ])
  })

  it('forgets failures once they are windowMs old, on a circuit kept in use', async () => {
    const b = breaker({ failureRate: 0.6, minRequests: 2, windowMs: 1_000, openMs: 500 })
    await b.fails()
    b.clock.now += 500
    await b.ok()
    b.clock.now += 500
    await b.fails() // the first failure has left the window: one failure in two calls
    expect(await b.moves()).toEqual([])
    b.clock.now += 1
    await b.fails() // two in three
    expect(await b.moves()).toEqual([['closed', 'open', 2 / 3]])
  })

  it('announces the opening once, however many calls that were in flight fail after it', async () => {
    const b = breaker({ failureRate: 0.5, minRequests: 1, windowMs: 10_000, openMs: 500 })
    const first = b.start()
    const second = b.start()
    first.fail(outage())
    await first.done
    second.fail(outage())
    await second.done
    expect(await b.moves()).toEqual([['closed', 'open', 1]])
  })
})

describe('circuit breaker over a shared state', () => {
  const settings = circuitBreakerSchema.parse({
    failureRate: 0.5,
    minRequests: 1,
    windowMs: 10_000,
    openMs: 500,
  })
  const call = (): ModelCall => ({
    mode: 'generate',
    provider: { id: 'p' } as ProviderAdapter,
    request: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
    ctx: {
      requestId: 'r',
      scope: {},
      signal: new AbortController().signal,
      attempt: 1,
      step: 1,
      metadata: {},
    },
  })
  /** Events as they are emitted, in one list with what the test adds. */
  function recorder() {
    const log: unknown[] = []
    const events = {
      emit: (event: string, payload: Record<string, unknown>) =>
        void log.push(
          event === 'circuit:state'
            ? `${payload.from} -> ${payload.to}`
            : [event, payload.source, (payload.error as Error).message],
        ),
    } as unknown as EventBus
    return { log, events }
  }
  /** Runs `outcome` as the provider's answer and logs how the call ended. */
  const run = (
    middleware: ReturnType<typeof circuitBreakerMiddleware>,
    log: unknown[],
    outcome: () => Promise<ModelResponse>,
  ) =>
    middleware(call(), outcome).then(
      () => void log.push('answered'),
      (error: unknown) => void log.push(`failed: ${(error as Error).message}`),
    )

  it('announces what a state that answers later changed before the call that changed it returns', async () => {
    const memory = createMemoryCircuitState()
    const later =
      <A extends unknown[], R>(method: (...args: A) => R) =>
      (...args: A) =>
        new Promise<R>((resolve) => setImmediate(() => resolve(method(...args))))
    const state: CircuitState = {
      admit: later(memory.admit),
      record: later(memory.record),
      release: later(memory.release),
    }
    const clock = { now: 1_000_000 }
    const { log, events } = recorder()
    const middleware = circuitBreakerMiddleware(settings, events, state, () => clock.now)
    await run(middleware, log, () => Promise.reject(outage()))
    clock.now += 500
    await run(middleware, log, async () => answer) // the trial
    expect(log).toEqual([
      'closed -> open',
      'failed: overloaded',
      'open -> half-open',
      'half-open -> closed',
      'answered',
    ])
  })

  it('still answers when the state cannot record the outcome, and reports it', async () => {
    const state: CircuitState = {
      admit: () => ({ ok: true, trial: false, changes: [] }),
      record: () => {
        throw new Error('state unreachable')
      },
      release: () => {},
    }
    const { log, events } = recorder()
    await run(circuitBreakerMiddleware(settings, events, state), log, async () => answer)
    await run(circuitBreakerMiddleware(settings, events, state), log, () => Promise.reject(outage()))
    expect(log).toEqual([
      ['background:error', 'circuit breaker', 'state unreachable'],
      'answered',
      ['background:error', 'circuit breaker', 'state unreachable'],
      'failed: overloaded',
    ])
  })

  it("reports a state that fails to record later, or to free a trial's slot, and the call ends as it would have", async () => {
    const state: CircuitState = {
      admit: () => ({ ok: true, trial: true, changes: [] }),
      record: () => Promise.reject(new Error('record lost')),
      release: () => Promise.reject(new Error('release lost')),
    }
    const { log, events } = recorder()
    const middleware = circuitBreakerMiddleware(settings, events, state)
    await run(middleware, log, async () => answer)
    await run(middleware, log, () => Promise.reject(new AuthenticationError('bad key', { status: 401 })))
    expect(log).toEqual([
      ['background:error', 'circuit breaker', 'record lost'],
      'answered',
      ['background:error', 'circuit breaker', 'release lost'],
      'failed: bad key',
    ])
  })
})
