import type { CallContext } from '@aimux/ai-core'

let contexts = 0

/**
 * A CallContext for calling an adapter directly in a test: first attempt, first step, empty
 * scope, a signal that never aborts and a unique requestId, with `overrides` on top.
 *
 * @example await adapter.generate(request, testContext({ signal: AbortSignal.abort() }))
 */
export function testContext(overrides: Partial<CallContext> = {}): CallContext {
  contexts += 1
  return {
    requestId: `test-request-${contexts}`,
    scope: {},
    signal: new AbortController().signal,
    attempt: 1,
    step: 1,
    metadata: {},
    ...overrides,
  }
}
