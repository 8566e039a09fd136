import type { AroundRequest, RequestHookInput, RequestOutcome } from '@aimux/ai-core'
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { traceAttempt } from './attempt-span.js'
import { AIMUX, errorAttributes, errorMessage, GEN_AI, usageAttributes } from './attributes.js'
import { inputMessages, outputMessages } from './content.js'
import { traceTool } from './tool-span.js'
import type { TraceSettings } from './trace-settings.js'

/** One request's span, open from its request hook until it ends. */
export interface RequestSpan {
  span: Span
  around: AroundRequest
}

/**
 * Opens a request's `chat <model>` span, a child of whatever span is active where the call was
 * made. Its attempts and tools are its children; it ends with the request's usage, cost, retries
 * and fallback.
 */
export function openRequestSpan(
  settings: TraceSettings,
  input: RequestHookInput,
  onEnd: (outcome: RequestOutcome) => void,
): RequestSpan {
  const { tracer, captureContent } = settings
  // Named after the model asked for ("openai:gpt-4o" -> "chat gpt-4o"), and after the model of
  // the first attempt once routing has chosen one.
  const asked = input.request.model
  const span = tracer.startSpan(asked ? `chat ${asked.slice(asked.indexOf(':') + 1)}` : 'chat', {
    kind: SpanKind.CLIENT,
    attributes: {
      [GEN_AI.operationName]: 'chat',
      [AIMUX.requestId]: input.requestId,
      ...scopeAttributes(input),
    },
  })
  if (captureContent) span.setAttribute(GEN_AI.inputMessages, inputMessages(input.messages))
  const parent = trace.setSpan(context.active(), span)
  let first: string | undefined
  let last: string | undefined
  let retries = 0
  let connectionId: string | undefined
  const end = (outcome: RequestOutcome) => {
    const attributes: Attributes = { [AIMUX.retries]: retries }
    if (first && last && first !== last) {
      attributes[AIMUX.fallbackFrom] = first
      attributes[AIMUX.fallbackTo] = last
    }
    if (connectionId) attributes[AIMUX.connectionId] = connectionId
    span.setAttributes(attributes)
    if (outcome.result) {
      const { result } = outcome
      const lastStep = result.steps.at(-1)
      span.setAttributes({
        [GEN_AI.providerName]: result.provider,
        [GEN_AI.responseModel]: lastStep?.responseModel ?? result.model,
        [GEN_AI.finishReasons]: [result.finishReason],
        ...usageAttributes(result.usage),
        [AIMUX.costUsd]: result.cost.usd,
        [AIMUX.costSource]: result.cost.source,
        [AIMUX.steps]: result.steps.length,
        ...(result.cost.estimated ? { [AIMUX.costEstimated]: true } : {}),
      })
      if (captureContent)
        span.setAttribute(GEN_AI.outputMessages, outputMessages(result.content, result.finishReason))
    } else {
      span.setAttributes(errorAttributes(outcome.error))
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(outcome.error) })
    }
    onEnd(outcome)
  }
  const around: AroundRequest = {
    attempt(call, send) {
      const served = `${call.provider.id}:${call.request.model}`
      if (!first) {
        first = served
        span.updateName(`chat ${call.request.model}`)
        span.setAttributes({
          [GEN_AI.providerName]: call.provider.id,
          [GEN_AI.requestModel]: call.request.model,
        })
      }
      if (call.ctx.attempt > 1) retries++
      last = served
      connectionId = call.ctx.credentials?.connectionId ?? connectionId
      return traceAttempt(settings, parent, call, send)
    },
    tool: (call, run) => traceTool(settings, parent, call, run),
    end,
  }
  return { span, around }
}

/** Who the request is for: the scope its budgets and usage records are kept under. */
function scopeAttributes(input: RequestHookInput): Attributes {
  const { tenantId, userId, projectId } = input.scope
  const attributes: Attributes = {}
  if (tenantId) attributes[AIMUX.scopeTenantId] = tenantId
  if (userId) attributes[AIMUX.scopeUserId] = userId
  if (projectId) attributes[AIMUX.scopeProjectId] = projectId
  if (input.conversationId) attributes[GEN_AI.conversationId] = input.conversationId
  return attributes
}
