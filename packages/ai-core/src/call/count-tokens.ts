import { toAimuxError } from '../errors/errors.js'
import { newContext } from '../spec/call-context.js'
import { heuristicEstimator, tokenEstimatorFor } from '../spec/context-window.js'
import type { ProviderRequest, TokenCount } from '../spec/provider.js'
import type { ChatRequest } from '../spec/request.js'
import { createCallAbort } from './call-abort.js'
import { type PreparedCall, prepareCall } from './prepare-call.js'
import type { Runtime } from './runtime.js'

/** What `ai.countTokens()` answers: the prompt's input tokens, how they were counted, and for which model. */
export interface TokenCountResult extends TokenCount {
  provider: string
  /** The provider's own model id, as the request resolved it (alias and group included). */
  model: string
}

/**
 * Counts a chat request's input tokens as its model's provider counts them, without sending it:
 * the adapter's `countTokens` (a counting endpoint, or the model's tokenizer run locally); else
 * the adapter's local tokenizer (`exact: false`, as the framing around the messages is not
 * known); else about four characters a token (`source: 'estimate'`, `exact: false`).
 *
 * The request is validated and resolved as `ai.chat()` would take it (aliases, a group's first
 * model, `system`, tools by name), so a mistake is the same error; an unknown provider is an
 * UnknownProviderError, a model its provider does not know an UnknownModelError (from the
 * provider's answer). No middleware runs (budgets, rate limits, retries, credential rotation: the
 * adapter's own key counts), nor the plugins' request hooks: tools or context they would add are
 * not counted. The caller's `signal` and the request's total timeout stop a counting call;
 * `ai.close()` waits for it.
 */
export async function countTokens(rt: Runtime, input: ChatRequest): Promise<TokenCountResult> {
  const p = prepareCall(rt, input)
  const served = { provider: p.provider.id, model: p.model }
  const request: ProviderRequest = { ...p.base, messages: p.messages }
  if (p.provider.countTokens) {
    const counted = await countWithAdapter(rt, p, request)
    if (counted) return { ...counted, ...served }
  }
  const estimator = tokenEstimatorFor(p.provider, p.model)
  return {
    inputTokens: estimator.prompt(request.messages, request.tools),
    exact: false,
    source: estimator === heuristicEstimator ? 'estimate' : 'tokenizer',
    ...served,
  }
}

async function countWithAdapter(
  rt: Runtime,
  p: PreparedCall,
  request: ProviderRequest,
): Promise<TokenCount | undefined> {
  const leave = rt.inFlight.enter()
  const call = createCallAbort({
    requestId: p.requestId,
    mode: 'generate',
    signal: p.signal,
    totalTimeoutMs: p.totalTimeoutMs,
  })
  const release = rt.inFlight.hold(call)
  const ctx = { ...newContext(p.requestId, call.signal), scope: p.scope, metadata: p.metadata }
  if (call.deadline !== undefined) ctx.deadline = call.deadline
  try {
    const counted = await p.provider.countTokens!(request, ctx)
    if (!counted) return undefined
    return { inputTokens: counted.inputTokens, exact: counted.exact, source: counted.source }
  } catch (thrown) {
    // A total timeout wins over whatever the abort it caused looked like further in.
    const reason = call.timedOut() ? call.signal.reason : thrown
    throw toAimuxError(reason, {
      signal: call.signal,
      requestId: p.requestId,
      provider: p.provider.id,
      model: p.model,
    })
  } finally {
    release()
    call.release()
    leave()
  }
}
