import type { EventBus } from '../events/event-bus.js'
import { attemptTimeoutMiddleware } from '../middleware/attempt-timeout.js'
import { circuitBreakerMiddleware } from '../middleware/circuit-breaker.js'
import { fallbackMiddleware } from '../middleware/fallback.js'
import type { Middleware } from '../middleware/middleware.js'
import { rateLimitMiddleware } from '../middleware/rate-limiter.js'
import { responseCacheMiddleware } from '../middleware/response-cache.js'
import { retryMiddleware } from '../middleware/retry.js'
import type { Registry } from '../spec/registry.js'
import type { CreateAIConfig } from './create-ai-options.js'

/**
 * The core's own middleware, outermost first: rate limits, response cache, fallbacks, retries,
 * the attempt timeout, the circuit breaker. Plugins' middleware runs inside them.
 */
export function builtInMiddleware(
  config: CreateAIConfig,
  registry: Registry,
  events: EventBus,
): Middleware[] {
  const chain: Middleware[] = []
  if (config.rateLimits) chain.push(rateLimitMiddleware(config.rateLimits, events))
  if (config.cache) chain.push(responseCacheMiddleware(config.cache, events))
  chain.push(
    fallbackMiddleware(
      {
        chains: config.fallbacks,
        contextLength: config.contextFallbacks,
        contentFilter: config.contentFilterFallbacks,
      },
      registry,
      events,
    ),
    retryMiddleware(events),
    attemptTimeoutMiddleware(),
  )
  if (config.circuitBreaker) chain.push(circuitBreakerMiddleware(config.circuitBreaker, events))
  return chain
}
