import type { EventBus } from '../events/event-bus.js'
import type { Registry } from '../spec/registry.js'
import { createMemoryCircuitState } from '../store/memory/memory-circuit-state.js'
import { createMemoryRateLimitState } from '../store/memory/memory-rate-limit-state.js'
import { createMemoryResponseCacheState } from '../store/memory/memory-response-cache-state.js'
import type { SharedState } from '../store/shared-state.js'
import { attemptTimeoutMiddleware } from './attempt-timeout.js'
import { type CircuitBreakerOptions, circuitBreakerMiddleware } from './circuit-breaker.js'
import { type FallbackOptions, fallbackMiddleware } from './fallback.js'
import type { Middleware } from './middleware.js'
import { type RateLimits, rateLimitMiddleware } from './rate-limiter.js'
import { type ResponseCacheOptions, responseCacheMiddleware } from './response-cache.js'
import { retryMiddleware } from './retry.js'

/** What the built-in middleware is configured with: the instance's validated options. */
export interface BuiltInMiddlewareOptions {
  rateLimits?: RateLimits | undefined
  cache?: ResponseCacheOptions | undefined
  fallbacks: FallbackOptions
  circuitBreaker?: CircuitBreakerOptions | undefined
  /** The state ports a plugin registered (`host.registerSharedState`); those left out are in memory. */
  state?: Omit<SharedState, 'name' | 'close'> | undefined
}

/**
 * The core's own middleware, outermost first. Budgets are not in the chain: the budget guard
 * reserves once per request, in `runChat` (call/accounting.ts), before the first model call.
 * Why this order:
 * - Rate limits outermost: each model call counts once, under the provider and model asked for,
 *   however many retries or fallbacks it takes; a cached answer counts too (one request, and the
 *   tokens its stored usage reports); a call over a limit is refused before anything else runs.
 *   The rate limiter is always there, for requests that bring their own `limits`; a call with no
 *   limit passes straight through it.
 * - The response cache before fallbacks: a hit is served without any provider, so no fallback,
 *   retry, timeout or breaker has anything to do; and the key is the model the caller asked for.
 * - Fallbacks outside retries: each model of the chain gets its own retries, and the chain moves
 *   on only once a model's retries are spent.
 * - Retries outside the attempt timeout: each attempt gets its own timeout, and one that times
 *   out is retried like any other transient failure.
 * - The circuit breaker innermost of the built-ins: it counts each attempt's outcome, and an open
 *   circuit fails an attempt fast, which the fallbacks then hand to the next model.
 * Plugins' middleware runs inside all of these (the rotation plugin's credential choice), so it
 * sees each attempt with its final provider and model.
 */
export function builtInMiddleware(
  options: BuiltInMiddlewareOptions,
  registry: Registry,
  events: EventBus,
): Middleware[] {
  const { state = {}, rateLimits, cache, circuitBreaker } = options
  const rateState =
    state.rateLimits ?? createMemoryRateLimitState(rateLimits ? { maxCounters: rateLimits.maxCounters } : {})
  const chain: Middleware[] = [rateLimitMiddleware(rateLimits, events, rateState)]
  if (cache) {
    const cacheState = state.responseCache ?? createMemoryResponseCacheState({ maxEntries: cache.maxEntries })
    chain.push(responseCacheMiddleware(cache, events, cacheState))
  }
  chain.push(
    fallbackMiddleware(options.fallbacks, registry, events),
    retryMiddleware(events),
    attemptTimeoutMiddleware(),
  )
  if (circuitBreaker) {
    const circuitState = state.circuits ?? createMemoryCircuitState()
    chain.push(circuitBreakerMiddleware(circuitBreaker, events, circuitState))
  }
  return chain
}
