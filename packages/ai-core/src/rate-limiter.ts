import { z } from 'zod'
import { RateLimitError } from './errors.js'
import type { EventBus } from './event-bus.js'
import type { Middleware, ModelCall } from './middleware.js'
import type { ProviderStreamPart } from './provider.js'
import { sleep } from './sleep.js'

const count = z.number().int().positive().optional()
const limitsSchema = z.strictObject({
  requestsPerMinute: count,
  requestsPerDay: count,
  tokensPerMinute: count,
  tokensPerDay: count,
})
export type Limits = z.output<typeof limitsSchema>

const ruleSchema = limitsSchema.extend({
  /** What the rule counts: each user, each tenant, a provider, or a "provider:model". */
  scope: z.enum(['user', 'tenant', 'provider', 'model']),
  /** Only this one; a rule with an id overrides the rule without one for the same scope. */
  id: z.string().min(1).optional(),
  /** A named tier's limits; limits written in the rule itself win over the tier's. */
  tier: z.string().min(1).optional(),
})

export const rateLimitsSchema = z.strictObject({
  /** Named sets of limits, e.g. `{ free: { requestsPerDay: 10 }, starter: { requestsPerDay: 100 } }`. */
  tiers: z.record(z.string(), limitsSchema).default({}),
  rules: z.array(ruleSchema).default([]),
  /** The tier of a user or tenant, when it comes from your own data; it wins over the rule's tier. */
  tierOf: z
    .custom<(scope: 'user' | 'tenant', id: string) => string | undefined>((v) => typeof v === 'function')
    .optional(),
  /** How long a call may wait for room before it fails; 0 (the default) fails at once. */
  maxWaitMs: z.number().int().min(0).default(0),
})
export type RateLimitsInput = z.input<typeof rateLimitsSchema>
export type RateLimits = z.output<typeof rateLimitsSchema>
type Rule = z.output<typeof ruleSchema>

const MINUTE = 60_000
const DAY = 86_400_000
const windows = [
  { limit: 'requestsPerMinute', span: MINUTE, tokens: false },
  { limit: 'requestsPerDay', span: DAY, tokens: false },
  { limit: 'tokensPerMinute', span: MINUTE, tokens: true },
  { limit: 'tokensPerDay', span: DAY, tokens: true },
] as const

/** What one counter (say, user u1) has used: a log of calls and their tokens over the last day. */
interface Log {
  entries: { at: number; tokens: number }[]
}

/**
 * Rate limits per user, tenant, provider or model: requests and tokens per minute and per day,
 * from named tiers with overrides, counted in memory over sliding windows. A call over a limit
 * waits for room up to `maxWaitMs`, or fails at once with a RateLimitError whose `retryAfterMs`
 * says when to try again. Tokens are counted when a call ends. Emits 'rate-limit' for each wait
 * and each refusal.
 */
export function rateLimitMiddleware(
  options: RateLimits,
  events: EventBus,
  now: () => number = Date.now,
): Middleware {
  const logs = new Map<string, Log>()

  const limitsFor = (scope: Rule['scope'], id: string): Limits | undefined => {
    const rule =
      options.rules.find((r) => r.scope === scope && r.id === id) ??
      options.rules.find((r) => r.scope === scope && r.id === undefined)
    if (!rule) return undefined
    const tierName =
      (scope === 'user' || scope === 'tenant' ? options.tierOf?.(scope, id) : undefined) ?? rule.tier
    const tier = tierName === undefined ? {} : options.tiers[tierName]
    if (!tier) throw new RateLimitError(`Rate limits: unknown tier '${tierName}' for ${scope} '${id}'.`)
    const own = Object.fromEntries(
      Object.entries(rule).filter(([k, v]) => v !== undefined && k in limitsSchema.shape),
    )
    return { ...tier, ...own }
  }

  const countersFor = (call: ModelCall) => {
    const candidates: [Rule['scope'], string | undefined][] = [
      ['user', call.ctx.scope.userId],
      ['tenant', call.ctx.scope.tenantId],
      ['provider', call.provider.id],
      ['model', `${call.provider.id}:${call.request.model}`],
    ]
    return candidates.flatMap(([scope, id]) => {
      const limits = id === undefined ? undefined : limitsFor(scope, id)
      if (!limits || id === undefined) return []
      const key = `${scope}:${id}`
      let log = logs.get(key)
      if (!log) {
        log = { entries: [] }
        logs.set(key, log)
      }
      return [{ scope, id, limits, log }]
    })
  }

  /** How long until every counter has room for one more call; 0 when it has now. */
  const waitFor = (counters: ReturnType<typeof countersFor>, at: number) => {
    let wait = 0
    let blocking: { scope: string; id: string; limit: string; max: number } | undefined
    for (const { scope, id, limits, log } of counters) {
      log.entries = log.entries.filter((e) => e.at > at - DAY)
      for (const { limit, span, tokens } of windows) {
        const max = limits[limit]
        if (max === undefined) continue
        const recent = log.entries.filter((e) => e.at > at - span)
        let used = tokens ? recent.reduce((sum, e) => sum + e.tokens, 0) : recent.length
        if (used < max) continue
        // Room opens when enough of the oldest entries leave the window.
        let until = at
        for (const entry of recent) {
          used -= tokens ? entry.tokens : 1
          until = entry.at + span
          if (used < max) break
        }
        if (until - at > wait) {
          wait = until - at
          blocking = { scope, id, limit, max }
        }
      }
    }
    return { wait, blocking }
  }

  return async (call, next) => {
    const counters = countersFor(call)
    if (counters.length === 0) return next()
    for (;;) {
      const at = now()
      const { wait, blocking } = waitFor(counters, at)
      if (!blocking) break
      const info = { requestId: call.ctx.requestId, ...blocking, retryAfterMs: wait }
      if (wait > options.maxWaitMs) {
        events.emit('rate-limit', { ...info, action: 'reject' })
        throw new RateLimitError(
          `The rate limit of ${blocking.scope} '${blocking.id}' is reached: ${blocking.max} ${describe(blocking.limit)}. ` +
            `Try again in ${wait} ms.`,
          { retryAfterMs: wait, requestId: call.ctx.requestId },
        )
      }
      events.emit('rate-limit', { ...info, action: 'wait' })
      await sleep(wait, call.ctx.signal)
    }
    const entry = { at: now(), tokens: 0 }
    for (const counter of counters) counter.log.entries.push(entry)
    const response = await next()
    if (response.mode === 'generate') {
      entry.tokens = response.result.usage.totalTokens
      return response
    }
    return { mode: 'stream', stream: countTokens(response.stream, (tokens) => (entry.tokens = tokens)) }
  }
}

function describe(limit: string): string {
  return limit.replace(/([A-Z])/g, ' $1').toLowerCase()
}

async function* countTokens(stream: AsyncIterable<ProviderStreamPart>, count: (tokens: number) => void) {
  for await (const part of stream) {
    if (part.type === 'usage') count(part.usage.totalTokens)
    yield part
  }
}
