import type { StepResult } from '../spec/result.js'
import type { UsageRecord } from '../store/usage-store.js'
import type { PreparedCall } from './prepare-call.js'
import { type Served, sumCost, sumUsage } from './step-result.js'

/** The usage record of a request, success or not; the caller adds success and errorCode. */
export function usageRecord(
  p: PreparedCall,
  mode: 'generate' | 'stream',
  steps: readonly StepResult[],
  served: Served,
  timing: { started: number; firstPartAt: number | undefined },
  conversationId: string | undefined,
): Omit<UsageRecord, 'success'> {
  const cost = sumCost(steps)
  const record: Omit<UsageRecord, 'success'> = {
    ...sumUsage(steps),
    ...p.scope,
    requestId: p.requestId,
    createdAt: new Date(),
    provider: served.provider,
    model: served.model,
    costNanoUsd: cost.nanoUsd,
    costSource: cost.source,
    latencyMs: performance.now() - timing.started,
    stream: mode === 'stream',
    steps: steps.length,
    operation: 'chat',
  }
  if (served.connectionId !== undefined) record.connectionId = served.connectionId
  if (conversationId !== undefined) record.conversationId = conversationId
  if (timing.firstPartAt !== undefined) record.timeToFirstTokenMs = timing.firstPartAt - timing.started
  return record
}
