import type {
  BatchStatus,
  CallContext,
  ProviderBatch,
  ProviderBatchItem,
  ProviderBatchState,
} from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import { toFile } from 'openai'
import type { Batch } from 'openai/resources/batches'
import type { ChatCompletion } from 'openai/resources/chat/completions'
import type { ChatRequestDialect } from '../chat/openai-chat-request.js'
import { chatRequestBody } from '../chat/openai-chat-request.js'
import { chatResult, chatUsage, unreadableCompletion } from '../chat/openai-chat-response.js'
import type { ResolvedClient } from '../openai-client.js'
import { mapOpenAIError } from '../openai-error.js'

/** One line of a batch output or error file. */
interface OutputLine {
  custom_id: string
  response: { status_code: number; request_id?: string; body: unknown } | null
  error: { code?: string; message?: string } | null
}

const DAY_MS = 86_400_000

const statuses: Record<Batch['status'], BatchStatus> = {
  validating: 'submitted',
  in_progress: 'in_progress',
  finalizing: 'in_progress',
  cancelling: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
}

/**
 * OpenAI's Batch API on the `openai` SDK: the requests go up as a JSONL file (`files.create`,
 * purpose 'batch'), each line the Chat Completions body a chat call sends; the job is
 * `batches.create` on /v1/chat/completions with a 24 h window; the answers come from its output
 * and error files, each read as a chat call's completion. Batch rates are half the normal ones.
 */
export function openaiBatch(
  provider: string,
  dialect: ChatRequestDialect,
  clientFor: (ctx: CallContext) => ResolvedClient,
): ProviderBatch {
  /** Runs one SDK call, its errors typed and free of the key. */
  async function run<T>(
    ctx: CallContext,
    call: (client: ResolvedClient['client']) => Promise<T>,
  ): Promise<T> {
    const { client, apiKey } = clientFor(ctx)
    try {
      return await call(client)
    } catch (error) {
      throw mapOpenAIError(error, { provider, signal: ctx.signal, apiKey })
    }
  }

  const state = (batch: Batch): ProviderBatchState => {
    const counts = batch.request_counts ?? { total: 0, completed: 0, failed: 0 }
    const endedAt = batch.completed_at ?? batch.failed_at ?? batch.expired_at ?? batch.cancelled_at
    const error = batch.errors?.data
      ?.map((e) => e.message)
      .filter(Boolean)
      .join('; ')
    return {
      id: batch.id,
      status: statuses[batch.status] ?? 'in_progress',
      counts: {
        total: counts.total,
        succeeded: counts.completed,
        failed: counts.failed,
        pending: Math.max(0, counts.total - counts.completed - counts.failed),
      },
      ...(batch.expires_at ? { expiresAt: new Date(batch.expires_at * 1000) } : {}),
      ...(endedAt ? { endedAt: new Date(endedAt * 1000) } : {}),
      ...(error ? { error } : {}),
    }
  }

  /** The lines of an output or error file. */
  const download = (ctx: CallContext, fileId: string) =>
    run(ctx, async (client) => {
      const response = await client.files.content(fileId, { signal: sdkSignal(ctx) })
      const text = await response.text()
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as OutputLine)
    })

  const item = (line: OutputLine, apiKey: string): ProviderBatchItem => {
    const customId = line.custom_id
    const response = line.response
    if (response?.status_code !== 200) {
      const body = (
        response?.body as { error?: { message?: string; code?: string; type?: string } } | undefined
      )?.error
      const error = errorFromStatus(response?.status_code ?? 500, {
        message: body?.message ?? line.error?.message ?? `request '${customId}' has no answer`,
        code: body?.code ?? line.error?.code,
        type: body?.type,
        provider,
        requestId: response?.request_id,
        secrets: [apiKey],
      })
      return { customId, error }
    }
    const problem = unreadableCompletion(response.body)
    if (problem) {
      return {
        customId,
        error: invalidResponse({ provider, problem, body: response.body, secrets: [apiKey] }),
      }
    }
    return {
      customId,
      result: chatResult(response.body as ChatCompletion, (usage) => ({ usage: chatUsage(usage) })),
    }
  }

  return {
    priceFactor: 0.5,
    completionWindowMs: DAY_MS,

    async submit(requests, ctx) {
      const jsonl = requests
        .map(({ customId, request }) =>
          JSON.stringify({
            custom_id: customId,
            method: 'POST',
            url: '/v1/chat/completions',
            body: chatRequestBody(request, dialect),
          }),
        )
        .join('\n')
      const batch = await run(ctx, async (client) => {
        const file = await client.files.create(
          { file: await toFile(Buffer.from(`${jsonl}\n`), 'aimux-batch.jsonl'), purpose: 'batch' },
          { signal: sdkSignal(ctx) },
        )
        return client.batches.create(
          { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
          { signal: sdkSignal(ctx) },
        )
      })
      return state(batch)
    },

    async retrieve(id, ctx) {
      return state(await run(ctx, (client) => client.batches.retrieve(id, { signal: sdkSignal(ctx) })))
    },

    async results(id, ctx) {
      const batch = await run(ctx, (client) => client.batches.retrieve(id, { signal: sdkSignal(ctx) }))
      const { apiKey } = clientFor(ctx)
      const files = [batch.output_file_id, batch.error_file_id].filter((f): f is string => Boolean(f))
      const lines = (await Promise.all(files.map((file) => download(ctx, file)))).flat()
      return lines.map((line) => item(line, apiKey))
    },

    async cancel(id, ctx) {
      return state(await run(ctx, (client) => client.batches.cancel(id, { signal: sdkSignal(ctx) })))
    },
  }
}
