import type { FakeRequest, ScriptedRoute, WireProtocol, WireResponse } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import { isScriptedError, resolveReply, type ScriptedError, type ScriptedReply } from './scripted-turn.js'

/** One line of a batch input file, as the client uploaded it. */
export interface OpenAIBatchLine {
  custom_id: string
  method: string
  url: string
  body: Record<string, unknown>
}

/** How the fake answers one request of a job: a reply, or an error of that request alone. */
export type OpenAIBatchAnswer = ScriptedReply | ScriptedError

export interface OpenAIBatchProtocolOptions {
  /** Each request's answer when its job completes. Default: the text "Answer to <custom_id>". */
  answer?: (line: OpenAIBatchLine) => OpenAIBatchAnswer
}

/** Where a fake job can be moved to; the states of OpenAI's batch object. */
export type OpenAIBatchStep = 'in_progress' | 'finalizing' | 'completed' | 'failed' | 'expired'

/** The protocol, and the controls a test moves its jobs with. */
export interface OpenAIBatchProtocol extends WireProtocol {
  /**
   * Moves a job on. 'completed' answers every request (each its `answer`); 'expired' answers the
   * first `answered` requests and writes the rest to the error file as `batch_expired`; 'failed'
   * refuses the job as a whole with `errors` (an invalid input file), answering nothing.
   */
  advance(batchId: string, step: OpenAIBatchStep, options?: { answered?: number }): void
  /** The lines of a job's input file, as uploaded. */
  linesOf(batchId: string): OpenAIBatchLine[]
  /** The ids of the jobs created, in order. */
  readonly batchIds: string[]
}

interface FakeFile {
  id: string
  filename: string
  purpose: string
  content: string
  created_at: number
}

interface FakeBatch {
  id: string
  object: 'batch'
  endpoint: string
  input_file_id: string
  completion_window: string
  status: string
  output_file_id: string | null
  error_file_id: string | null
  errors: { object: 'list'; data: { code: string; message: string; param: null; line: null }[] } | null
  created_at: number
  in_progress_at: number | null
  expires_at: number
  finalizing_at: number | null
  completed_at: number | null
  failed_at: number | null
  expired_at: number | null
  cancelling_at: number | null
  cancelled_at: number | null
  request_counts: { total: number; completed: number; failed: number }
  metadata: Record<string, string> | null
}

/** The errors a fake renders take no request; OpenAI's error body does not depend on one. */
const noRequest: FakeRequest = { method: 'POST', path: '/', query: {}, headers: {}, body: undefined }

const seconds = () => Math.floor(Date.now() / 1000)

/**
 * OpenAI's Batch API, for {@link createFakeServer}: POST /v1/files (multipart, `purpose: batch`),
 * POST /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel, GET /v1/files/{id} and
 * GET /v1/files/{id}/content (the output and error files, JSONL). Jobs move only when the test
 * calls `advance()`; answers are Chat Completions bodies as the chat wire renders them. Unknown
 * ids are OpenAI's 404 error body; a malformed upload or body a 400.
 *
 * @example
 * const batches = openaiBatchProtocol()
 * const server = await createFakeServer(batches)
 * // ...submit...
 * batches.advance(batches.batchIds[0]!, 'completed')
 */
export function openaiBatchProtocol(options: OpenAIBatchProtocolOptions = {}): OpenAIBatchProtocol {
  const chat = openaiChatProtocol()
  const completions = chat.routes[0] as ScriptedRoute
  const answer = options.answer ?? ((line: OpenAIBatchLine) => ({ text: `Answer to ${line.custom_id}` }))
  const files = new Map<string, FakeFile>()
  const batches = new Map<string, FakeBatch>()
  const batchIds: string[] = []
  let counter = 0
  const nextId = (prefix: string) => `${prefix}-fake${++counter}`

  const error = (status: number, message: string, code?: string): WireResponse => ({
    type: 'json',
    status,
    body: chat.errorBody({ status, message, ...(code ? { code } : {}) }, noRequest),
  })
  const notFound = (what: string, id: string) => error(404, `No such ${what}: '${id}'`)

  const lines = (batch: FakeBatch): OpenAIBatchLine[] =>
    files
      .get(batch.input_file_id)!
      .content.split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OpenAIBatchLine)

  const addFile = (purpose: string, content: string, filename: string) => {
    const file: FakeFile = { id: nextId('file'), filename, purpose, content, created_at: seconds() }
    files.set(file.id, file)
    return file
  }
  const fileObject = (file: FakeFile) => ({
    id: file.id,
    object: 'file',
    bytes: Buffer.byteLength(file.content),
    created_at: file.created_at,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    expires_at: null,
    status_details: null,
  })

  /** Answers the lines, the output file for replies and the error file for errors. */
  function finish(batch: FakeBatch, answered: number) {
    const output: string[] = []
    const errors: string[] = []
    lines(batch).forEach((line, index) => {
      const id = `batch_req_${batch.id}_${index}`
      const requestId = `req_${batch.id}_${index}`
      if (index >= answered) {
        const expired = {
          code: 'batch_expired',
          message: 'This request could not be executed before the completion window expired.',
        }
        errors.push(JSON.stringify({ id, custom_id: line.custom_id, response: null, error: expired }))
        return
      }
      const turn = answer(line)
      if (isScriptedError(turn)) {
        const body = chat.errorBody(turn.error, noRequest)
        const response = { status_code: turn.error.status, request_id: requestId, body }
        errors.push(JSON.stringify({ id, custom_id: line.custom_id, response, error: null }))
        return
      }
      const request: FakeRequest = { method: 'POST', path: line.url, query: {}, headers: {}, body: line.body }
      const rendered = completions.reply(request, resolveReply(turn, index + 1))
      const body = rendered.type === 'json' ? rendered.body : undefined
      const response = { status_code: 200, request_id: requestId, body }
      output.push(JSON.stringify({ id, custom_id: line.custom_id, response, error: null }))
    })
    if (output.length > 0)
      batch.output_file_id = addFile('batch_output', `${output.join('\n')}\n`, 'output.jsonl').id
    if (errors.length > 0)
      batch.error_file_id = addFile('batch_output', `${errors.join('\n')}\n`, 'errors.jsonl').id
    batch.request_counts = {
      total: batch.request_counts.total,
      completed: output.length,
      failed: errors.length,
    }
  }

  return {
    name: 'openai-batch',
    batchIds,
    errorBody: chat.errorBody,
    linesOf(batchId) {
      const batch = batches.get(batchId)
      if (!batch) throw new Error(`fake openai batch: no batch ${batchId}`)
      return lines(batch)
    },
    advance(batchId, step, { answered } = {}) {
      const batch = batches.get(batchId)
      if (!batch) throw new Error(`fake openai batch: no batch ${batchId}`)
      const at = seconds()
      batch.status = step
      if (step === 'in_progress') batch.in_progress_at = at
      if (step === 'finalizing') batch.finalizing_at = at
      if (step === 'completed') {
        finish(batch, batch.request_counts.total)
        batch.completed_at = at
      }
      if (step === 'expired') {
        finish(batch, answered ?? 0)
        batch.expired_at = at
      }
      if (step === 'failed') {
        batch.failed_at = at
        batch.errors = {
          object: 'list',
          data: [
            {
              code: 'invalid_json_line',
              message: 'This line is not parseable as valid JSON.',
              param: null,
              line: null,
            },
          ],
        }
      }
    },
    routes: [
      {
        method: 'POST',
        path: /^(\/v1)?\/files$/,
        answer(request) {
          const form = parseMultipart(request)
          const file = form?.files.file
          if (!form || !file) return error(400, "Missing required parameter: 'file'.")
          if (form.fields.purpose !== 'batch') return error(400, `Invalid purpose: '${form.fields.purpose}'.`)
          return { type: 'json', body: fileObject(addFile('batch', file.content, file.filename)) }
        },
      },
      {
        method: 'GET',
        path: /^(\/v1)?\/files\/[^/]+\/content$/,
        answer(request) {
          const id = request.path.split('/').at(-2)!
          const file = files.get(id)
          if (!file) return notFound('file', id)
          return { type: 'stream', contentType: 'application/octet-stream', frames: [{ data: file.content }] }
        },
      },
      {
        method: 'GET',
        path: /^(\/v1)?\/files\/[^/]+$/,
        answer(request) {
          const id = request.path.split('/').at(-1)!
          const file = files.get(id)
          return file ? { type: 'json', body: fileObject(file) } : notFound('file', id)
        },
      },
      {
        method: 'POST',
        path: /^(\/v1)?\/batches$/,
        answer(request) {
          const body = (request.body ?? {}) as Record<string, unknown>
          const inputFile = files.get(String(body.input_file_id))
          if (!inputFile) return notFound('file', String(body.input_file_id))
          if (body.endpoint !== '/v1/chat/completions' && body.endpoint !== '/v1/responses')
            return error(400, `Invalid endpoint: '${String(body.endpoint)}'.`)
          if (body.completion_window !== '24h')
            return error(400, `Invalid completion_window: '${String(body.completion_window)}'.`)
          const created = seconds()
          const batch: FakeBatch = {
            id: nextId('batch'),
            object: 'batch',
            endpoint: body.endpoint,
            input_file_id: inputFile.id,
            completion_window: '24h',
            status: 'validating',
            output_file_id: null,
            error_file_id: null,
            errors: null,
            created_at: created,
            in_progress_at: null,
            expires_at: created + 86_400,
            finalizing_at: null,
            completed_at: null,
            failed_at: null,
            expired_at: null,
            cancelling_at: null,
            cancelled_at: null,
            request_counts: { total: 0, completed: 0, failed: 0 },
            metadata: (body.metadata as Record<string, string> | undefined) ?? null,
          }
          batches.set(batch.id, batch)
          batchIds.push(batch.id)
          batch.request_counts.total = lines(batch).length
          return { type: 'json', body: batch }
        },
      },
      {
        method: 'GET',
        path: /^(\/v1)?\/batches\/[^/]+$/,
        answer(request) {
          const id = request.path.split('/').at(-1)!
          const batch = batches.get(id)
          return batch ? { type: 'json', body: batch } : notFound('batch', id)
        },
      },
      {
        method: 'POST',
        path: /^(\/v1)?\/batches\/[^/]+\/cancel$/,
        answer(request) {
          const id = request.path.split('/').at(-2)!
          const batch = batches.get(id)
          if (!batch) return notFound('batch', id)
          if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status))
            return error(409, `Cannot cancel a batch with status '${batch.status}'.`)
          // Nothing had run yet: the job ends at once, every request unanswered.
          batch.status = 'cancelled'
          batch.cancelling_at = seconds()
          batch.cancelled_at = seconds()
          return { type: 'json', body: batch }
        },
      },
    ],
  }
}

/** The fields and files of a multipart/form-data body, or undefined when it is not one. */
function parseMultipart(
  request: FakeRequest,
):
  | { fields: Record<string, string>; files: Record<string, { filename: string; content: string }> }
  | undefined {
  const type = String(request.headers['content-type'] ?? '')
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type)
  if (!type.startsWith('multipart/form-data') || !boundary || typeof request.body !== 'string')
    return undefined
  const fields: Record<string, string> = {}
  const files: Record<string, { filename: string; content: string }> = {}
  for (const part of request.body.split(`--${boundary[1] ?? boundary[2]}`)) {
    const split = part.indexOf('\r\n\r\n')
    if (split === -1) continue
    const head = part.slice(0, split)
    const content = part.slice(split + 4).replace(/\r\n$/, '')
    const name = /name="([^"]*)"/.exec(head)?.[1]
    if (name === undefined) continue
    const filename = /filename="([^"]*)"/.exec(head)?.[1]
    if (filename === undefined) fields[name] = content
    else files[name] = { filename, content }
  }
  return { fields, files }
}
