import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import type { EventBus } from '../events/event-bus.js'
import { callInfo } from '../events/events.js'
import type { ProviderResult, ProviderStreamPart } from '../spec/provider.js'
import { createStreamAssembler } from '../spec/stream-assembler.js'
import type { Middleware, ModelCall } from './middleware.js'

export const responseCacheSchema = z.strictObject({
  /** How long an answer is kept. Default 5 minutes. */
  ttlMs: z.number().int().positive().default(300_000),
  /** How many answers are kept, least recently used dropped first. Default 1000. */
  maxEntries: z.number().int().positive().default(1_000),
})
export type ResponseCacheOptions = z.output<typeof responseCacheSchema>

/**
 * The cache key: the provider and the normalized request (model, messages, tools, settings),
 * and the tenant, so that one tenant is never served another's answer.
 */
function cacheKey(call: ModelCall): string {
  const material = JSON.stringify([call.provider.id, call.ctx.scope.tenantId ?? null, call.request])
  return createHash('sha256').update(material).digest('hex')
}

/** Answers that are worth giving again: complete ones. */
function cacheable(result: ProviderResult): boolean {
  return result.finishReason === 'stop' || result.finishReason === 'tool-calls'
}

/**
 * An opt-in cache of complete answers, in memory (lru-cache, with a TTL and a size bound). A hit
 * is served without calling the provider and costs nothing: its cost says 'cache' and its usage
 * is zero. A request opts out with `cache: false`. Every lookup emits 'cache' with `hit`.
 */
export function responseCacheMiddleware(options: ResponseCacheOptions, events: EventBus): Middleware {
  const cache = new LRUCache<string, ProviderResult>({ max: options.maxEntries, ttl: options.ttlMs })
  return async (call, next) => {
    if (call.ctx.policy?.cache === false) return next()
    const key = cacheKey(call)
    const hit = cache.get(key)
    events.emit('cache', {
      ...callInfo(call.ctx, call.provider.id, call.request.model),
      hit: hit !== undefined,
    })
    if (hit) return { mode: 'generate', result: structuredClone(hit), cached: true }
    const response = await next()
    if (response.mode === 'generate') {
      if (cacheable(response.result)) cache.set(key, structuredClone(response.result))
      return response
    }
    return { mode: 'stream', stream: keepWhenComplete(response.stream, (result) => cache.set(key, result)) }
  }
}

/** Passes a stream through and keeps its assembled answer once it finished complete. */
async function* keepWhenComplete(
  stream: AsyncIterable<ProviderStreamPart>,
  keep: (result: ProviderResult) => void,
): AsyncGenerator<ProviderStreamPart> {
  const assembler = createStreamAssembler()
  for await (const part of stream) {
    assembler.add(part)
    yield part
  }
  const result = assembler.result()
  if (assembler.finishReason && cacheable(result)) keep(result)
}
