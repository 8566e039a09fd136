import type { FakeRequest, ScriptedRoute, WireProtocol, WireResponse } from './fake-server.js'
import { geminiProtocol } from './gemini-protocol.js'
import { isScriptedError, resolveReply, type ScriptedError, type ScriptedReply } from './scripted-turn.js'

/** One inlined request of a batch, as the client sent it. */
export interface GeminiBatchRequest {
  request: Record<string, unknown>
  metadata?: Record<string, string>
}

/** How the fake answers one request of a batch: a reply, or an error of that request alone. */
export type GeminiBatchAnswer = ScriptedReply | ScriptedError

export interface GeminiBatchProtocolOptions {
  /** Each request's answer when its batch succeeds. Default: the text "Answer <index>". */
  answer?: (request: GeminiBatchRequest, index: number) => GeminiBatchAnswer
}

/** Where a fake batch can be moved to, in the API's BATCH_STATE_ names. */
export type GeminiBatchStep = 'running' | 'succeeded' | 'failed' | 'expired' | 'cancelled'

/** The protocol, and the controls a test moves its batches with. */
export interface GeminiBatchProtocol extends WireProtocol {
  /** Moves a batch on; 'succeeded' answers every request inline (each its `answer`). */
  advance(name: string, step: GeminiBatchStep): void
  /** The inlined requests of a batch, as sent. */
  requestsOf(name: string): GeminiBatchRequest[]
  /** The names of the batches created ('batches/...'), in order. */
  readonly names: string[]
}

/** gRPC status codes, as a google.rpc.Status in an inlined response carries them. */
const grpcCodes: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  429: 8,
  500: 13,
  503: 14,
  504: 4,
}

const noRequest: FakeRequest = { method: 'POST', path: '/', query: {}, headers: {}, body: undefined }

/**
 * Gemini's batch mode (Developer API), for {@link createFakeServer}: POST
 * /v1beta/models/{model}:batchGenerateContent with inlined requests, GET /v1beta/batches/{id}
 * and POST /v1beta/batches/{id}:cancel, each answered as the long-running operation the API
 * returns (the batch in `metadata`, its inlined responses in `metadata.output` once it
 * succeeded, each a generateContent body as the chat wire renders it, or a google.rpc.Status).
 * A batch stays BATCH_STATE_PENDING until the test calls `advance()`. The version is v1, v1beta or
 * v1alpha, as the client asks.
 */
export function geminiBatchProtocol(options: GeminiBatchProtocolOptions = {}): GeminiBatchProtocol {
  const chat = geminiProtocol()
  const generate = chat.routes[0] as ScriptedRoute
  const answer = options.answer ?? ((_: GeminiBatchRequest, index: number) => ({ text: `Answer ${index}` }))
  const batches = new Map<string, { metadata: Record<string, unknown>; requests: GeminiBatchRequest[] }>()
  const names: string[] = []

  const error = (status: number, message: string): WireResponse => ({
    type: 'json',
    status,
    body: chat.errorBody({ status, message }, noRequest),
  })
  const operation = (name: string) => {
    const { metadata } = batches.get(name)!
    const state = String(metadata.state)
    const done = !['BATCH_STATE_PENDING', 'BATCH_STATE_RUNNING'].includes(state)
    return { name, metadata, done }
  }
  const nameOf = (request: FakeRequest) => /\/(batches\/[^/:]+)/.exec(request.path)?.[1] ?? ''

  return {
    name: 'gemini-batch',
    names,
    errorBody: chat.errorBody,
    requestsOf(name) {
      const batch = batches.get(name)
      if (!batch) throw new Error(`fake gemini batch: no batch ${name}`)
      return batch.requests
    },
    advance(name, step) {
      const batch = batches.get(name)
      if (!batch) throw new Error(`fake gemini batch: no batch ${name}`)
      const now = new Date().toISOString()
      batch.metadata.state = `BATCH_STATE_${step.toUpperCase()}`
      batch.metadata.updateTime = now
      if (step === 'running') return
      batch.metadata.endTime = now
      if (step !== 'succeeded') return
      let failed = 0
      const inlinedResponses = batch.requests.map((request, index) => {
        const turn = answer(request, index)
        const metadata = request.metadata
        if (isScriptedError(turn)) {
          failed += 1
          const { message } = (chat.errorBody(turn.error, noRequest) as { error: { message: string } }).error
          return { error: { code: grpcCodes[turn.error.status] ?? 2, message }, metadata }
        }
        const asked: FakeRequest = {
          ...noRequest,
          path: `/v1beta/${String(request.request.model ?? batch.metadata.model)}:generateContent`,
        }
        const rendered = generate.reply({ ...asked, body: request.request }, resolveReply(turn, index + 1))
        return { response: rendered.type === 'json' ? rendered.body : undefined, metadata }
      })
      batch.metadata.output = { inlinedResponses: { inlinedResponses } }
      batch.metadata.batchStats = {
        requestCount: String(batch.requests.length),
        successfulRequestCount: String(batch.requests.length - failed),
        failedRequestCount: String(failed),
      }
    },
    routes: [
      {
        method: 'POST',
        path: /^\/(v1|v1beta|v1alpha)\/models\/[^/:]+:batchGenerateContent$/,
        answer(request) {
          const model = /models\/([^/:]+)/.exec(request.path)![1]!
          const body = request.body as {
            batch?: { displayName?: string; inputConfig?: { requests?: { requests?: GeminiBatchRequest[] } } }
          }
          const requests = body?.batch?.inputConfig?.requests?.requests
          if (!Array.isArray(requests) || requests.length === 0)
            return error(400, '* BatchGenerateContentRequest.batch.input_config: input_config is required')
          const name = `batches/fake${names.length + 1}`
          const now = new Date().toISOString()
          const metadata: Record<string, unknown> = {
            '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
            model: `models/${model}`,
            displayName: body.batch?.displayName ?? name,
            createTime: now,
            updateTime: now,
            batchStats: {
              requestCount: String(requests.length),
              pendingRequestCount: String(requests.length),
            },
            state: 'BATCH_STATE_PENDING',
            name,
          }
          batches.set(name, { metadata, requests })
          names.push(name)
          return { type: 'json', body: operation(name) }
        },
      },
      {
        method: 'GET',
        path: /^\/(v1|v1beta|v1alpha)\/batches\/[^/:]+$/,
        answer(request) {
          const name = nameOf(request)
          return batches.has(name)
            ? { type: 'json', body: operation(name) }
            : error(404, `Batch ${name} not found.`)
        },
      },
      {
        method: 'POST',
        path: /^\/(v1|v1beta|v1alpha)\/batches\/[^/:]+:cancel$/,
        answer(request) {
          const name = nameOf(request)
          const batch = batches.get(name)
          if (!batch) return error(404, `Batch ${name} not found.`)
          if (operation(name).done) return error(400, `Batch ${name} has already ended.`)
          batch.metadata.state = 'BATCH_STATE_CANCELLED'
          batch.metadata.endTime = new Date().toISOString()
          return { type: 'json', body: {} }
        },
      },
    ],
  }
}
