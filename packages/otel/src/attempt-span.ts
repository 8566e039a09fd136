import type {
  AssistantPart,
  ChatModelCall,
  FinishReason,
  ModelResponse,
  ProviderStreamPart,
  Usage,
} from '@aimux/ai-core'
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import { AIMUX, errorAttributes, errorMessage, GEN_AI, usageAttributes } from './attributes.js'
import { inputMessages, outputMessages } from './content.js'
import { recordTokens } from './metrics.js'
import { secondsSince, type TraceSettings } from './trace-settings.js'

/** What a model call answered, from a whole result or gathered from its stream. */
interface Answer {
  finishReason: FinishReason
  usage: Usage | undefined
  model: string | undefined
  content: AssistantPart[]
}

/**
 * Runs one attempt of a model call inside a `chat <model>` span, a child of the request's span;
 * the adapter's own HTTP spans nest under it. A stream's span ends when the stream does.
 */
export async function traceAttempt(
  settings: TraceSettings,
  parent: Context,
  call: ChatModelCall,
  send: () => Promise<ModelResponse>,
): Promise<ModelResponse> {
  const { tracer, instruments, captureContent } = settings
  const model = call.request.model
  const common: Attributes = {
    [GEN_AI.operationName]: 'chat',
    [GEN_AI.providerName]: call.provider.id,
    [GEN_AI.requestModel]: model,
  }
  const span = tracer.startSpan(
    `chat ${model}`,
    { kind: SpanKind.CLIENT, attributes: { ...common, ...requestAttributes(call) } },
    parent,
  )
  if (captureContent) span.setAttribute(GEN_AI.inputMessages, inputMessages(call.request.messages))
  const started = performance.now()
  const fail = (error: unknown) => {
    const attributes = errorAttributes(error)
    span.setAttributes(attributes)
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) })
    instruments.duration.record(secondsSince(started), {
      ...common,
      [GEN_AI.errorType]: attributes[GEN_AI.errorType],
    })
    span.end()
  }
  const finish = (answer: Answer) => {
    const responseModel = answer.model ?? model
    span.setAttributes({
      [GEN_AI.responseModel]: responseModel,
      [GEN_AI.finishReasons]: [answer.finishReason],
      ...(answer.usage ? usageAttributes(answer.usage) : {}),
    })
    if (captureContent)
      span.setAttribute(GEN_AI.outputMessages, outputMessages(answer.content, answer.finishReason))
    const measured = { ...common, [GEN_AI.responseModel]: responseModel }
    if (answer.usage) recordTokens(instruments, answer.usage.inputTokens, answer.usage.outputTokens, measured)
    instruments.duration.record(secondsSince(started), measured)
    span.end()
  }
  let response: ModelResponse
  try {
    response = await context.with(trace.setSpan(parent, span), send)
  } catch (error) {
    fail(error)
    throw error
  }
  if (response.mode === 'generate') {
    const { result } = response
    finish({
      finishReason: result.finishReason,
      usage: result.usage,
      model: result.model,
      content: result.content,
    })
    return response
  }
  if (response.mode === 'embed') {
    // The core runs plugins' attempts for chat calls only; an embedding never reaches here.
    finish({ finishReason: 'stop', usage: undefined, model: undefined, content: [] })
    return response
  }
  // The core awaits a stream's first part before it hands the stream on: it has arrived by now.
  const firstChunk = secondsSince(started)
  span.setAttribute(GEN_AI.timeToFirstChunk, firstChunk)
  instruments.firstChunk.record(firstChunk, common)
  return { mode: 'stream', stream: observe(response.stream, span, captureContent, finish, fail) }
}

/** The call's generation settings, as GenAI request attributes. */
function requestAttributes(call: ChatModelCall): Attributes {
  const { request, ctx } = call
  const attributes: Attributes = {
    [AIMUX.requestId]: ctx.requestId,
    [AIMUX.attempt]: ctx.attempt,
    [AIMUX.step]: ctx.step,
    [AIMUX.stream]: call.mode === 'stream',
  }
  if (request.maxOutputTokens !== undefined) attributes[GEN_AI.requestMaxTokens] = request.maxOutputTokens
  if (request.temperature !== undefined) attributes[GEN_AI.requestTemperature] = request.temperature
  if (request.topP !== undefined) attributes[GEN_AI.requestTopP] = request.topP
  if (request.seed !== undefined) attributes[GEN_AI.requestSeed] = request.seed
  if (ctx.credentials?.connectionId) attributes[AIMUX.connectionId] = ctx.credentials.connectionId
  return attributes
}

/** Passes a stream's parts on as they come, gathering what the span reports when it ends. */
async function* observe(
  stream: AsyncIterable<ProviderStreamPart>,
  span: Span,
  captureContent: boolean,
  finish: (answer: Answer) => void,
  fail: (error: unknown) => void,
): AsyncGenerator<ProviderStreamPart> {
  const answer: Answer = { finishReason: 'other', usage: undefined, model: undefined, content: [] }
  let text = ''
  let done = false
  try {
    for await (const part of stream) {
      if (part.type === 'usage') answer.usage = part.usage
      else if (part.type === 'finish') {
        answer.finishReason = part.finishReason
        answer.model = part.model
      } else if (captureContent) {
        if (part.type === 'text-delta') text += part.text
        else if (part.type === 'tool-call')
          answer.content.push({
            type: 'tool-call',
            id: part.toolCall.id,
            name: part.toolCall.name,
            args: part.toolCall.args,
          })
      }
      yield part
    }
    if (text) answer.content.unshift({ type: 'text', text })
    done = true
    finish(answer)
  } catch (error) {
    done = true
    fail(error)
    throw error
  } finally {
    // The caller stopped reading before the stream ended.
    if (!done) {
      span.setAttribute(AIMUX.streamAbandoned, true)
      span.end()
    }
  }
}
