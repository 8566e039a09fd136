import type { CallContext, ProviderBatch, ProviderBatchItem, ProviderBatchState } from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import type Anthropic from '@anthropic-ai/sdk'
import type {
  MessageBatch,
  MessageBatchIndividualResponse,
} from '@anthropic-ai/sdk/resources/messages/batches'
import { anthropicError, statusOfType } from './anthropic-error.js'
import { anthropicRequest } from './anthropic-request.js'
import { anthropicResult, unreadableMessage } from './anthropic-response.js'

const DAY_MS = 86_400_000

/**
 * Anthropic's Message Batches on @anthropic-ai/sdk: each request's params are the Messages body
 * a chat call sends (`messages.batches.create`), the state is `retrieve`, the answers the JSONL
 * of `results`, each message read as a chat call's. Batch rates are half the normal ones;
 * a batch has 24 hours to end.
 */
export function anthropicBatch(
  clientFor: (ctx: CallContext) => { client: Anthropic; apiKey?: string },
  defaultMaxTokens: number,
): ProviderBatch {
  async function run<T>(
    ctx: CallContext,
    call: (client: Anthropic, apiKey: string | undefined) => Promise<T>,
  ) {
    const { client, apiKey } = clientFor(ctx)
    try {
      return await call(client, apiKey)
    } catch (error) {
      throw anthropicError(error, { signal: ctx.signal, apiKey })
    }
  }

  const state = (batch: MessageBatch): ProviderBatchState => {
    const c = batch.request_counts
    const failed = c.errored + c.canceled + c.expired
    const ended = batch.processing_status === 'ended'
    // An ended batch is cancelled when it was asked to stop, expired when requests ran out of time.
    const status = !ended
      ? 'in_progress'
      : batch.cancel_initiated_at
        ? 'cancelled'
        : c.expired > 0
          ? 'expired'
          : 'completed'
    return {
      id: batch.id,
      status,
      counts: {
        total: c.processing + c.succeeded + failed,
        succeeded: c.succeeded,
        failed,
        pending: c.processing,
      },
      expiresAt: new Date(batch.expires_at),
      ...(batch.ended_at ? { endedAt: new Date(batch.ended_at) } : {}),
    }
  }

  const item = (line: MessageBatchIndividualResponse, apiKey: string | undefined): ProviderBatchItem => {
    const customId = line.custom_id
    const secrets = apiKey ? [apiKey] : []
    const result = line.result
    if (result.type === 'succeeded') {
      const problem = unreadableMessage(result.message)
      if (problem)
        return {
          customId,
          error: invalidResponse({ provider: 'anthropic', problem, body: result.message, secrets }),
        }
      return { customId, result: anthropicResult(result.message) }
    }
    if (result.type === 'errored') {
      const { type, message } = result.error.error
      return {
        customId,
        error: errorFromStatus(statusOfType[type] ?? 500, { message, type, provider: 'anthropic', secrets }),
      }
    }
    const why = result.type === 'expired' ? 'expired before it ran' : 'was cancelled before it ran'
    return {
      customId,
      error: errorFromStatus(500, {
        message: `request '${customId}' ${why}`,
        provider: 'anthropic',
        secrets,
      }),
    }
  }

  return {
    priceFactor: 0.5,
    completionWindowMs: DAY_MS,

    async submit(requests, ctx) {
      const batch = await run(ctx, (client) =>
        client.messages.batches.create(
          {
            requests: requests.map(({ customId, request }) => ({
              custom_id: customId,
              params: anthropicRequest(request, defaultMaxTokens),
            })),
          },
          { signal: sdkSignal(ctx) },
        ),
      )
      return state(batch)
    },

    async retrieve(id, ctx) {
      return state(
        await run(ctx, (client) => client.messages.batches.retrieve(id, {}, { signal: sdkSignal(ctx) })),
      )
    },

    async results(id, ctx) {
      return run(ctx, async (client, apiKey) => {
        const lines = await client.messages.batches.results(id, {}, { signal: sdkSignal(ctx) })
        const items: ProviderBatchItem[] = []
        for await (const line of lines) items.push(item(line, apiKey))
        return items
      })
    },

    async cancel(id, ctx) {
      return state(
        await run(ctx, (client) => client.messages.batches.cancel(id, {}, { signal: sdkSignal(ctx) })),
      )
    },
  }
}
