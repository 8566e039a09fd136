import { TimeoutError } from '../errors/errors.js'
import type { Middleware } from './middleware.js'

/**
 * Gives each attempt `policy.attemptTimeoutMs` to answer (a stream: to deliver its first part).
 * When it passes, the attempt's HTTP request is aborted and a retryable TimeoutError is thrown,
 * so the retry and fallback middleware outside can act on it.
 */
export function attemptTimeoutMiddleware(): Middleware {
  return async (call, next) => {
    const ms = call.ctx.policy?.attemptTimeoutMs
    if (ms === undefined) return next()
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), ms)
    const signal = AbortSignal.any([call.ctx.signal, controller.signal])
    try {
      return await next({ ...call, ctx: { ...call.ctx, signal } })
    } catch (error) {
      if (controller.signal.aborted && !call.ctx.signal.aborted) {
        throw new TimeoutError(`${call.provider.id}:${call.request.model} did not answer within ${ms} ms`, {
          provider: call.provider.id,
          model: call.request.model,
          cause: error,
        })
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }
}
