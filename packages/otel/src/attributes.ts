import type { AimuxError, Usage } from '@aimux/ai-core'
import type { Attributes } from '@opentelemetry/api'

/** OpenTelemetry GenAI semantic-convention names this plugin writes. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestSeed: 'gen_ai.request.seed',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  conversationId: 'gen_ai.conversation.id',
  tokenType: 'gen_ai.token.type',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolArguments: 'gen_ai.tool.call.arguments',
  toolResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
} as const

/** aimux's own attributes, for what the GenAI conventions have no name for. */
export const AIMUX = {
  requestId: 'aimux.request.id',
  costUsd: 'aimux.cost.usd',
  costSource: 'aimux.cost.source',
  costEstimated: 'aimux.cost.estimated',
  attempt: 'aimux.attempt',
  step: 'aimux.step',
  steps: 'aimux.steps',
  retries: 'aimux.retry.count',
  fallbackFrom: 'aimux.fallback.from',
  fallbackTo: 'aimux.fallback.to',
  connectionId: 'aimux.connection.id',
  stream: 'aimux.stream',
  streamAbandoned: 'aimux.stream.abandoned',
  cacheHit: 'aimux.cache.hit',
  budgetScope: 'aimux.budget.scope',
  budgetPeriod: 'aimux.budget.period',
  scopeTenantId: 'aimux.scope.tenant_id',
  scopeUserId: 'aimux.scope.user_id',
  scopeProjectId: 'aimux.scope.project_id',
  errorCode: 'aimux.error.code',
  errorStatus: 'aimux.error.status',
  errorRetryable: 'aimux.error.retryable',
} as const

/** Token counts as GenAI usage attributes; cache counts only when the provider reported some. */
export function usageAttributes(usage: Usage): Attributes {
  const attributes: Attributes = {
    [GEN_AI.inputTokens]: usage.inputTokens,
    [GEN_AI.outputTokens]: usage.outputTokens,
  }
  if (usage.cachedInputTokens) attributes[GEN_AI.cacheReadTokens] = usage.cachedInputTokens
  if (usage.cacheWriteTokens) attributes[GEN_AI.cacheCreationTokens] = usage.cacheWriteTokens
  return attributes
}

/**
 * What a failure is, as attributes: `error.type` is the typed error's class name (low in
 * cardinality, as the conventions ask), with aimux's code, HTTP status and retryability.
 */
export function errorAttributes(error: unknown): Attributes {
  const typed = error as Partial<AimuxError> | undefined
  const attributes: Attributes = {
    [GEN_AI.errorType]: error instanceof Error ? error.name : '_OTHER',
  }
  if (typeof typed?.code === 'string') attributes[AIMUX.errorCode] = typed.code
  if (typeof typed?.status === 'number') attributes[AIMUX.errorStatus] = typed.status
  if (typeof typed?.retryable === 'boolean') attributes[AIMUX.errorRetryable] = typed.retryable
  return attributes
}

/** The error's message for a span status: the core's typed errors never carry a secret. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
