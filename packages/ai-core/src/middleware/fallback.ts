import { type AimuxError, toAimuxError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { Registry } from '../spec/registry.js'
import { type Middleware, type ModelCall, type ModelResponse, withModel } from './middleware.js'

/** Fallbacks configured on the instance; `createAI()` validates them with the rest of its options. */
export interface FallbackOptions {
  /** Per "provider:model", the models to try in order when it fails. */
  chains: Record<string, string[]>
  /** Per "provider:model", a larger-context model to use when a prompt does not fit. */
  contextLength: Record<string, string>
  /** Per "provider:model", a model to ask again when a reply is stopped by a content filter. */
  contentFilter: Record<string, string>
  /**
   * Checked before each move, and throws to refuse it: a hard budget refuses a model without a
   * price (the budget guard's `admitFallback`). `failure` is the error that made the call move;
   * none when a content filter did.
   */
  admit?: (next: ModelCall, from: ModelCall, failure?: AimuxError) => void
}

/** Errors that another model could answer: not the caller's mistake, not an abort. */
function handsOver(error: AimuxError): boolean {
  return error.retryable || error.code === 'circuit-open' || error.code === 'unknown-model'
}

/**
 * Moves a failed call to the next model: the request's own `fallbacks`, else the chain configured
 * for the model. A context-length error goes to the configured larger-context model; a reply
 * stopped by a content filter can be asked again of a configured model. Each move emits
 * 'provider:switched'; the result and usage record name the model that served. Streams move only
 * before their first part reached the caller. `options.admit` may refuse a move (an unpriced model
 * under a hard budget); its error then ends the call, with the failure that caused the move as cause.
 */
export function fallbackMiddleware(
  options: FallbackOptions,
  registry: Registry,
  events: EventBus,
): Middleware {
  return async (call, next) => {
    const first = `${call.provider.id}:${call.request.model}`
    const chain = [...(call.ctx.policy?.fallbacks ?? options.chains[first] ?? [])]
    const tried = new Set([first])
    let current = call
    for (;;) {
      const ref = `${current.provider.id}:${current.request.model}`
      let response: ModelResponse
      try {
        response = await next(current)
      } catch (thrown) {
        const error = toAimuxError(thrown, {
          ...current.ctx,
          provider: current.provider.id,
          model: current.request.model,
        })
        const target =
          error.code === 'context-length'
            ? options.contextLength[ref]
            : handsOver(error)
              ? chain.shift()
              : undefined
        if (!target || tried.has(target) || current.ctx.signal.aborted) throw error
        current = switchTo(current, target, error.code, error)
        tried.add(target)
        continue
      }
      const filtered = response.mode === 'generate' && response.result.finishReason === 'content-filter'
      const target = filtered ? options.contentFilter[ref] : undefined
      if (!target || tried.has(target)) return response
      current = switchTo(current, target, 'content-filter')
      tried.add(target)
    }
  }

  function switchTo(call: ModelCall, target: string, reason: string, failure?: AimuxError): ModelCall {
    const { provider, model } = registry.resolve(target)
    const next = withModel(call, provider, model)
    options.admit?.(next, call, failure)
    events.emit('provider:switched', {
      requestId: call.ctx.requestId,
      from: `${call.provider.id}:${call.request.model}`,
      to: target,
      reason,
      step: call.ctx.step,
    })
    return next
  }
}
