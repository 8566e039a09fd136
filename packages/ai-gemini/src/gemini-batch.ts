import type {
  BatchStatus,
  CallContext,
  ProviderBatch,
  ProviderBatchItem,
  ProviderBatchState,
} from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import type { BatchJob, GoogleGenAI } from '@google/genai'
import { geminiError } from './gemini-error.js'
import { geminiRequest } from './gemini-request.js'
import { geminiResult, unreadableAnswer } from './gemini-response.js'

/** A batch has 48 hours before Google expires it (its target is 24). */
const WINDOW_MS = 48 * 3_600_000

const statuses: Record<string, BatchStatus> = {
  JOB_STATE_QUEUED: 'submitted',
  JOB_STATE_PENDING: 'submitted',
  JOB_STATE_RUNNING: 'in_progress',
  JOB_STATE_UPDATING: 'in_progress',
  JOB_STATE_PAUSED: 'in_progress',
  JOB_STATE_CANCELLING: 'in_progress',
  JOB_STATE_SUCCEEDED: 'completed',
  JOB_STATE_PARTIALLY_SUCCEEDED: 'completed',
  JOB_STATE_FAILED: 'failed',
  JOB_STATE_CANCELLED: 'cancelled',
  JOB_STATE_EXPIRED: 'expired',
}

/** The HTTP status of a google.rpc.Status code, as an inlined response's error carries it. */
const httpOfGrpc: Record<number, number> = {
  3: 400,
  4: 504,
  5: 404,
  7: 403,
  8: 429,
  9: 400,
  13: 500,
  14: 503,
  16: 401,
}

/**
 * Gemini's batch mode (Developer API) on @google/genai: `batches.create` with inlined requests,
 * each the generateContent request a chat call sends (contents and config, system instruction and
 * tools included) with its custom id as `metadata.key`; `batches.get` for the state and, once it
 * succeeded, the inlined responses, each read as a chat call's answer. Batch rates are half the
 * normal ones.
 */
export function geminiBatch(
  clientFor: (ctx: CallContext) => { client: GoogleGenAI; apiKey?: string },
): ProviderBatch {
  async function run<T>(ctx: CallContext, call: (client: GoogleGenAI) => Promise<T>): Promise<T> {
    const { client, apiKey } = clientFor(ctx)
    try {
      return await call(client)
    } catch (error) {
      throw geminiError(error, { signal: ctx.signal, apiKey })
    }
  }

  const state = (job: BatchJob): ProviderBatchState => {
    const answers = job.dest?.inlinedResponses ?? []
    const failed = answers.filter((a) => a.error).length
    const created = job.createTime ? new Date(job.createTime).getTime() : undefined
    return {
      id: job.name ?? '',
      status: statuses[job.state ?? ''] ?? 'in_progress',
      // The SDK does not pass the API's batchStats on: counted from the answers, 0 before (the
      // core then counts the job's own requests as pending).
      counts: { total: answers.length, succeeded: answers.length - failed, failed, pending: 0 },
      ...(created === undefined ? {} : { expiresAt: new Date(created + WINDOW_MS) }),
      ...(job.endTime ? { endedAt: new Date(job.endTime) } : {}),
      ...(job.error?.message ? { error: job.error.message } : {}),
    }
  }

  const get = (id: string, ctx: CallContext) =>
    run(ctx, (client) => client.batches.get({ name: id, config: { abortSignal: sdkSignal(ctx) } }))

  return {
    priceFactor: 0.5,
    completionWindowMs: WINDOW_MS,

    async submit(requests, ctx) {
      const model = requests[0]?.request.model ?? ''
      const src = requests.map(({ customId, request }) => {
        const { contents, config } = geminiRequest(request)
        return { contents, config, metadata: { key: customId } }
      })
      return state(
        await run(ctx, (client) =>
          client.batches.create({
            model,
            src,
            config: { displayName: 'aimux', abortSignal: sdkSignal(ctx) },
          }),
        ),
      )
    },

    async retrieve(id, ctx) {
      return state(await get(id, ctx))
    },

    async results(id, ctx) {
      const job = await get(id, ctx)
      const { apiKey } = clientFor(ctx)
      const secrets = apiKey ? [apiKey] : []
      return (job.dest?.inlinedResponses ?? []).map((answer, index): ProviderBatchItem => {
        const customId = answer.metadata?.key ?? String(index)
        if (answer.error || !answer.response) {
          const status = httpOfGrpc[answer.error?.code ?? 13] ?? 500
          const message = answer.error?.message ?? `request '${customId}' has no answer`
          return { customId, error: errorFromStatus(status, { message, provider: 'gemini', secrets }) }
        }
        const problem = unreadableAnswer(answer.response)
        if (problem)
          return {
            customId,
            error: invalidResponse({ provider: 'gemini', problem, body: answer.response, secrets }),
          }
        return { customId, result: geminiResult(answer.response, ctx) }
      })
    },

    async cancel(id, ctx) {
      await run(ctx, (client) => client.batches.cancel({ name: id, config: { abortSignal: sdkSignal(ctx) } }))
      return state(await get(id, ctx))
    },
  }
}
