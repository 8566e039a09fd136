import type { FinishReason } from '@aimux/ai-core'
import type { Response } from 'openai/resources/responses/responses'

/**
 * Why a Responses API response ended, as aimux's finish reason: an incomplete response by its
 * reason (the output limit is 'length'), a refusal as 'content-filter', a completed one with
 * function calls as 'tool-calls'.
 */
export function responsesFinishReason(
  response: Pick<Response, 'status' | 'incomplete_details'>,
  outcome: { toolCalls: boolean; refused: boolean },
): FinishReason {
  if (response.status === 'incomplete') {
    const reason = response.incomplete_details?.reason
    if (reason === 'max_output_tokens') return 'length'
    return reason === 'content_filter' ? 'content-filter' : 'other'
  }
  if (response.status !== 'completed') return 'other'
  if (outcome.refused) return 'content-filter'
  return outcome.toolCalls ? 'tool-calls' : 'stop'
}
