import { TimeoutError } from '../errors/errors.js'
import type { Middleware } from './middleware.js'
import { watchIdle } from './stream-idle-timeout.js'

/**
 * Gives each attempt `policy.attemptTimeoutMs` to answer (a stream: to deliver its first part),
 * and a stream `policy.idleTimeoutMs` for each part after that. When one passes, the attempt's
 * HTTP request is aborted and a retryable TimeoutError is thrown: before the first part, inside
 * the chain, where the retry and fallback middleware outside can act on it; after it, from the
 * stream, which the core's relay turns into a StreamInterruptedError once a part reached the caller.
 *
 * The attempt's signal follows the call's through a listener rather than `AbortSignal.any`, whose
 * composite signals cost a call about 10-20 us more (the SDK composes the signal it is given once
 * more). A stream keeps the listener for its lifetime (the call's signal is the call's own and
 * goes with it); any other attempt removes it when it ends.
 */
export function attemptTimeoutMiddleware(): Middleware {
  return async (call, next) => {
    const ms = call.ctx.policy?.attemptTimeoutMs || undefined
    const idleMs = call.mode === 'stream' ? call.ctx.policy?.idleTimeoutMs || undefined : undefined
    if (ms === undefined && idleMs === undefined) return next()
    const source = { provider: call.provider.id, model: call.request.model }
    const controller = new AbortController()
    const timer = ms === undefined ? undefined : setTimeout(() => controller.abort(), ms)
    const follow = () => controller.abort(call.ctx.signal.reason)
    if (call.ctx.signal.aborted) follow()
    else call.ctx.signal.addEventListener('abort', follow, { once: true })
    let streaming = false
    try {
      const response = await next({ ...call, ctx: { ...call.ctx, signal: controller.signal } })
      streaming = response.mode === 'stream'
      if (idleMs === undefined || response.mode !== 'stream') return response
      return { ...response, stream: watchIdle(response.stream, idleMs, controller, source) }
    } catch (error) {
      if (controller.signal.aborted && !call.ctx.signal.aborted) {
        throw new TimeoutError(`${source.provider}:${source.model} did not answer within ${ms} ms`, {
          ...source,
          cause: error,
        })
      }
      throw error
    } finally {
      clearTimeout(timer)
      if (!streaming) call.ctx.signal.removeEventListener('abort', follow)
    }
  }
}
