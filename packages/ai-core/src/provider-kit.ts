// `@aimux/ai-core/provider-kit`: what a provider adapter or a feature plugin needs beyond the
// port itself: mapping HTTP errors, masking secrets, validating options, normalizing usage,
// computing cost, the signal to hand an SDK, and the small primitives plugins share with the core
// (a weighted random pick, work that must never delay or fail a call).
export { computeCost, reportedCost, zeroCost } from './cost/cost.js'
export { addUsage, emptyUsage, normalizeUsage } from './cost/usage.js'
export {
  errorFromStatus,
  type HeaderSource,
  type HttpErrorDetails,
  parseRetryAfter,
} from './errors/http-error.js'
export { type InvalidResponseDetails, invalidResponse } from './errors/invalid-response.js'
export { redactSecrets } from './errors/redact-secrets.js'
export { scrubCause } from './errors/scrub-cause.js'
export { validate, validateOptions } from './errors/validate.js'
export {
  type BackgroundWork,
  type BackgroundWorkOptions,
  createBackgroundWork,
} from './events/background-work.js'
export { weightedPick } from './middleware/weighted-pick.js'
export { sdkSignal } from './spec/call-context.js'
export {
  type CachedClient,
  type ClientCacheOptions,
  type ClientSettings,
  createClientCache,
} from './spec/client-cache.js'
export { compactFields } from './spec/compact-fields.js'
export { parseToolArguments, stringifyToolArguments } from './spec/tool-arguments.js'
export { createRateWindow, type RateWindow } from './store/memory/rate-window.js'
