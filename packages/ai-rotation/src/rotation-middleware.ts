import {
  type AimuxError,
  AuthenticationError,
  ConfigError,
  type Middleware,
  type ModelCall,
  type ModelResponse,
  type ProviderStreamPart,
  QuotaExceededError,
  RateLimitError,
  type Scope,
  toAimuxError,
} from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type { ConnectionEntry } from './connection-state.js'
import { patchConnection } from './patch-connection.js'
import { pickConnection } from './pick-connection.js'
import type { RotationContext } from './rotation-context.js'
import { scrubSecrets } from './scrub-secrets.js'

/** One connection's turn at a call: what its failure handling needs. */
interface Turn {
  rotation: RotationContext
  call: ModelCall
  entry: ConnectionEntry
  /** Starts a store write the call waits for before it returns. */
  write(label: string, run: () => Promise<unknown>): void
}

/**
 * The credential choice: picks a connection for the call's provider and hands its credentials to
 * the adapter. It runs inside the core's built-in middleware (after fallbacks, retries, the
 * attempt timeout and the circuit breaker), and innermost only while no plugin set up after
 * rotation adds middleware of its own: such middleware would run between it and the adapter. A 429 (or an exhausted quota) cools that
 * connection down and a refused key (401) disables it, and the same call moves on to the next
 * connection at once; so does a 403 (a permission the key lacks, often for one model only),
 * without disabling the key, and when no key is left the caller gets the provider's 403. Other
 * failures are counted and passed on to the retry and fallback middleware. A provider without
 * connections here is called with the adapter's own key.
 *
 * The call waits for its store writes (outcome, cooldown, disable, audit) before it returns, so
 * another instance sees them as soon as it reloads, and `ai.close()` never cuts one off.
 */
export function rotationMiddleware(context: () => RotationContext | undefined): Middleware {
  return async (call, next) => {
    const rotation = context()
    if (!rotation) return next()
    await rotation.state.fresh()
    if (rotation.state.forProvider(call.provider.id).length === 0) return next()

    const { now } = rotation.settings
    const tried = new Set<string>()
    // A key refused without being disabled (a 403, or a 401 for credentials replaced since):
    // the provider's own answer is what the caller gets when no connection is left to try.
    let refused: AimuxError | undefined
    const writes: Promise<void>[] = []
    const write = (label: string, run: () => Promise<unknown>) =>
      void writes.push(rotation.writes.run(label, run))
    try {
      for (;;) {
        const at = now()
        const entries = rotation.state.forProvider(call.provider.id)
        const entry = pickConnection(
          entries.filter(
            (e) =>
              e.credentials && e.status !== 'disabled' && !tried.has(e.id) && freeAt(rotation, e, at) <= at,
          ),
          rotation.settings.random,
        )
        if (!entry) throw refused ?? unavailable(rotation, call, entries, at)
        const credentials = entry.credentials!
        const turn: Turn = { rotation, call, entry, write }
        tried.add(entry.id)
        rotation.limits.count(entry.id, at, 1, 0)
        selected(turn, tried.size > 1)

        const started = performance.now()
        let response: ModelResponse
        try {
          response = await next({
            ...call,
            ctx: { ...call.ctx, credentials: { ...credentials.reveal(), connectionId: entry.id } },
          })
        } catch (thrown) {
          // Scrubbed in place: the provider's answer, kept in the error's cause, may echo the key.
          const error = scrubSecrets(
            toAimuxError(thrown, { ...call.ctx, provider: call.provider.id, model: call.request.model }),
            credentials.secrets(),
          )
          const failedAt = now()
          write('outcome', () =>
            rotation.store.recordOutcome(entry.id, {
              ok: false,
              error: error.message,
              at: new Date(failedAt),
            }),
          )
          if (call.ctx.signal.aborted) throw error
          if (RateLimitError.is(error) || QuotaExceededError.is(error)) {
            coolDown(turn, error, failedAt)
            continue
          }
          if (AuthenticationError.is(error)) {
            // A 403 is a permission the key lacks (often for one model): the key itself works.
            if (error.status === 403 || !disable(turn, error.message)) refused = error
            continue
          }
          throw error
        }

        const latencyMs = performance.now() - started
        const settle: Settle = (tokens, outcome) => {
          const doneAt = now()
          rotation.limits.count(entry.id, doneAt, 0, tokens)
          if (outcome === 'left') return Promise.resolve()
          if (outcome === 'ok') rotation.strikes.delete(entry.id)
          const error = outcome === 'ok' ? undefined : toAimuxError(outcome.failure, {}).message
          return rotation.writes.run('outcome', () =>
            rotation.store.recordOutcome(entry.id, {
              ok: error === undefined,
              at: new Date(doneAt),
              ...(error === undefined ? { latencyMs } : { error }),
            }),
          )
        }
        if (response.mode === 'generate') {
          writes.push(settle(normalizeUsage(response.result.usage).totalTokens, 'ok'))
          return response
        }
        if (response.mode === 'embed') {
          writes.push(settle(response.result.usage?.inputTokens ?? 0, 'ok'))
          return response
        }
        return { mode: 'stream', stream: observe(response.stream, settle, credentials.secrets()) }
      }
    } finally {
      await Promise.all(writes)
    }
  }
}

function selected({ rotation, call, entry, write }: Turn, failover: boolean) {
  rotation.emit('connection:selected', {
    requestId: call.ctx.requestId,
    provider: call.provider.id,
    model: call.request.model,
    connectionId: entry.id,
    name: entry.name,
    attempt: call.ctx.attempt,
    failover,
  })
  if (!rotation.settings.auditCalls) return
  write('audit', () =>
    rotation.audit({
      connectionId: entry.id,
      action: 'use',
      actor: actorOf(call.ctx.scope, rotation.settings.actor),
      requestId: call.ctx.requestId,
      detail: `${call.provider.id}:${call.request.model}`,
    }),
  )
}

/**
 * Until the provider's Retry-After, else for the backoff (doubling per strike) or the quota
 * cooldown; never shorter than a cooldown this instance knows of already. A strike is counted for
 * a 429 without Retry-After only while the connection was not cooling yet, so calls in flight
 * together, refused together, count once.
 */
function coolDown({ rotation, call, entry, write }: Turn, error: AimuxError, at: number) {
  const quota = QuotaExceededError.is(error)
  const known = (rotation.state.get(entry.id) ?? entry).health.cooldownUntil?.getTime() ?? 0
  let cooldownMs = error.retryAfterMs ?? rotation.settings.quotaCooldownMs
  if (!quota && error.retryAfterMs === undefined) {
    let strike = rotation.strikes.get(entry.id) ?? 0
    if (known <= at) rotation.strikes.set(entry.id, ++strike)
    const { baseMs, maxMs } = rotation.settings.cooldown
    cooldownMs = Math.min(maxMs, baseMs * 2 ** Math.max(0, strike - 1))
  }
  const until = new Date(Math.max(known, at + cooldownMs))
  cooldownMs = until.getTime() - at
  rotation.state.change(entry.id, { cooldownUntil: until })
  write('cooldown', () => rotation.store.setCooldown(entry.id, until))
  rotation.emit('connection:cooldown', {
    requestId: call.ctx.requestId,
    provider: call.provider.id,
    connectionId: entry.id,
    name: entry.name,
    until,
    cooldownMs,
    reason: quota ? 'quota' : 'rate-limit',
  })
}

/**
 * Until someone enables it again, for every instance; unless its credentials were replaced since
 * the call took them: here (then false: nothing changes), or by another instance, as the store
 * shows (then only this instance's view changes, until its next reload).
 */
function disable({ rotation, call, entry, write }: Turn, reason: string): boolean {
  if (rotation.state.get(entry.id)?.sealedAs !== entry.sealedAs) return false
  rotation.state.change(entry.id, { status: 'disabled', disabledReason: reason })
  write('disable', async () => {
    const patch = { status: 'disabled', disabledReason: reason } as const
    if (!(await patchConnection(rotation.store, entry.id, patch, entry.sealedAs))) return
    await rotation.audit({
      connectionId: entry.id,
      action: 'disable',
      requestId: call.ctx.requestId,
      detail: reason,
    })
  })
  rotation.emit('connection:disabled', {
    requestId: call.ctx.requestId,
    provider: call.provider.id,
    connectionId: entry.id,
    name: entry.name,
    reason,
  })
  return true
}

/**
 * Records a call's outcome and counts its tokens: 'ok', a failure, or 'left' for a stream the
 * caller stopped reading before its end (its tokens are counted, no outcome is recorded).
 */
type Settle = (tokens: number, outcome: 'ok' | 'left' | { failure: unknown }) => Promise<void>

/** Passes a stream on, then records its outcome and tokens when it ends, breaks or is left. */
async function* observe(
  stream: AsyncIterable<ProviderStreamPart>,
  settle: Settle,
  secrets: readonly string[],
): AsyncGenerator<ProviderStreamPart> {
  let tokens = 0
  let outcome: Parameters<Settle>[1] = 'left'
  try {
    for await (const part of stream) {
      if (part.type === 'usage') tokens = normalizeUsage(part.usage).totalTokens
      yield part
    }
    outcome = 'ok'
  } catch (error) {
    outcome = { failure: scrubSecrets(error, secrets) }
    throw error
  } finally {
    await settle(tokens, outcome)
  }
}

/** When a connection may be used again: after its cooldown and once under its limits. */
function freeAt(rotation: RotationContext, entry: ConnectionEntry, at: number): number {
  return Math.max(
    entry.health.cooldownUntil?.getTime() ?? 0,
    rotation.limits.freeAt(entry.id, entry.limits, at),
  )
}

/**
 * Why no connection can take the call: all cooling down or at their limits (a RateLimitError
 * saying when the first is free), all disabled (an AuthenticationError with their reasons), or
 * none readable here (a ConfigError: their credentials do not decrypt).
 */
function unavailable(
  rotation: RotationContext,
  call: ModelCall,
  entries: ConnectionEntry[],
  at: number,
): AimuxError {
  const provider = call.provider.id
  const options = { provider, model: call.request.model, requestId: call.ctx.requestId }
  const usable = entries.filter((e) => e.credentials)
  if (usable.length === 0) {
    const problems = entries.map((e) => e.problem?.message).join(' ')
    return new ConfigError(`${provider}: no connection can be used. ${problems}`, options)
  }
  const waiting = usable.filter((e) => e.status !== 'disabled')
  if (waiting.length === 0) {
    const reasons = usable.map((e) => `'${e.id}' (${e.disabledReason ?? 'no reason given'})`).join(', ')
    return new AuthenticationError(
      `${provider}: every connection is disabled: ${reasons}. Enable one with ai.connections.enable(id) or add another.`,
      options,
    )
  }
  const [first] = waiting
    .map((entry) => ({ entry, at: freeAt(rotation, entry, at) }))
    .sort((a, b) => a.at - b.at)
  const retryAfterMs = Math.max(0, first!.at - at)
  return new RateLimitError(
    `${provider}: every connection is cooling down or at its limits; the first, '${first!.entry.id}', ` +
      `is free in ${(retryAfterMs / 1000).toFixed(1)} s (at ${new Date(first!.at).toISOString()}).`,
    { ...options, retryAfterMs },
  )
}

/** Who used a connection, from the call's scope ("tenant:acme/user:u1"), else the plugin's actor. */
function actorOf(scope: Scope, fallback: string): string {
  const parts = [
    scope.tenantId === undefined ? undefined : `tenant:${scope.tenantId}`,
    scope.projectId === undefined ? undefined : `project:${scope.projectId}`,
    scope.userId === undefined ? undefined : `user:${scope.userId}`,
  ].filter((part) => part !== undefined)
  return parts.length > 0 ? parts.join('/') : fallback
}
