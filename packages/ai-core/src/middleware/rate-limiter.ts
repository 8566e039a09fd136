import { z } from 'zod'
import { normalizeUsage } from '../cost/usage.js'
import { ConfigError, RateLimitError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { ProviderStreamPart } from '../spec/provider.js'
import { createIdleMap } from './idle-map.js'
import type { Middleware, ModelCall } from './middleware.js'
import { createRateWindow, type RateWindow } from './rate-window.js'
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

export const rateLimitsSchema = z
  .strictObject({
    /** Named sets of limits, e.g. `{ free: { requestsPerDay: 10 }, starter: { requestsPerDay: 100 } }`. */
    tiers: z.record(z.string(), limitsSchema).default({}),
    rules: z.array(ruleSchema).default([]),
    /** The tier of a user or tenant, when it comes from your own data; it wins over the rule's tier. */
    tierOf: z
      .custom<(scope: 'user' | 'tenant', id: string) => string | undefined>((v) => typeof v === 'function')
      .optional(),
    /** How long a call may wait for room before it fails; 0 (the default) fails at once. */
    maxWaitMs: z.number().int().min(0).default(0),
    /**
     * The most counters (one per user, tenant, provider or model seen) kept in memory. Past it,
     * the counter used least recently is dropped and starts again from zero. Default 100,000.
     */
    maxCounters: z.number().int().positive().default(100_000),
  })
  .superRefine((limits, ctx) => {
    limits.rules.forEach((rule, index) => {
      if (rule.tier === undefined || Object.hasOwn(limits.tiers, rule.tier)) return
      const known = Object.keys(limits.tiers)
      ctx.addIssue({
        code: 'custom',
        path: ['rules', index, 'tier'],
        message: `names the tier '${rule.tier}', which 'tiers' does not define (${known.length > 0 ? `defined: ${known.join(', ')}` : 'no tier is defined'})`,
      })
    })
  })
export type RateLimitsInput = z.input<typeof rateLimitsSchema>
export type RateLimits = z.output<typeof rateLimitsSchema>
type Rule = z.output<typeof ruleSchema>

const MINUTE = 60_000
const DAY = 86_400_000
const windows = [
  { limit: 'requestsPerMinute', window: 'minute', kind: 'requests' },
  { limit: 'requestsPerDay', window: 'day', kind: 'requests' },
  { limit: 'tokensPerMinute', window: 'minute', kind: 'tokens' },
  { limit: 'tokensPerDay', window: 'day', kind: 'tokens' },
] as const

/**
 * What one counter (say, user u1) has used over the last minute and the last day; a window is
 * made only once a limit needs it.
 */
interface Usage {
  minute?: RateWindow
  day?: RateWindow
}

const newWindow = (window: 'minute' | 'day') =>
  window === 'minute' ? createRateWindow(MINUTE, 1_000) : createRateWindow(DAY, MINUTE)

/** Whether any limit the options can give counts over a day. */
function countsDays(options: RateLimits): boolean {
  const sets: Limits[] = [...options.rules, ...Object.values(options.tiers)]
  return sets.some((l) => l.requestsPerDay !== undefined || l.tokensPerDay !== undefined)
}

/**
 * Rate limits per user, tenant, provider or model: requests and tokens per minute and per day,
 * from named tiers with overrides, counted in memory over sliding windows (in buckets of a second
 * for a minute and of a minute for a day). A call over a limit
 * waits for room up to `maxWaitMs`, or fails at once with a RateLimitError whose `retryAfterMs`
 * says when to try again. Tokens are counted when a call ends. Emits 'rate-limit' for each wait
 * and each refusal. Counters live in memory, dropped once idle (every bucket of their windows has
 * expired) and, past `maxCounters`, least recently used first, so that many distinct users
 * cannot grow the heap without bound.
 */
export function rateLimitMiddleware(
  options: RateLimits,
  events: EventBus,
  now: () => number = Date.now,
): Middleware {
  // A counter is idle once its longest window has emptied: a day and a bucket after its last call.
  const usage = createIdleMap<string, Usage>({
    idleMs: countsDays(options) ? DAY + MINUTE : MINUTE + 1_000,
    max: options.maxCounters,
    now,
  })

  const limitsFor = (scope: Rule['scope'], id: string): Limits | undefined => {
    const rule =
      options.rules.find((r) => r.scope === scope && r.id === id) ??
      options.rules.find((r) => r.scope === scope && r.id === undefined)
    if (!rule) return undefined
    const tierName =
      (scope === 'user' || scope === 'tenant' ? options.tierOf?.(scope, id) : undefined) ?? rule.tier
    const tier = tierName === undefined ? {} : options.tiers[tierName]
    // createAI checks the rules' tiers; one that tierOf returns can only be checked here.
    if (!tier) throw new ConfigError(`Rate limits: unknown tier '${tierName}' for ${scope} '${id}'.`)
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
      return [{ scope, id, key, limits, used: usage.touch(key, () => ({})) }]
    })
  }

  /** How long until every counter has room for one more call; 0 when it has now. */
  const waitFor = (counters: ReturnType<typeof countersFor>, at: number) => {
    let wait = 0
    let blocking: { scope: string; id: string; limit: string; max: number } | undefined
    for (const { scope, id, limits, used } of counters) {
      for (const { limit, window, kind } of windows) {
        const max = limits[limit]
        if (max === undefined) continue
        used[window] ??= newWindow(window)
        const until = used[window].waitUntilBelow(at, kind, max)
        if (until > wait) {
          wait = until
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
    const count = (requests: number, tokens: number) => {
      const at = now()
      for (const { key, used } of counters) {
        // The same counter, unless it went idle during a long call: then it starts again.
        const current = usage.touch(key, () => used)
        current.minute?.add(at, requests, tokens)
        current.day?.add(at, requests, tokens)
      }
    }
    count(1, 0)
    const response = await next()
    if (response.mode === 'generate') {
      count(0, normalizeUsage(response.result.usage).totalTokens)
      return response
    }
    return { mode: 'stream', stream: countTokens(response.stream, (tokens) => count(0, tokens)) }
  }
}

function describe(limit: string): string {
  return limit.replace(/([A-Z])/g, ' $1').toLowerCase()
}

async function* countTokens(stream: AsyncIterable<ProviderStreamPart>, count: (tokens: number) => void) {
  for await (const part of stream) {
    if (part.type === 'usage') count(normalizeUsage(part.usage).totalTokens)
    yield part
  }
}
