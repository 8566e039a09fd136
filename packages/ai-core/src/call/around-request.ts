import type { AimuxError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import type { ChatModelCall, ModelResponse } from '../middleware/middleware.js'
import type { ChatResult, ToolResult } from '../spec/result.js'
import type { ToolCall } from '../spec/tool.js'

/**
 * How a request ended: with its result, or with the error it failed with (an AbortedError when
 * the caller left a stream before it finished).
 */
export type RequestOutcome =
  | { result: ChatResult; error?: undefined }
  | { error: AimuxError; result?: undefined }

/**
 * A plugin's hold on one request, returned by its request hook as `around`: it runs each model
 * call attempt and each tool call of the request, and hears how the request ended. A request's
 * work runs in the async context of whoever pulls its result (a stream's caller), so this is where
 * a plugin puts that work inside a context of its own, such as a tracing span.
 */
export interface AroundRequest {
  /**
   * Runs one attempt of a model call, innermost: after every middleware, so `call` has the final
   * provider, model and credentials. Returns what `send()` returns.
   */
  attempt?(call: ChatModelCall, send: () => Promise<ModelResponse>): Promise<ModelResponse>
  /** Runs one tool call of the tool loop; returns what `run()` returns. */
  tool?(call: ToolCall, run: () => Promise<ToolResult>): Promise<ToolResult>
  /** The request ended; called once, after the last attempt and tool call. */
  end?(outcome: RequestOutcome): void
}

/** Several plugins' holds as one, the first returned outermost; undefined when there is none. */
export function combineAround(held: readonly AroundRequest[]): AroundRequest | undefined {
  if (held.length === 0) return undefined
  if (held.length === 1) return held[0]
  return {
    attempt: (call, send) =>
      held.reduceRight<() => Promise<ModelResponse>>(
        (inner, h) => (h.attempt ? () => h.attempt!(call, inner) : inner),
        send,
      )(),
    tool: (call, run) =>
      held.reduceRight<() => Promise<ToolResult>>(
        (inner, h) => (h.tool ? () => h.tool!(call, inner) : inner),
        run,
      )(),
  }
}

/** Tells each hold how the request ended; one that throws is reported as 'background:error'. */
export function endAround(held: readonly AroundRequest[], outcome: RequestOutcome, events: EventBus): void {
  for (const h of held) {
    try {
      h.end?.(outcome)
    } catch (error) {
      events.emit('background:error', { source: 'request hook end', error })
    }
  }
}
