import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { EventBus } from '../events/event-bus.js'
import { callInfo } from '../events/events.js'
import type { ProviderResult, ProviderStreamPart } from '../spec/provider.js'
import { createStreamAssembler } from '../spec/stream-assembler.js'
import type { ResponseCacheState } from '../store/shared-state.js'
import { isPromise } from './is-promise.js'
import type { Middleware, ModelCall } from './middleware.js'

export const responseCacheSchema = z.strictObject({
  /** How long an answer is kept. Default 5 minutes. */
  ttlMs: z.number().int().positive().default(300_000),
  /**
   * How many answers are kept in memory, least recently used dropped first, when the cache is in
   * memory (no plugin registered a shared one). Default 1000.
   */
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
 * An opt-in cache of complete answers, kept in a ResponseCacheState (in memory, with a TTL and a
 * size bound, or shared by a plugin across processes). A hit is served without calling the
 * provider and costs nothing: its cost says 'cache' and its usage is zero. A request opts out
 * with `cache: false`. Every lookup emits 'cache' with `hit`. The cache never fails a call: a
 * shared state that cannot be read counts as a miss, one that cannot be written keeps nothing,
 * and either is reported as 'background:error'.
 */
export function responseCacheMiddleware(
  options: ResponseCacheOptions,
  events: EventBus,
  state: ResponseCacheState,
): Middleware {
  const report = (error: unknown) => events.emit('background:error', { source: 'response cache', error })
  const missed = (error: unknown): undefined => {
    report(error)
    return undefined
  }
  const lookup = (key: string) => {
    try {
      const hit = state.get(key)
      return isPromise(hit) ? Promise.resolve(hit).catch(missed) : hit
    } catch (error) {
      return missed(error)
    }
  }
  const keep = (key: string, result: ProviderResult): void | Promise<void> => {
    try {
      const kept = state.set(key, result, options.ttlMs)
      if (isPromise(kept)) return Promise.resolve(kept).catch(report)
    } catch (error) {
      report(error)
    }
  }
  return async (call, next) => {
    // Embeddings are not cached: only chat answers are.
    if (call.mode === 'embed' || call.ctx.policy?.cache === false) return next()
    const key = cacheKey(call)
    let hit = lookup(key)
    if (isPromise(hit)) hit = await hit
    events.emit('cache', {
      ...callInfo(call.ctx, call.provider.id, call.request.model),
      hit: hit !== undefined,
    })
    if (hit) return { mode: 'generate', result: hit, cached: true }
    const response = await next()
    if (response.mode === 'embed') return response
    if (response.mode === 'generate') {
      if (cacheable(response.result)) {
        // Stored before the call returns, so that the next identical call finds it.
        const kept = keep(key, response.result)
        if (kept) await kept
      }
      return response
    }
    return { mode: 'stream', stream: keepWhenComplete(response.stream, (result) => keep(key, result)) }
  }
}

/** Passes a stream through and keeps its assembled answer once it finished complete. */
async function* keepWhenComplete(
  stream: AsyncIterable<ProviderStreamPart>,
  keep: (result: ProviderResult) => void | Promise<void>,
): AsyncGenerator<ProviderStreamPart> {
  const assembler = createStreamAssembler()
  for await (const part of stream) {
    assembler.add(part)
    yield part
  }
  const result = assembler.result()
  if (assembler.finishReason && cacheable(result)) {
    const kept = keep(result)
    if (kept) await kept
  }
}
