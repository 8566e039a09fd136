// `@aimux/ai-core/store-kit`: what a store author needs to implement the storage ports the way
// the in-memory, SQLite and PostgreSQL stores do, and to pass `storeConformance()`.
export { validate, validateOptions } from './errors/validate.js'
export { type ClosableStore, storePlugin } from './instance/store-plugin.js'
export { compactFields } from './spec/compact-fields.js'
export { compareStrings } from './store/kit/compare-strings.js'
export { decodePageCursor, encodePageCursor, type PagePosition } from './store/kit/page-cursor.js'
export { DEFAULT_AUDIT_LIMIT, DEFAULT_CONVERSATION_PAGE_SIZE } from './store/kit/store-defaults.js'
export { toStoredContent, toStoredPart } from './store/kit/stored-content.js'
export {
  aggregateGroup,
  aggregateUsage,
  matchesUsageQuery,
  percentileCont,
  usageGroupKey,
  utcDay,
} from './store/kit/usage-aggregate.js'
export { withStoreErrors } from './store/kit/with-store-errors.js'
