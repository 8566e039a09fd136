import { anthropicProtocol } from './anthropic-protocol.js'
import type { FakeRequest, ScriptedRoute, WireProtocol, WireResponse } from './fake-server.js'
import { isScriptedError, resolveReply, type ScriptedError, type ScriptedReply } from './scripted-turn.js'

/** One request of a message batch, as the client sent it. */
export interface AnthropicBatchRequest {
  custom_id: string
  params: Record<string, unknown>
}

/** How the fake answers one request of a batch: a reply, or an error of that request alone. */
export type AnthropicBatchAnswer = ScriptedReply | ScriptedError

export interface AnthropicBatchProtocolOptions {
  /** Each request's answer when its batch ends. Default: the text "Answer to <custom_id>". */
  answer?: (request: AnthropicBatchRequest) => AnthropicBatchAnswer
}

/** The protocol, and the controls a test moves its batches with. */
export interface AnthropicBatchProtocol extends WireProtocol {
  /**
   * Ends a batch: every request answered (each its `answer`, an error one `errored`), or, with
   * `answered: n`, the first n answered and the rest `expired`. A batch being cancelled ends with
   * its unanswered requests `canceled`.
   */
  end(batchId: string, options?: { answered?: number }): void
  /** The requests of a batch, as sent. */
  requestsOf(batchId: string): AnthropicBatchRequest[]
  /** The ids of the batches created, in order. */
  readonly batchIds: string[]
}

interface FakeBatch {
  id: string
  type: 'message_batch'
  processing_status: 'in_progress' | 'canceling' | 'ended'
  request_counts: {
    processing: number
    succeeded: number
    errored: number
    canceled: number
    expired: number
  }
  ended_at: string | null
  created_at: string
  expires_at: string
  archived_at: null
  cancel_initiated_at: string | null
  results_url: string | null
}

const noRequest: FakeRequest = {
  method: 'POST',
  path: '/v1/messages',
  query: {},
  headers: {},
  body: undefined,
}

/**
 * Anthropic's Message Batches, for {@link createFakeServer}: POST /v1/messages/batches,
 * GET /v1/messages/batches/{id}, POST /v1/messages/batches/{id}/cancel, and the results as JSONL
 * at the batch's `results_url` (GET /v1/messages/batches/{id}/results) once it has ended. A batch
 * stays `in_progress` until the test calls `end()`; each answer is a Messages API body as the
 * chat wire renders it. Unknown ids are Anthropic's 404 `not_found_error`; results before the end
 * a 400 `invalid_request_error`.
 */
export function anthropicBatchProtocol(options: AnthropicBatchProtocolOptions = {}): AnthropicBatchProtocol {
  const chat = anthropicProtocol()
  const messages = chat.routes.find((r) => r.path === '/v1/messages') as ScriptedRoute
  const answer =
    options.answer ?? ((request: AnthropicBatchRequest) => ({ text: `Answer to ${request.custom_id}` }))
  const batches = new Map<string, { batch: FakeBatch; requests: AnthropicBatchRequest[]; results: string }>()
  const batchIds: string[] = []

  const error = (status: number, message: string): WireResponse => ({
    type: 'json',
    status,
    body: chat.errorBody({ status, message }, noRequest),
  })
  const find = (request: FakeRequest, back: number) => {
    const id = request.path.split('/').at(-1 - back)!
    return { id, entry: batches.get(id) }
  }

  return {
    name: 'anthropic-batch',
    batchIds,
    errorBody: chat.errorBody,
    requestsOf(batchId) {
      const entry = batches.get(batchId)
      if (!entry) throw new Error(`fake anthropic batch: no batch ${batchId}`)
      return entry.requests
    },
    end(batchId, { answered } = {}) {
      const entry = batches.get(batchId)
      if (!entry) throw new Error(`fake anthropic batch: no batch ${batchId}`)
      const { batch, requests } = entry
      const late = batch.processing_status === 'canceling' ? 'canceled' : 'expired'
      const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 }
      const lines = requests.map((request, index) => {
        const custom_id = request.custom_id
        if (index >= (answered ?? requests.length)) {
          counts[late] += 1
          return { custom_id, result: { type: late } }
        }
        const turn = answer(request)
        if (isScriptedError(turn)) {
          counts.errored += 1
          return { custom_id, result: { type: 'errored', error: chat.errorBody(turn.error, noRequest) } }
        }
        counts.succeeded += 1
        const asked: FakeRequest = { ...noRequest, body: request.params }
        const rendered = messages.reply(asked, resolveReply(turn, index + 1))
        return {
          custom_id,
          result: { type: 'succeeded', message: rendered.type === 'json' ? rendered.body : null },
        }
      })
      entry.results = lines.map((line) => `${JSON.stringify(line)}\n`).join('')
      batch.request_counts = counts
      batch.processing_status = 'ended'
      batch.ended_at = new Date().toISOString()
    },
    routes: [
      {
        method: 'POST',
        path: '/v1/messages/batches',
        answer(request) {
          const body = (request.body ?? {}) as { requests?: AnthropicBatchRequest[] }
          if (!Array.isArray(body.requests) || body.requests.length === 0)
            return error(400, 'requests: List should have at least 1 item after validation, not 0')
          const id = `msgbatch_fake${batchIds.length + 1}`
          const created = new Date()
          const batch: FakeBatch = {
            id,
            type: 'message_batch',
            processing_status: 'in_progress',
            request_counts: {
              processing: body.requests.length,
              succeeded: 0,
              errored: 0,
              canceled: 0,
              expired: 0,
            },
            ended_at: null,
            created_at: created.toISOString(),
            expires_at: new Date(created.getTime() + 86_400_000).toISOString(),
            archived_at: null,
            cancel_initiated_at: null,
            results_url: null,
          }
          batches.set(id, { batch, requests: body.requests, results: '' })
          batchIds.push(id)
          return { type: 'json', body: batch }
        },
      },
      {
        method: 'GET',
        path: /^\/v1\/messages\/batches\/[^/]+$/,
        answer(request) {
          const { id, entry } = find(request, 0)
          if (!entry) return error(404, `No message batch with id ${id}.`)
          const { batch } = entry
          const url = `http://${request.headers.host}/v1/messages/batches/${id}/results`
          return {
            type: 'json',
            body: { ...batch, results_url: batch.processing_status === 'ended' ? url : null },
          }
        },
      },
      {
        method: 'POST',
        path: /^\/v1\/messages\/batches\/[^/]+\/cancel$/,
        answer(request) {
          const { id, entry } = find(request, 1)
          if (!entry) return error(404, `No message batch with id ${id}.`)
          if (entry.batch.processing_status === 'ended')
            return error(400, `Batch ${id} has already ended and cannot be canceled.`)
          entry.batch.processing_status = 'canceling'
          entry.batch.cancel_initiated_at = new Date().toISOString()
          return { type: 'json', body: entry.batch }
        },
      },
      {
        method: 'GET',
        path: /^\/v1\/messages\/batches\/[^/]+\/results$/,
        answer(request) {
          const { id, entry } = find(request, 1)
          if (!entry) return error(404, `No message batch with id ${id}.`)
          if (entry.batch.processing_status !== 'ended')
            return error(400, `Batch ${id} has not ended yet; its results are not available.`)
          return { type: 'stream', contentType: 'application/binary', frames: [{ data: entry.results }] }
        },
      },
    ],
  }
}
