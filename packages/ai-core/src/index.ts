// What applications use. Helpers for provider and plugin authors live in
// `@aimux/ai-core/provider-kit`, helpers for store authors in `@aimux/ai-core/store-kit`.
export type { AIStream } from './call/ai-stream.js'
export type { AroundRequest, RequestOutcome } from './call/around-request.js'
export type { BatchApi, BatchRequest, BatchResultItem, BatchSubmitOptions } from './call/batch.js'
export type { TokenCountResult } from './call/count-tokens.js'
export type { ModelCatalog, ModelRoutes, SyncResult } from './call/model-catalog.js'
export type { RequestAdditions, RequestHook, RequestHookInput } from './call/request-hook.js'
export { parseStructuredOutput } from './call/structured-output.js'
export type { Conversation, ConversationOptions, SendOptions } from './conversation/conversation.js'
export { addCost, type Cost, type CostBreakdown, type CostSource } from './cost/cost.js'
export { formatUsd, formatUsdAligned, NANO_USD_PER_USD, nanoToUsd, usdToNano } from './cost/money.js'
export * from './cost/price-catalog.js'
export type { Usage } from './cost/usage.js'
export * from './errors/errors.js'
export type { AimuxEventName, AimuxEvents, AimuxListener, CircuitState } from './events/events.js'
export {
  type AI,
  type CloseOptions,
  type CoreAI,
  type CreateAIOptions,
  createAI,
} from './instance/create-ai.js'
export { type CreateAIConfig, createAIOptionsSchema } from './instance/create-ai-options.js'
export type { AimuxLogger } from './instance/logger.js'
export { definePlugin, type Plugin, type PluginHost } from './instance/plugin.js'
export type { BudgetInput, UnpricedModels } from './middleware/budget-guard.js'
export type { BudgetStatus } from './middleware/budget-status.js'
export type { CircuitBreakerOptions } from './middleware/circuit-breaker.js'
export {
  type ChatModelCall,
  compose,
  type EmbedModelCall,
  type Middleware,
  type ModelCall,
  type ModelResponse,
} from './middleware/middleware.js'
export type { RateLimitsInput } from './middleware/rate-limiter.js'
export type { ResponseCacheOptions } from './middleware/response-cache.js'
export type { ModelGroupInput } from './middleware/router.js'
export type { CallContext, Credentials } from './spec/call-context.js'
export { estimateTokens, type TrimStrategy, trimOldestFirst } from './spec/context-window.js'
export type { DeepPartial } from './spec/deep-partial.js'
export * from './spec/embedding.js'
export * from './spec/message.js'
export * from './spec/model.js'
export { type CallPolicy, defaultTimeouts, type RetryPolicy, type TimeoutPolicy } from './spec/policy.js'
export * from './spec/provider.js'
export * from './spec/provider-batch.js'
export {
  type ChatRequest,
  type ChatRequestExtensions,
  chatRequestSchema,
  type RequestLimits,
  requestLimitsSchema,
} from './spec/request.js'
export type { ChatResult, StepResult, StreamPart, ToolResult } from './spec/result.js'
export { type Scope, scopeSchema } from './spec/scope.js'
export * from './spec/tool.js'
export type * from './store/audit-store.js'
export type * from './store/batch-store.js'
export type * from './store/catalog-store.js'
export type * from './store/connection-store.js'
export type * from './store/conversation-store.js'
export type * from './store/job-store.js'
export {
  createMemorySharedState,
  type MemorySharedState,
  type MemorySharedStateOptions,
} from './store/memory/memory-shared-state.js'
export { createMemoryStore, type MemoryStoreOptions } from './store/memory/memory-store.js'
// The state ports' types; `CircuitState` (the port) is in '@aimux/ai-core/store-kit', as the name
// here is the circuit's position in 'circuit:state' events.
export type {
  CircuitAdmission,
  CircuitChange,
  CircuitPosition,
  CircuitSettings,
  MaybePromise,
  RateLimitCheck,
  RateLimitDecision,
  RateLimitState,
  ResponseCacheState,
  SharedState,
} from './store/shared-state.js'
export type * from './store/spend-store.js'
export type * from './store/store.js'
export type * from './store/usage-store.js'
export type * from './store/virtual-key-store.js'
export type * from './store/webhook-outbox-store.js'
