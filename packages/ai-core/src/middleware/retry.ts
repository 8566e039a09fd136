import { toAimuxError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import { callInfo } from '../events/events.js'
import { backoffDelay } from '../spec/policy.js'
import type { Middleware } from './middleware.js'
import { sleep } from './sleep.js'

/**
 * Retries a failed attempt when its error is retryable (429, 5xx, 529, connection resets,
 * timeouts; never 400, 401, 403, 404, an exhausted quota or a context-length error). The wait is
 * the provider's Retry-After when it gave one, else exponential backoff with full jitter, capped
 * by maxDelayMs. A Retry-After longer than maxDelayMs is not cut short (asking again early would
 * only be refused again): the error is thrown at once, carrying `retryAfterMs`, and the fallback
 * middleware outside moves to the next model if there is one. A wait that would pass the call's
 * deadline is not taken either. A stream is retried only before its first part: once `next()` has
 * resolved, its parts belong to the caller.
 */
export function retryMiddleware(events: EventBus, random: () => number = Math.random): Middleware {
  return async (call, next) => {
    const policy = call.ctx.policy?.retry
    if (!policy) return next()
    for (let attempt = 1; ; attempt++) {
      try {
        return await next({ ...call, ctx: { ...call.ctx, attempt } })
      } catch (thrown) {
        const error = toAimuxError(thrown, {
          ...call.ctx,
          provider: call.provider.id,
          model: call.request.model,
        })
        if (!error.retryable || attempt >= policy.maxAttempts || call.ctx.signal.aborted) throw error
        if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxDelayMs) throw error
        const delayMs = error.retryAfterMs ?? backoffDelay(policy, attempt, random)
        const deadline = call.ctx.deadline
        if (deadline !== undefined && Date.now() + delayMs >= deadline) throw error
        events.emit('retry', {
          ...callInfo(call.ctx, call.provider.id, call.request.model),
          attempt,
          delayMs,
          error,
        })
        await sleep(delayMs, call.ctx.signal)
      }
    }
  }
}
