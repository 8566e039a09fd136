import { z } from 'zod'
import { normalizeUsage } from '../cost/usage.js'
import { ConfigError, RateLimitError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { ProviderStreamPart } from '../spec/provider.js'
import type { RateLimitCheck, RateLimitState } from '../store/shared-state.js'
import { isPromise } from './is-promise.js'
import type { Middleware, ModelCall, ModelResponse } from './middleware.js'
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
     * The most counters (one per user, tenant, provider, model or key seen) kept in memory, when
     * the counters are in memory (no plugin registered shared ones). Past it, the counter used
     * least recently is dropped and starts again from zero. Default 100,000.
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

const windows = [
  { limit: 'requestsPerMinute', window: 'minute', kind: 'requests' },
  { limit: 'requestsPerDay', window: 'day', kind: 'requests' },
  { limit: 'tokensPerMinute', window: 'minute', kind: 'tokens' },
  { limit: 'tokensPerDay', window: 'day', kind: 'tokens' },
] as const

/** Who and which limit a check stands for, to name in events and errors. */
interface Subject {
  scope: string
  id: string
  limit: string
}

/** A call's checks, and beside each (same index) what it stands for. */
interface Checks {
  checks: RateLimitCheck[]
  subjects: Subject[]
}

/** Adds a check per limit set for the counter `scope:id`. */
function addChecks(into: Checks, scope: string, id: string, limits: Limits): void {
  for (const { limit, window, kind } of windows) {
    const max = limits[limit]
    if (max === undefined) continue
    into.checks.push({ key: `${scope}:${id}`, window, kind, max })
    into.subjects.push({ scope, id, limit })
  }
}

/**
 * Rate limits per user, tenant, provider or model, and per key for a request that brings its own
 * `limits`: requests and tokens per minute and per day, from named tiers with overrides, counted
 * over sliding windows (in buckets of a second for a minute and of a minute for a day) in a
 * RateLimitState (in memory, or shared by a plugin across processes). A call over a limit waits
 * for room up to `maxWaitMs`, or fails at once with a RateLimitError whose `retryAfterMs` says
 * when to try again. Tokens are counted when a call ends. Emits 'rate-limit' for each wait and
 * each refusal. This middleware keeps the policy (which limits apply to a call); the state keeps
 * the numbers. Without options it counts only requests' own limits, and a call without any passes
 * straight through.
 */
export function rateLimitMiddleware(
  options: RateLimits | undefined,
  events: EventBus,
  state: RateLimitState,
  now: () => number = Date.now,
): Middleware {
  const hasRules = options !== undefined && options.rules.length > 0
  // Each rule's own limits, read out of it once: the options do not change after createAI.
  const ownLimits = new Map<Rule, Partial<Limits>>()
  const limitsFor = (scope: Rule['scope'], id: string): Limits | undefined => {
    if (!options) return undefined
    const rule =
      options.rules.find((r) => r.scope === scope && r.id === id) ??
      options.rules.find((r) => r.scope === scope && r.id === undefined)
    if (!rule) return undefined
    const tierName =
      (scope === 'user' || scope === 'tenant' ? options.tierOf?.(scope, id) : undefined) ?? rule.tier
    const tier = tierName === undefined ? {} : options.tiers[tierName]
    // createAI checks the rules' tiers; one that tierOf returns can only be checked here.
    if (!tier) throw new ConfigError(`Rate limits: unknown tier '${tierName}' for ${scope} '${id}'.`)
    let own = ownLimits.get(rule)
    if (!own) {
      own = Object.fromEntries(
        Object.entries(rule).filter(([k, v]) => v !== undefined && k in limitsSchema.shape),
      )
      ownLimits.set(rule, own)
    }
    return { ...tier, ...own }
  }

  const checksFor = (call: ModelCall): Checks => {
    const into: Checks = { checks: [], subjects: [] }
    if (options && hasRules) {
      const candidates: [Rule['scope'], string | undefined][] = [
        ['user', call.ctx.scope.userId],
        ['tenant', call.ctx.scope.tenantId],
        ['provider', call.provider.id],
        ['model', `${call.provider.id}:${call.request.model}`],
      ]
      for (const [scope, id] of candidates) {
        const limits = id === undefined ? undefined : limitsFor(scope, id)
        if (limits && id !== undefined) addChecks(into, scope, id, limits)
      }
    }
    if (call.limits) addChecks(into, 'key', call.limits.key, call.limits)
    return into
  }

  const maxWaitMs = options?.maxWaitMs ?? 0
  const report = (error: unknown) => events.emit('background:error', { source: 'rate limits', error })
  /** Counts a call's tokens; a shared state's failure is reported, never the call's. */
  const addTokens = (checks: RateLimitCheck[], tokens: number): void | Promise<void> => {
    if (tokens <= 0) return
    try {
      const done = state.addTokens(checks, tokens, now())
      if (isPromise(done)) return Promise.resolve(done).catch(report)
    } catch (error) {
      report(error)
    }
  }

  const limited = async (
    call: ModelCall,
    next: () => Promise<ModelResponse>,
    { checks, subjects }: Checks,
  ): Promise<ModelResponse> => {
    for (;;) {
      let decision = state.acquire(checks, now())
      if (isPromise(decision)) decision = await decision
      if (decision.ok) break
      const wait = decision.waitMs
      const blocking = { ...subjects[decision.check]!, max: checks[decision.check]!.max }
      const info = { requestId: call.ctx.requestId, ...blocking, retryAfterMs: wait }
      if (wait > maxWaitMs) {
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
    const response = await next()
    if (response.mode === 'embed') {
      const counted = addTokens(checks, response.result.usage?.inputTokens ?? 0)
      if (counted) await counted
      return response
    }
    if (response.mode === 'generate') {
      const counted = addTokens(checks, normalizeUsage(response.result.usage).totalTokens)
      if (counted) await counted
      return response
    }
    return { mode: 'stream', stream: countTokens(response.stream, (tokens) => addTokens(checks, tokens)) }
  }

  return (call, next) => {
    // Not async: a call no limit applies to goes straight on, without a promise of its own.
    if (!hasRules && !call.limits) return next()
    const counted = checksFor(call)
    if (counted.checks.length === 0) return next()
    return limited(call, next, counted)
  }
}

function describe(limit: string): string {
  return limit.replace(/([A-Z])/g, ' $1').toLowerCase()
}

async function* countTokens(
  stream: AsyncIterable<ProviderStreamPart>,
  count: (tokens: number) => void | Promise<void>,
) {
  for await (const part of stream) {
    if (part.type === 'usage') {
      const counted = count(normalizeUsage(part.usage).totalTokens)
      if (counted) await counted
    }
    yield part
  }
}
