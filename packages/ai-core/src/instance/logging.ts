import type { EventBus } from '../events/event-bus.js'
import { type AimuxLogger, debugFromEnv, type LogLevel, safeLogger, stderrLogger } from './logger.js'

/** The instance's logger, each line masked; a broken logger never throws. */
export type Log = Record<LogLevel, (obj: object, msg: string) => void>

/**
 * The instance's log, or undefined when there is none to write (no `logger` option and no
 * `AIMUX_DEBUG`): then nothing is subscribed and calls do no logging work at all. `debug` is on
 * with `AIMUX_DEBUG=1`, or when the logger says its debug level is enabled (pino's
 * `isLevelEnabled`); without a logger, `AIMUX_DEBUG=1` writes lines to stderr.
 */
export function openLog(
  logger: AimuxLogger | undefined,
  envDebug: boolean = debugFromEnv(),
): { log: Log; debug: boolean } | undefined {
  if (!logger && !envDebug) return undefined
  let debug = envDebug
  if (!debug && logger?.isLevelEnabled) {
    try {
      debug = logger.isLevelEnabled('debug') === true
    } catch {
      debug = false
    }
  }
  return { log: safeLogger(logger ?? stderrLogger()), debug }
}

/**
 * Reports a failed background task (a usage record write, a budget settlement, a listener): to
 * the log when there is one, and as 'background:error' when something listens for it (never to
 * a 'background:error' listener that itself failed); with neither, to the console.
 */
export function backgroundReporter(log: Log | undefined, bus: () => EventBus) {
  return (source: string, error: unknown): void => {
    log?.error({ source, err: error }, 'aimux background work failed')
    const events = bus()
    if (
      events.listenerCount('background:error') > 0 &&
      !source.startsWith("listener for 'background:error'")
    ) {
      events.emit('background:error', { source, error })
    } else if (!log) console.error(`aimux: ${source} failed:`, error)
  }
}

const callFields = (e: { requestId: string; provider: string; model: string; step: number }) => ({
  requestId: e.requestId,
  provider: e.provider,
  model: e.model,
  step: e.step,
})

/**
 * Writes the core's events to the log, by level:
 * - error: a call that failed after its retries and fallbacks ('aimux call failed'); background
 *   work that failed (written by the instance's reporter, 'aimux background work failed');
 * - warn: a retry, a fallback, a circuit opening, a model without a price, a stream that never
 *   said what it used, a model sync where a provider failed;
 * - info: a circuit half-opening or closing, a budget threshold passed, a model sync;
 * - debug (only when debug is on): each model call's route, attempt, answer with its timing and
 *   tokens, and cost; cache lookups, rate-limit waits and tool runs.
 */
export function subscribeLogging(events: EventBus, log: Log, debug: boolean): void {
  events.on('error', (e) => {
    const { requestId, provider, model, scope, error } = e
    log.error({ requestId, provider, model, scope, err: error }, 'aimux call failed')
  })
  events.on('retry', (e) =>
    log.warn({ ...callFields(e), attempt: e.attempt, delayMs: e.delayMs, err: e.error }, 'aimux retry'),
  )
  events.on('provider:switched', (e) => log.warn({ ...e }, 'aimux fallback'))
  events.on('circuit:state', (e) => (e.to === 'open' ? log.warn : log.info)({ ...e }, 'aimux circuit'))
  events.on('cost:unpriced', (e) =>
    log.warn(
      {
        ...callFields(e),
        hint: 'this model has no price: it counts as cost 0; add one with createAI({ prices })',
      },
      'aimux unpriced model',
    ),
  )
  events.on('cost:unknown', (e) =>
    log.warn(
      { ...callFields(e), estimatedUsd: e.cost.usd, estimatedNanoUsd: e.cost.nanoUsd },
      'aimux usage unknown',
    ),
  )
  events.on('budget:threshold', (e) => log.info({ ...e }, 'aimux budget threshold'))
  events.on('models:synced', (e) => {
    const failed = e.failed.map((f) => ({ provider: f.provider, err: f.error }))
    const fields = { models: e.models, providers: e.providers, failed }
    ;(failed.length > 0 ? log.warn : log.info)(fields, 'aimux models synced')
  })
  if (!debug) return
  events.on('route', (e) => log.debug({ ...e }, 'aimux route'))
  events.on('request', (e) =>
    log.debug({ ...callFields(e), attempt: e.attempt, stream: e.stream }, 'aimux request'),
  )
  events.on('response', (e) =>
    log.debug(
      {
        ...callFields(e),
        finishReason: e.finishReason,
        latencyMs: Math.round(e.latencyMs),
        inputTokens: e.usage.inputTokens,
        outputTokens: e.usage.outputTokens,
        stream: e.stream,
      },
      'aimux response',
    ),
  )
  events.on('cost', (e) =>
    log.debug(
      {
        ...callFields(e),
        usd: e.cost.usd,
        nanoUsd: e.cost.nanoUsd,
        source: e.cost.source,
        estimated: e.cost.estimated,
      },
      'aimux cost',
    ),
  )
  events.on('cache', (e) => log.debug({ ...callFields(e), hit: e.hit }, 'aimux cache'))
  events.on('rate-limit', (e) => log.debug({ ...e }, 'aimux rate limit'))
  events.on('tool:call', (e) => log.debug({ ...e }, 'aimux tool'))
}
