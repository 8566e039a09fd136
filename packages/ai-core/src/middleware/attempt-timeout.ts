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
 * An attempt that ends inside this middleware follows the call's signal through a listener it
 * removes when it ends, rather than `AbortSignal.any`: the SDK composes the signal it is given
 * once more, and a composite of a composite is Node's slowest abort path. A stream outlives the
 * middleware, so its attempt follows through `AbortSignal.any`, which holds nothing on the call's
 * signal once the stream is gone.
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
    let signal = controller.signal
    if (call.mode === 'stream') signal = AbortSignal.any([call.ctx.signal, controller.signal])
    else if (call.ctx.signal.aborted) follow()
    else call.ctx.signal.addEventListener('abort', follow, { once: true })
    try {
      const response = await next({ ...call, ctx: { ...call.ctx, signal } })
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
      call.ctx.signal.removeEventListener('abort', follow)
    }
  }
}
