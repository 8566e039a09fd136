import { AbortedError, InvalidResponseError } from '../errors/errors.js'
import { callInfo } from '../events/events.js'
import { type ChatModelCall, compose } from '../middleware/middleware.js'
import type { CallContext } from '../spec/call-context.js'
import type { Message } from '../spec/message.js'
import type { StepResult, StreamPart } from '../spec/result.js'
import type { Accounting } from './accounting.js'
import type { AroundRequest } from './around-request.js'
import type { CallAbort } from './call-abort.js'
import { callAdapter } from './call-adapter.js'
import type { PreparedCall } from './prepare-call.js'
import { relayStream, replayResult } from './relay-parts.js'
import type { Route } from './route-call.js'
import type { Runtime } from './runtime.js'
import { stepResult } from './step-result.js'

/** Where one model call of a request stands: which step, on which route, with which messages. */
export interface StepInput {
  step: number
  mode: 'generate' | 'stream'
  route: Route
  messages: readonly Message[]
  call: CallAbort
  conversationId: string | undefined
  /** The plugins' hold on the request, which runs each attempt. */
  around?: AroundRequest | undefined
}

/**
 * One model call of a request: through the middleware chain to the adapter ('request' is emitted
 * for each attempt that reaches it), relayed to a stream's caller as it arrives (a cached answer
 * is replayed as parts), then costed and announced ('response', 'cost').
 */
export async function* runStep(
  rt: Runtime,
  p: PreparedCall,
  input: StepInput,
  account: Accounting,
): AsyncGenerator<StreamPart, StepResult> {
  const { step, mode, route, call, around } = input
  if (call.signal.aborted) throw new AbortedError('The call was aborted before it was sent.')
  // From its first model call until it ends, ai.close() can abort the request at its deadline.
  if (step === 1) call.onRelease(rt.inFlight.hold(call))
  const ctx = callContext(rt, p, input)
  const stepStarted = performance.now()
  const pipeline = compose(rt.middleware, (modelCall) => {
    const served = { provider: modelCall.provider.id, model: modelCall.request.model }
    const connectionId = modelCall.ctx.credentials?.connectionId
    account.serve(connectionId ? { ...served, connectionId } : served)
    rt.events.emit('request', {
      ...callInfo(modelCall.ctx, served.provider, served.model),
      stream: mode === 'stream',
      attempt: modelCall.ctx.attempt,
    })
    return around?.attempt && modelCall.mode !== 'embed'
      ? around.attempt(modelCall, () => callAdapter(modelCall))
      : callAdapter(modelCall)
  })
  const modelCall: ChatModelCall = {
    provider: route.provider,
    request: { ...p.base, model: route.model, messages: [...input.messages] },
    ctx,
    mode,
  }
  if (p.request.limits) modelCall.limits = p.request.limits
  const response = await pipeline(modelCall)
  if (response.mode === 'embed') throw new InvalidResponseError('A chat call was answered with embeddings.')
  const { served } = account
  let firstPartAt: number | undefined
  const firstPart = () => {
    firstPartAt ??= performance.now()
    account.firstPart()
  }
  const result =
    response.mode === 'stream'
      ? yield* relayStream(response.stream, served, firstPart)
      : mode === 'stream'
        ? yield* replayResult(response.result, firstPart)
        : response.result
  const cached = response.mode === 'generate' && response.cached === true
  const latencyMs = performance.now() - stepStarted
  const current = stepResult(rt.prices, step, served, result, latencyMs, cached, input.messages)
  if (!cached) rt.router.observe(`${served.provider}:${served.model}`, current.latencyMs)
  const info = callInfo(ctx, served.provider, served.model)
  rt.events.emit('response', {
    ...info,
    finishReason: current.finishReason,
    usage: current.usage,
    latencyMs: current.latencyMs,
    stream: mode === 'stream',
    ...(firstPartAt === undefined ? {} : { timeToFirstTokenMs: firstPartAt - stepStarted }),
  })
  rt.events.emit('cost', { ...info, usage: current.usage, cost: current.cost })
  return current
}

/** The context every middleware and the adapter see; retries copy it with a higher `attempt`. */
function callContext(
  rt: Runtime,
  p: PreparedCall,
  { step, route, call, conversationId }: StepInput,
): CallContext {
  const idleMs = p.request.timeout?.idleMs ?? rt.timeout.idleMs
  const ctx: CallContext = {
    requestId: p.requestId,
    scope: p.scope,
    signal: call.signal,
    attempt: 1,
    step,
    policy: { ...route.policy, idleTimeoutMs: idleMs || 0 },
    metadata: p.metadata,
  }
  if (call.deadline !== undefined) ctx.deadline = call.deadline
  if (conversationId) ctx.conversationId = conversationId
  return ctx
}
