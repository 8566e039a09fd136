export type { AIStream } from './ai-stream.js'
export type { BudgetInput } from './budget-guard.js'
export { type CallContext, type Credentials, sdkSignal } from './call-context.js'
export type { CircuitBreakerOptions } from './circuit-breaker.js'
export { compactFields } from './compact-fields.js'
export { estimateTokens, type TrimStrategy, trimOldestFirst } from './context-window.js'
export type { Conversation, ConversationOptions, SendOptions } from './conversation.js'
export {
  addCost,
  type Cost,
  type CostBreakdown,
  type CostSource,
  computeCost,
  reportedCost,
  zeroCost,
} from './cost.js'
export { type AI, type CoreAI, type CreateAIOptions, createAI } from './create-ai.js'
export * from './errors.js'
export type { AimuxEventName, AimuxEvents, AimuxListener, CircuitState } from './events.js'
export {
  errorFromStatus,
  type HeaderSource,
  type HttpErrorDetails,
  parseRetryAfter,
} from './http-error.js'
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js'
export * from './message.js'
export { compose, type Middleware, type ModelCall, type ModelResponse } from './middleware.js'
export * from './model.js'
export type { ModelCatalog, SyncResult } from './model-catalog.js'
export { formatUsd, NANO_USD_PER_USD, nanoToUsd, usdToNano } from './money.js'
export { decodePageCursor, encodePageCursor, type PagePosition } from './page-cursor.js'
export { definePlugin, type Plugin, type PluginHost } from './plugin.js'
export type { CallPolicy, RetryPolicy, TimeoutPolicy } from './policy.js'
export * from './price-catalog.js'
export * from './provider.js'
export type { RateLimitsInput } from './rate-limiter.js'
export { createRateWindow, type RateWindow } from './rate-window.js'
export { redactSecrets } from './redact-secrets.js'
export type { ChatRequest, ChatRequestExtensions } from './request.js'
export { chatRequestSchema } from './request.js'
export type { RequestAdditions, RequestHook, RequestHookInput } from './request-hook.js'
export type { ResponseCacheOptions } from './response-cache.js'
export type { ChatResult, StepResult, StreamPart, ToolResult } from './result.js'
export type { ModelGroupInput } from './router.js'
export { type Scope, scopeSchema } from './scope.js'
export type * from './store.js'
export { DEFAULT_AUDIT_LIMIT, DEFAULT_CONVERSATION_PAGE_SIZE } from './store-defaults.js'
export { type ClosableStore, storePlugin } from './store-plugin.js'
export { toStoredContent, toStoredPart } from './stored-content.js'
export { parseStructuredOutput } from './structured-output.js'
export * from './tool.js'
export { addUsage, emptyUsage, normalizeUsage, type Usage } from './usage.js'
export {
  aggregateGroup,
  aggregateUsage,
  matchesUsageQuery,
  percentileCont,
  usageGroupKey,
  utcDay,
} from './usage-aggregate.js'
export { formatPath, validate } from './validate.js'
export { withStoreErrors } from './with-store-errors.js'
